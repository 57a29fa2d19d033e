"""Every code the API can answer is in the error catalogue (shared/error_codes.py), and docs/errors.md lists it."""

import ast
import importlib
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from werkzeug.exceptions import default_exceptions

from shared import http
from shared.error_codes import CATALOGUE, CODES, markdown
from shared.errors import Refused
from shared.eventstore import ConcurrencyConflict
from shared.openapi import Error

ROOT = Path(__file__).resolve().parents[2]
# Modules that define refusals: each service's own, and knowledge's explained stale edit.
REFUSAL_MODULES = ("services.pledge.domain.errors", "services.knowledge.domain.errors",
                   "services.pilots.domain.errors", "services.knowledge.conflicts")
# The HTML pages of the web app answer people, not API clients: their refusals carry sentences, not codes.
NOT_API = (ROOT / "services" / "gateway" / "web",)
# What werkzeug itself can answer here (routing, body size, media type, a fault); shared/http.py names it.
WERKZEUG_STATUSES = (400, 404, 405, 413, 415, 500)


def every_refusal(cls: type[Refused]) -> set[type[Refused]]:
    return {cls}.union(*(every_refusal(sub) for sub in cls.__subclasses__()))


def literal_codes(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return literal_codes(node.body) + literal_codes(node.orelse)
    return []


def call_site_codes() -> list[tuple[str, int | None, str]]:
    """(code, status or None, where) of each `error(status, code, ...)`, `...Refused(status, code, ...)`,
    `unauthenticated(code)` and `{"code": code, "errors": ...}` reply in services/ and shared/."""
    found = []
    for path in sorted([*(ROOT / "services").rglob("*.py"), *(ROOT / "shared").rglob("*.py")]):
        if any(path.is_relative_to(skipped) for skipped in NOT_API):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict) and {"code", "errors"} <= {getattr(k, "value", None) for k in node.keys}:
                found += [(code, None, f"{path.relative_to(ROOT)}:{node.lineno}") for key, value
                          in zip(node.keys, node.values, strict=True) if isinstance(key, ast.Constant)
                          and key.value == "code" for code in literal_codes(value)]
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name == "unauthenticated" and node.args:
                found += [(code, 401, where) for code in literal_codes(node.args[0])]
            elif (name == "error" or name.endswith("Refused")) and len(node.args) >= 2:
                status = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
                found += [(code, status, where) for code in literal_codes(node.args[1]) if code.isidentifier()]
    return found


def test_every_code_a_call_site_answers_is_catalogued_with_its_status():
    sites = call_site_codes()

    uncatalogued = [site for site in sites if site[0] not in CODES]
    wrong_status = [site for site in sites if site[0] in CODES and site[1] not in (None, *CODES[site[0]].statuses)]

    assert len(sites) > 50 and uncatalogued == [] and wrong_status == []


def test_every_domain_refusal_answers_a_catalogued_code_with_its_status():
    for module in REFUSAL_MODULES:
        importlib.import_module(module)

    refusals = every_refusal(Refused) - {Refused}
    answered = {cls.code: next(status for kind, status in http.REFUSAL_STATUS if issubclass(cls, kind))
                for cls in refusals}

    assert {code: status for code, status in answered.items()
            if code not in CODES or status not in CODES[code].statuses} == {}
    assert "concurrency_conflict" in CODES and ConcurrencyConflict.status in CODES["concurrency_conflict"].statuses


def test_what_werkzeug_answers_is_catalogued():
    codes = {status: default_exceptions[status]().name.lower().replace(" ", "_") for status in WERKZEUG_STATUSES}

    assert {status: code for status, code in codes.items() if code not in CODES} == {}


def test_the_same_problem_has_one_code():
    assert len(CODES) == len(CATALOGUE)
    assert {"invalid", "not_permitted", "too_many_attempts"}.isdisjoint(CODES)


def test_docs_errors_md_is_written_from_the_catalogue_and_lists_every_code():
    page = (ROOT / "docs" / "errors.md").read_text()

    assert page == markdown(), "run: python -m shared.error_codes > docs/errors.md"
    assert all(f"| `{code}` |" in page for code in CODES)


def test_the_documented_error_shape_names_the_catalogue_and_allows_its_extra_fields():
    spec = APISpec("t", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.schema("Error", schema=Error)
    documented = spec.to_dict()["components"]["schemas"]["Error"]

    assert documented["properties"]["code"]["enum"] == list(CODES)
    assert documented.get("additionalProperties", True) is not False
