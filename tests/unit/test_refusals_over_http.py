import importlib
import re
from pathlib import Path

import pytest
from flask import Flask

from services.knowledge.domain.errors import AlreadyExists, ImageRejected, NotPermitted, PageIsProtected
from services.pilots.domain.errors import (
    IllegalTransition,
    MilestoneBeforeStart,
    NotIndependent,
    UnknownBarrier,
    UnsignedOrganisation,
)
from services.pledge.domain.errors import PledgeConflict, RoundClosedError
from shared import http
from shared.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Refused
from shared.eventstore import ConcurrencyConflict

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("pledge", "knowledge", "pilots")


def reply_to(refusal: Exception, domain_errors: tuple[type[Exception], ...] = ()):
    """The status and JSON body a service's shared HTTP edge answers when a command raises `refusal`."""
    app = Flask(__name__)

    @app.post("/command")
    def command():
        raise refusal

    http.install(app, domain_errors)
    response = app.test_client().post("/command")
    return response.status_code, response.get_json()


def test_a_domain_not_found_becomes_a_404_naming_its_code_and_field():
    status, body = reply_to(NotFound("no such draft", field="draft_id"))

    assert status == 404
    assert body == {"code": "not_found", "message": "no such draft", "errors": {"draft_id": ["no such draft"]}}


def test_a_refusal_that_names_no_field_has_no_field_errors():
    status, body = reply_to(Conflict("already done"))

    assert (status, body) == (409, {"code": "conflict", "message": "already done", "errors": {}})


@pytest.mark.parametrize(("refusal", "status", "code"), [
    (Invalid("bad", "x"), 422, "validation_failed"),
    (Forbidden("no", "x"), 403, "forbidden"),
    (Conflict("clash", "x"), 409, "conflict"),
    (RateLimited("slow down", "email"), 429, "rate_limited"),
    (PledgeConflict("already signed", "organisation_name"), 409, "pledge_error"),
    (RoundClosedError("no open round", "charter_id"), 409, "round_closed_error"),
    (NotPermitted("only a moderator", "x"), 403, "forbidden"),
    (AlreadyExists("already there", "image"), 409, "already_exists"),
    (PageIsProtected("2030-01-01T00:00:00Z", "vandalism"), 409, "page_is_protected"),
    (ImageRejected("not an image"), 422, "image_rejected"),
    (IllegalTransition("cannot start", "status"), 409, "illegal_transition"),
    (UnsignedOrganisation("not a signatory", "organisation_id"), 403, "unsigned_organisation"),
    (UnknownBarrier("no such barrier", "barrier_id"), 404, "unknown_barrier"),
    (MilestoneBeforeStart("too early", "due_date"), 422, "milestone_before_start"),
    (NotIndependent("a member", "x"), 403, "not_independent"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_each_refusal_is_answered_with_its_kinds_status_and_its_own_code(refusal, status, code):
    answered, body = reply_to(refusal)

    assert (answered, body["code"]) == (status, code)
    assert body["message"] == refusal.message
    assert body["errors"] == ({refusal.field: [refusal.message]} if refusal.field else {})


def test_a_stale_append_is_still_answered_as_a_409_concurrency_conflict():
    status, body = reply_to(ConcurrencyConflict("draft-1", 2, 3), (ConcurrencyConflict,))

    assert (status, body["code"]) == (409, "concurrency_conflict")
    assert body["message"] == "stream draft-1 is at version 3, not 2"


def every_refusal(cls: type[Refused]) -> set[type[Refused]]:
    return {cls}.union(*(every_refusal(sub) for sub in cls.__subclasses__()))


def test_every_domain_refusal_is_one_of_the_shared_kinds_and_carries_no_http_status():
    for service in SERVICES:
        importlib.import_module(f"services.{service}.domain.errors")
    kinds = tuple(kind for kind, _ in http.REFUSAL_STATUS)

    refusals = every_refusal(Refused) - {Refused}

    assert {cls for cls in refusals if not issubclass(cls, kinds)} == set()
    assert {cls for cls in refusals if hasattr(cls, "status")} == set()


def test_no_domain_module_spells_an_http_status():
    modules = [path for service in SERVICES for path in (ROOT / "services" / service / "domain").glob("*.py")]

    spelt = [f"{path.relative_to(ROOT)}: {line.strip()}" for path in modules
             for line in path.read_text().splitlines() if re.search(r"\bstatus\s*=\s*[1-5]\d\d\b", line)]

    assert modules and spelt == []


def test_a_rate_limited_refusal_says_when_to_retry():
    app = Flask(__name__)

    @app.post("/command")
    def command():
        raise RateLimited("slow down", "email", retry_after=42)

    http.install(app)
    response = app.test_client().post("/command")

    assert (response.status_code, response.headers["Retry-After"]) == (429, "42")
    assert response.get_json()["code"] == "rate_limited"
