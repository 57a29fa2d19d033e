"""Fuzzing the public API from its own OpenAPI document: no 5xx, and every reply as the document says.

Bounded: a few examples per operation, so the run takes a few minutes at most on two cores. Every
operation is tried and every failure reported together, rather than stopping at the first.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from ..conftest import gateway_url
from ..e2e.clients import WebClient

ROLES = ("steward", "moderator", "pilot_lead", "auditor", "admin")
# Failed sign-ins the fuzzer makes come from an address of their own, so they never lock out 127.0.0.1.
FUZZER_ADDRESS = "203.0.113.7"
EXAMPLES = 5


@pytest.fixture(scope="module")
def api_schema(stack, settings):
    """The document the gateway serves, less `consistency_token` (see `without_consistency_tokens`)."""
    document = WebClient(gateway_url(settings), anonymous=True).request("GET", "/api/v1/openapi.json").body
    return schemathesis.openapi.from_dict(without_consistency_tokens(document))


def without_consistency_tokens(document: dict) -> dict:
    """The document without the `consistency_token` query parameter.

    A made-up token names a write that never happened, so by design the read waits the whole
    CONSISTENCY_TIMEOUT_S and answers 503 "retry shortly": fuzzing it would only measure that wait.
    Its real uses are covered end to end (read-your-writes, malformed tokens).
    """
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "parameters" in op:
                op["parameters"] = [p for p in op["parameters"] if p.get("name") != "consistency_token"]
    return document


@pytest.fixture(scope="module")
def fuzzer(stack, settings):
    """An account holding every role, so the fuzzer gets past authorisation to the code behind it."""
    return WebClient(gateway_url(settings)).as_user(*ROLES)


def fuzz(operation, base_url: str, headers: dict[str, str]) -> None:
    """Send a few generated requests to one operation, checking each reply."""

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, timeout=30,
                               checks=[not_a_server_error, response_schema_conformance])

    run()


def test_every_operation_answers_generated_requests_without_a_server_error_and_as_documented(
        api_schema, fuzzer, settings):
    headers = {"Authorization": f"Bearer {fuzzer.account.token}", "X-Forwarded-For": FUZZER_ADDRESS}
    failures, tried = {}, 0

    for result in api_schema.get_all_operations():
        operation = result.ok()
        tried += 1
        try:
            fuzz(operation, gateway_url(settings), headers)
        except (Exception, BaseExceptionGroup) as exc:  # collected, then reported together below
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:2000]

    assert tried > 20
    assert not failures, "\n\n".join(f"{label}:\n{problem}" for label, problem in failures.items())
