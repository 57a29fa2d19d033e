"""The API document against the routes: every route the apps register is in it, with the parameters it reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from deploy.local.stack import ROOT
from services.gateway.api.apidocs.build import NOT_DOCUMENTED, ApiDocument
from services.gateway.edge.services import OWNERS

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The modules whose views answer the API: none reads a query parameter behind its schema's back.
API_MODULES = [*ROOT.glob("services/gateway/api/*.py"), *ROOT.glob("services/gateway/audit/*.py"),
               *ROOT.glob("services/gateway/delivery/**/*.py"), *ROOT.glob("services/gateway/readmodels/*.py"),
               ROOT / "services/pledge/api.py", ROOT / "services/pilots/api.py",
               *ROOT.glob("services/knowledge/*api.py")]
# The two query parameters every waiting read shares, read once for all of them (and documented for all).
SHARED_QUERY = {ROOT / "services/gateway/readmodels/asof.py"}


@pytest.fixture(scope="module")
def document(apps):
    gateway = apps["gateway"]
    smorest = gateway.extensions["flask-smorest"]["apis"][""]["ext_obj"]

    def fetch(service):
        reply = apps[service].test_client().get("/openapi.json", headers={"X-Internal-Token": "t"})
        return reply.get_json()

    return ApiDocument(gateway, smorest, fetch, OWNERS).get()


def documented_path(rule: str) -> str:
    path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule)
    kind = re.match(r"/api/v1/(barriers|solutions)/", path)
    return path.replace("{item_id}", "{" + kind.group(1).removesuffix("s") + "_id}") if kind else path


def test_every_route_of_the_gateway_under_api_v1_is_in_the_document_with_each_method(apps, document):
    missing = []
    for rule in apps["gateway"].url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in NOT_DOCUMENTED:
            continue
        for path in expanded(rule.rule):
            item = document["paths"].get(documented_path(path), {})
            missing += [f"{m} {path}" for m in rule.methods - {"HEAD", "OPTIONS"} if m.lower() not in item]

    assert missing == []


def test_every_command_route_of_every_service_is_in_the_document_under_the_path_the_gateway_forwards(apps, document):
    missing, seen = [], 0
    for service in ("pledge", "knowledge", "pilots"):
        for rule in apps[service].url_map.iter_rules():
            for method in (rule.methods or set()) & UNSAFE:
                for path in expanded(rule.rule):
                    if OWNERS.get(path.strip("/").split("/")[0]) != service:
                        continue
                    seen += 1
                    if method.lower() not in document["paths"].get(documented_path("/api/v1" + path), {}):
                        missing.append(f"{service}: {method} {path}")

    assert seen > 50 and missing == []


def expanded(rule: str) -> list[str]:
    match = re.search(r"<any\(([^)]*)\):\w+>", rule)
    if match is None:
        return [rule]
    return [rule.replace(match.group(0), value.strip(), 1) for value in match.group(1).split(",")]


def test_no_api_module_reads_a_query_parameter_its_route_does_not_declare():
    reading = []
    for module in API_MODULES:
        if module in SHARED_QUERY:
            continue
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "args" and getattr(node.value, "id", "") == "request":
                reading.append(f"{Path(module).relative_to(ROOT)}:{node.lineno}")

    assert len(API_MODULES) > 30 and reading == []


def test_every_json_body_and_success_reply_has_an_example_valid_against_its_schema(document):
    from jsonschema import Draft202012Validator

    invalid, seen = {}, 0
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            media = {"body": op.get("requestBody", {}).get("content", {}).get("application/json")} | {
                status: reply.get("content", {}).get("application/json")
                for status, reply in op["responses"].items() if status.startswith("2")}
            for where, content in media.items():
                if not content or "schema" not in content:
                    continue
                seen += 1
                # A nullable value may be null in a reply; JSON Schema says so with a type list.
                schema = document | {"$ref": content["schema"].get("$ref", "#")} if "$ref" in content["schema"] \
                    else content["schema"]
                problems = [e.message for e in Draft202012Validator(nullable_as_json_schema(schema)).iter_errors(
                    content.get("example"))]
                if problems:
                    invalid[f"{method.upper()} {path} {where}"] = problems[:3]

    assert seen > 150
    assert invalid == {}, "\n".join(f"{where}: {problems}" for where, problems in invalid.items())


def nullable_as_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's `type: [..., "null"]` (jsonschema knows only the latter)."""
    if isinstance(node, dict):
        out = {k: nullable_as_json_schema(v) for k, v in node.items()}
        if out.pop("nullable", False) and "type" in out:
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(node, list):
        return [nullable_as_json_schema(v) for v in node]
    return node
