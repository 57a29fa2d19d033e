"""The public API describes itself: an OpenAPI 3 document merged from every service, a docs page, ETags."""

import re

import pytest
from openapi_spec_validator import validate

CREDENTIAL_OPERATIONS = {("post", "/api/v1/accounts"), ("post", "/api/v1/session"), ("post", "/api/v1/tokens")}
# Signing and a signature's mailed links need no account: the body carries the proof (edge/auth.py).
PROOF_IN_BODY = {("post", "/api/v1/charters/{charter_id}/signatures"),
                 ("post", "/api/v1/signatures/{signature_id}/verification"),
                 ("post", "/api/v1/signatures/{signature_id}/withdrawal"),
                 ("post", "/api/v1/signatures/{signature_id}/links")}


@pytest.fixture(scope="module")
def document(stack, settings):
    from .clients import WebClient

    r = WebClient(f"http://{settings.host}:{settings.gateway_port}", anonymous=True).request(
        "GET", "/api/v1/openapi.json")
    assert r.status == 200
    return r.body


def test_the_api_document_is_valid_openapi_3(document):
    validate(document)

    assert document["openapi"].startswith("3.")


def test_the_api_document_lists_the_commands_of_every_service_and_the_gateways_reads(document):
    paths = document["paths"]

    assert "post" in paths["/api/v1/charters"] and "get" in paths["/api/v1/charters"]
    assert "post" in paths["/api/v1/charters/{charter_id}/drafts"]
    assert "post" in paths["/api/v1/barriers"] and "post" in paths["/api/v1/barriers/{barrier_id}/hide"]
    assert "post" in paths["/api/v1/pilots"]
    assert "get" in paths["/api/v1/charters/{charter_id}"] and "post" in paths["/api/v1/session"]
    body = paths["/api/v1/charters"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert document["components"]["schemas"][body.rsplit("/", 1)[1]]["required"] == ["purpose", "title"]


def test_paged_reads_document_their_paging_parameters(document):
    params = {p["name"] for p in document["paths"]["/api/v1/charters"]["get"].get("parameters", [])}

    assert {"limit", "offset", "consistency_token"} <= params


def test_every_read_that_answers_a_page_documents_limit_and_offset(document, web):
    reads = [p for p, item in document["paths"].items() if "get" in item and "{" not in p]
    undocumented = []
    for path in reads:
        reply = web.request("GET", path)
        paged = reply.status == 200 and isinstance(reply.body, dict) and {"limit", "offset"} <= set(reply.body)
        params = {p["name"] for p in document["paths"][path]["get"].get("parameters", [])}
        if paged and not {"limit", "offset"} <= params:
            undocumented.append(path)

    assert len(reads) > 10 and undocumented == []


def test_every_command_in_the_document_refuses_an_anonymous_caller_with_401(document, web):
    anonymous = web.anonymous()
    commands = [(m, p) for p, item in document["paths"].items() for m in item if m in ("post", "put", "patch", "delete")
                and (m, p) not in CREDENTIAL_OPERATIONS | PROOF_IN_BODY]

    replies = {(m, p): anonymous.request(m.upper(), re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", p),
                                         {}) for m, p in commands}

    assert len(commands) > 20
    assert {k: r.status for k, r in replies.items() if r.status != 401} == {}
    assert all(r.body["code"] in ("unauthenticated",) for r in replies.values())


def test_the_docs_page_is_self_contained_html_listing_the_operations(web):
    r = web.anonymous().request("GET", "/api/v1/docs")

    assert r.status == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "<code>/api/v1/charters/{charter_id}/drafts</code>" in r.body
    # Self-contained: no script and nothing loaded from elsewhere (example URLs in the text are only text).
    assert "<script" not in r.body and not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", r.body)
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]


