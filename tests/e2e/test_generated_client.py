"""A client generated from /api/v1/openapi.json alone drives the main journey end to end.

The client is generated in the test by openapi-python-client (a pinned dev dependency) from the document
the test stack serves. Every step of the journey goes through its functions and models: a step names the
operation by its method and path, the document gives its operation id and tag, and so the generated
module (`api/<tag>/<operation id>.py`, found by the id); bodies are built by the operation's own body model and replies
read through its parsed reply models. Only the set-up that is not the journey (accounts with roles) uses
the test helpers.
"""

from __future__ import annotations

import importlib
import inspect
import json
import random
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import httpx
import pytest

from ..conftest import gateway_url
from .clients import WebClient

TEXT_A = "We will open our services to the people who use them."
TEXT_B = "We commit to removing the barriers that stop our staff working interactively."
TEXT_C = f"{TEXT_A} {TEXT_B[:-1]}, starting this year."
TIMEOUT = httpx.Timeout(15.0)
CONFIG = "package_name_override: {name}\npost_hooks: []\n"  # no ruff over the generated code: it is only run


class GeneratedApi:
    """The generated package, its operations looked up by `"METHOD /path"` through the document."""

    def __init__(self, package: ModuleType, document: dict[str, Any], base_url: str, warnings: str) -> None:
        self.package, self.document, self.base_url, self.warnings = package, document, base_url, warnings

    def operation(self, name: str) -> ModuleType:
        """The generated module of an operation (`"POST /api/v1/charters"`)."""
        method, path = name.split(" ", 1)
        op = self.document["paths"][path][method.lower()]
        api_dir = Path(str(self.package.__file__)).parent / "api"
        found = sorted(api_dir.glob(f"*/{snake(op['operationId'])}.py"))
        if not found:
            said = [w for w in self.warnings.split("\n\n") if f" {method.upper()} {path} " in w]
            pytest.fail(f"{name} ({op['operationId']}, tags {op.get('tags')}) was not generated: "
                        f"{' '.join(said) or self.warnings}")
        return importlib.import_module(f"{self.package.__name__}.api.{found[0].parent.name}.{found[0].stem}")

    def client(self, token: str | None = None, address: str | None = None) -> Any:
        """The generated client: authenticated with an API token, or anonymous; from `address` if given."""
        headers = {"X-Forwarded-For": address} if address else {}
        if token is None:
            return self.package.Client(base_url=self.base_url, headers=headers, timeout=TIMEOUT)
        return self.package.AuthenticatedClient(base_url=self.base_url, token=token, headers=headers,
                                                timeout=TIMEOUT)

    def call(self, name: str, client: Any, body: dict[str, Any] | None = None, **params: Any) -> Any:
        """Run the operation through its generated `sync_detailed`, the body built by its generated model."""
        function = self.operation(name).sync_detailed
        if body is not None:
            params["body"] = body_model(function).from_dict(body)
        return function(client=client, **params)


def snake(name: str) -> str:
    """A tag or operation id as openapi-python-client names its module."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-zA-Z0-9]+", "_", name).strip("_").lower()


def body_model(function: Callable) -> Any:
    """The generated model of an operation's JSON body."""
    annotation = inspect.signature(function).parameters["body"].annotation
    return annotation if isinstance(annotation, type) else annotation.__args__[0]


@pytest.fixture(scope="module")
def api(stack, settings, tmp_path_factory) -> Iterator[GeneratedApi]:
    """A client generated once for the module from the document the gateway serves."""
    base = gateway_url(settings)
    workdir = tmp_path_factory.mktemp("generated")
    document = json.loads(urlopen(base + "/api/v1/openapi.json", timeout=30).read())
    (workdir / "openapi.json").write_text(json.dumps(document))
    name = f"charter_client_{uuid.uuid4().hex[:8]}"
    (workdir / "config.yaml").write_text(CONFIG.format(name=name))
    generated = subprocess.run(
        [str(Path(sys.executable).with_name("openapi-python-client")), "generate", "--path", "openapi.json",
         "--output-path", name, "--meta", "none", "--config", "config.yaml"],
        cwd=workdir, capture_output=True, text=True, timeout=180)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(workdir))
    try:
        yield GeneratedApi(importlib.import_module(name), document, base, generated.stdout + generated.stderr)
    finally:
        sys.path.remove(str(workdir))


@dataclass
class People:
    steward: str
    verifier: str
    lead: str
    alice: str
    bob: str
    carol: str