def test_a_read_carries_a_weak_etag_and_an_unchanged_read_answers_304(web, steward):
    created = steward.create_charter().body
    charter_id, first = created["charter_id"], web.read_charter(created["charter_id"], created["consistency_token"])

    again = web.request("GET", f"/api/v1/charters/{charter_id}", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status == 200 and first.headers["ETag"].startswith('W/"')
    assert again.status == 304 and again.body is None and again.headers["ETag"] == first.headers["ETag"]


def test_a_changed_read_answers_200_with_a_new_etag(web, steward):
    created = steward.create_charter().body
    charter_id, first = created["charter_id"], web.read_charter(created["charter_id"], created["consistency_token"])
    token = web.propose_draft(charter_id, "A new draft changes the charter's page.").body["consistency_token"]

    changed = web.request("GET", f"/api/v1/charters/{charter_id}", headers={"If-None-Match": first.headers["ETag"]},
                          consistency_token=token)

    assert changed.status == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_signing_and_the_mailed_links_are_documented_as_needing_no_account_and_refuse_what_is_missing(document, web):
    anonymous = web.anonymous()

    replies = {p: anonymous.request(m.upper(), re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", p), {})
               for m, p in PROOF_IN_BODY}

    assert all({} in document["paths"][p][m]["security"] for m, p in PROOF_IN_BODY)
    assert all(r.status in (404, 422) for r in replies.values()), {p: r.body for p, r in replies.items()}


AREAS = {"Pledge", "Knowledge base", "Pilots", "Accounts", "Council delivery", "Audit", "Operations"}
ROLES = {"anyone", "account", "steward", "moderator", "pilot_lead", "auditor", "admin"}
# A summary is a sentence for people: no internal names (`pledge.drafting.create_charter`, `list_versions`).
INTERNAL_NAME = re.compile(r"\b\w+\.\w+\b|\b[a-z]+_[a-z_]+\b")


def operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, item, op


def reply_problems(document) -> dict[str, list[str]]:
    """What each operation of the document lacks that an integrator (or a client generator) needs."""
    problems: dict[str, list[str]] = {}
    for path, method, item, op in operations(document):
        found = []
        successes = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        if not successes:
            found.append("no success reply")
        for status, reply in successes.items():
            content = reply.get("content", {})
            if status != "204" and not content:
                found.append(f"{status} has no content")
            if any("schema" not in media for media in content.values()):
                found.append(f"{status} has no schema")
        errors = {s for s, r in op["responses"].items() if s[0] in "45" and s != "503"}
        if not errors:
            found.append("no error of its own")
        if len(op.get("tags", [])) != 1 or op["tags"][0] not in AREAS:
            found.append(f"tags {op.get('tags')}")
        summary = op.get("summary", "")
        if not summary[:1].isupper() or " " not in summary or INTERNAL_NAME.search(summary):
            found.append(f"summary {summary!r}")
        if len(op.get("description", "")) < 40:
            found.append("no description for integrators")
        role = op.get("x-required-role")
        if role not in ROLES:
            found.append(f"x-required-role {role!r}")
        elif ({} in op.get("security", [])) != (role == "anyone"):
            found.append(f"security {op.get('security')} for {role}")
        declared = {p["name"] for p in [*item.get("parameters", []), *op.get("parameters", [])] if p["in"] == "path"}
        if declared != set(re.findall(r"\{(\w+)\}", path)):
            found.append(f"path parameters {sorted(declared)}")
        if found:
            problems[f"{method.upper()} {path}"] = found
    return problems


def test_every_operation_has_a_reply_schema_an_error_an_area_a_human_summary_and_its_true_security(document):
    ids = [op.get("operationId") for _, _, _, op in operations(document)]

    assert len(ids) > 120
    assert reply_problems(document) == {}
    assert len(set(ids)) == len(ids) and None not in ids


def test_every_error_reply_names_its_codes_from_the_catalogue_with_the_error_schema(document):
    from shared.error_codes import CODES

    wrong = {}
    for path, method, _, op in operations(document):
        for status, reply in op["responses"].items():
            if status[0] in "45":
                codes = reply.get("x-error-codes", [])
                schema = reply.get("content", {}).get("application/json", {}).get("schema")
                if not codes or schema != {"$ref": "#/components/schemas/Error"} or any(
                        int(status) not in CODES[c].statuses for c in codes):
                    wrong[f"{method.upper()} {path} {status}"] = codes
    assert wrong == {}


def test_a_rate_limited_reply_is_documented_with_its_retry_after_header(document):
    limited = [op["responses"]["429"] for _, method, _, op in operations(document) if "429" in op["responses"]]

    assert len(limited) > 40
    assert all("Retry-After" in reply["headers"] for reply in limited)


def test_every_read_refuses_an_anonymous_caller_exactly_when_the_document_says_it_needs_an_account(document, web):
    anonymous, wrong = web.anonymous(), {}
    reads = [(path, op) for path, method, _, op in operations(document) if method == "get"
             and "text/event-stream" not in op["responses"].get("200", {}).get("content", {})]

    for path, op in reads:
        status = anonymous.request("GET", re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)).status
        if (status == 401) != (op["x-required-role"] != "anyone"):
            wrong[path] = (op["x-required-role"], status)

    assert len(reads) > 50 and wrong == {}