@pytest.fixture(scope="module")
def people(stack, settings) -> People:
    """Accounts with their roles and API tokens (the set-up, by the test helpers); the tokens."""
    web = WebClient(gateway_url(settings))
    return People(*(web.as_user(*roles).account.token
                    for roles in (("steward",), ("steward",), ("pilot_lead",), (), (), ())))


def accepted(reply: Any, status: int = 201) -> Any:
    """A command's parsed reply, once its status is the one expected."""
    assert reply.status_code == status, (reply.status_code, reply.content)
    assert hasattr(reply.parsed, "consistency_token"), (
        f"the reply model {type(reply.parsed).__name__} declares no consistency_token: {reply.content!r}")
    return reply.parsed


def read(reply: Any) -> Any:
    """A read's parsed reply model."""
    assert reply.status_code == 200, (reply.status_code, reply.content)
    assert reply.parsed is not None, f"no reply schema parsed: {reply.content[:300]!r}"
    return reply.parsed


def eventually(attempt: Callable[[], Any], status: int = 201, timeout_s: float = 30) -> Any:
    """Repeat a step the log has not carried to its service yet (a signature, a barrier) until it answers."""
    deadline = time.monotonic() + timeout_s
    while (reply := attempt()).status_code != status and time.monotonic() < deadline:
        time.sleep(0.3)
    return reply


def test_a_generated_client_drives_the_journey_from_charter_to_verified_outcome(api, people):
    steward, verifier, lead = api.client(people.steward), api.client(people.verifier), api.client(people.lead)
    alice, bob, carol = api.client(people.alice), api.client(people.bob), api.client(people.carol)

    # A steward creates a charter; participants propose drafts, one remixes the other two, and it is rated.
    charter = accepted(api.call("POST /api/v1/charters", steward,
                                {"title": "The generated pledge", "purpose": "Make government interactive"}))
    charter_id = charter.charter_id
    draft_a = accepted(api.call("POST /api/v1/charters/{charter_id}/drafts", alice, {
        "title": "Open services", "text": TEXT_A, "change_summary": "first go", "parents": []},
        charter_id=charter_id)).draft_id
    draft_b = accepted(api.call("POST /api/v1/charters/{charter_id}/drafts", bob, {
        "title": "Remove barriers", "text": TEXT_B, "change_summary": "first go", "parents": []},
        charter_id=charter_id)).draft_id
    remix = accepted(api.call("POST /api/v1/charters/{charter_id}/drafts", carol, {
        "title": "Both", "text": TEXT_C, "change_summary": "remixed", "parents": [draft_a, draft_b]},
        charter_id=charter_id)).draft_id
    rated = accepted(api.call("PUT /api/v1/drafts/{draft_id}/rating", alice, {"stars": 5}, draft_id=remix), 200)
    draft = read(api.call("GET /api/v1/drafts/{draft_id}", bob, draft_id=remix,
                          consistency_token=rated.consistency_token))

    assert draft.text == TEXT_C
    assert [p.draft_id for p in draft.lineage.parents] == [draft_a, draft_b]
    assert draft.ratings.histogram.to_dict() == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}

    # The steward adopts the remix as version 1; an organisation signs it and its signatory verifies.
    adopted = accepted(api.call("POST /api/v1/charters/{charter_id}/versions", steward, {"draft_id": remix},
                                charter_id=charter_id))
    page = read(api.call("GET /api/v1/charters/{charter_id}", alice, charter_id=charter_id,
                         consistency_token=adopted.consistency_token))

    assert (page.current_version.version, page.current_version.text) == (1, TEXT_C)

    organisation = f"Borough of {uuid.uuid4().hex[:10].upper()} Council"
    signer = api.client(address=f"10.{random.randrange(1, 250)}.{random.randrange(1, 250)}.{random.randrange(1, 250)}")
    signature_id = accepted(api.call("POST /api/v1/charters/{charter_id}/signatures", signer, {
        "version": 1, "organisation_name": organisation, "organisation_type": "council",
        "signatory_name": "Sam Signer", "signatory_role": "chief executive",
        "email": f"ceo-{uuid.uuid4().hex[:8]}@example.org", "statement": "We are in."},
        charter_id=charter_id)).signature_id
    mailed = read(api.call("GET /dev/verification-links/{signature_id}", signer, signature_id=signature_id))
    link_token = parse_qs(urlsplit(mailed.link).query)["token"][0]
    verified = accepted(api.call("POST /api/v1/signatures/{signature_id}/verification", signer,
                                 {"token": link_token}, signature_id=signature_id))
    signatories = read(api.call("GET /api/v1/charters/{charter_id}/signatories", alice, charter_id=charter_id,
                                consistency_token=verified.consistency_token))

    [listed] = [s for s in signatories.items if s.signature_id == signature_id]
    assert (listed.organisation_name, listed.signatory_name, listed.statement) == (
        organisation, "Sam Signer", "We are in.")
    assert listed.signed_at is not None

    # The knowledge base gets a barrier and a solution to it.
    barrier_id = accepted(api.call("POST /api/v1/barriers", alice, {
        "title": "Photo uploads refused", "description": "Photo uploads refused, in practice.",
        "category": "it_policy_and_tools", "tags": [], "summary": ""})).barrier_id
    solution = accepted(api.call("POST /api/v1/solutions", bob, {
        "title": "A consent form for photos", "body": "A consent form: how we did it.",
        "barrier_ids": [barrier_id], "steps": [], "organisations": [], "tags": []}))
    solution_page = read(api.call("GET /api/v1/solutions/{solution_id}", alice, solution_id=solution.solution_id,
                                  consistency_token=solution.consistency_token))

    assert solution_page.title == "A consent form for photos"

    # The signed organisation's pilot lead runs a pilot against the barrier through to a verified outcome.
    recorded = api.call("POST /api/v1/organisations", lead, {"name": organisation, "organisation_type": "council"})
    assert recorded.status_code in (201, 409), recorded.content
    lead_id = read(api.call("GET /api/v1/session", lead)).account_id
    accepted(api.call("POST /api/v1/organisations/{organisation_id}/members", steward, {
        "account_id": lead_id, "evidence": "known to the test"}, organisation_id=organisation))
    pilot = accepted(eventually(lambda: api.call("POST /api/v1/pilots", lead, {
        "organisation_id": organisation, "title": "Open by default", "aims": "Staff use shared tools",
        "sponsor_name": "Tom Riordan", "sponsor_role": "Chief Executive", "leads": [lead_id],
        "start_date": "2025-01-06", "planned_end_date": "2026-12-31"})))
    pilot_id = pilot.pilot_id
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/approval", steward, {}, pilot_id=pilot_id))
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/start", lead, {}, pilot_id=pilot_id))
    accepted(eventually(lambda: api.call("POST /api/v1/pilots/{pilot_id}/barriers", lead, {
        "barrier_id": barrier_id, "notes": "Photos matter"}, pilot_id=pilot_id)))
    milestone_id = accepted(api.call("POST /api/v1/pilots/{pilot_id}/milestones", lead, {
        "title": "Staff survey", "due_date": "2025-02-01"}, pilot_id=pilot_id)).milestone_id
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/milestones/{milestone_id}/done", lead, {
        "done_date": "2025-02-03"}, pilot_id=pilot_id, milestone_id=milestone_id))
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/reports", lead, {
        "text": "Tools rolled out", "reported_on": date.today().isoformat(),
        "metrics": [{"name": "staff using the new tools", "value": 140, "unit": "people"}]}, pilot_id=pilot_id))
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/barriers/{barrier_id}/status", lead, {
        "status": "in_progress", "notes": "Talking to IT"}, pilot_id=pilot_id, barrier_id=barrier_id))
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/barriers/{barrier_id}/status", lead, {
        "status": "removed", "notes": "Consent form agreed", "solution_id": solution.solution_id,
        "solution_title": "A consent form for photos"}, pilot_id=pilot_id, barrier_id=barrier_id))
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/completion", lead, {}, pilot_id=pilot_id))
    accepted(api.call("POST /api/v1/pilots/{pilot_id}/outcome", lead, {
        "what_worked": "Sponsorship", "what_did_not": "Procurement", "lessons": "Start small",
        "completion": "substantial"}, pilot_id=pilot_id))
    checked = accepted(api.call("POST /api/v1/pilots/{pilot_id}/outcome/verification", verifier, {
        "comment": "Checked with staff"}, pilot_id=pilot_id))
    pilot_page = read(api.call("GET /api/v1/pilots/{pilot_id}", alice, pilot_id=pilot_id,
                               consistency_token=checked.consistency_token))

    assert pilot_page.status == "completed"
    [targeted] = pilot_page.barriers
    assert (targeted.barrier_id, targeted.status, targeted.solution_title) == (
        barrier_id, "removed", "A consent form for photos")
    assert (pilot_page.outcome.completion, pilot_page.outcome.assessment, pilot_page.outcome.comment) == (
        "substantial", "verified", "Checked with staff")
