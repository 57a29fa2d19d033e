"""What the gateway's edge adds to every operation of the merged document: who may call it, the errors
the edge itself answers, the query parameters every read shares, and the areas as the document's tags.

Pure functions over the document (plain dicts), so the rules are tested without a running system.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from shared.error_codes import CODES
from shared.openapi import ACCOUNT, ANYONE, ROLES, UNSAFE, all_refs, error_response

AUTHENTICATED: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"sessionCookie": []}]
OPTIONAL: list[dict[str, list[str]]] = [{}, *AUTHENTICATED]
AREAS = {
    "Pledge": "Drafting the pledge in the open (charters, rounds, drafts, remixes, ratings, comments), then signing it"
              " for an organisation (signatures, verification, organisations and their members).",
    "Knowledge base": "The wiki of practical barriers to interactive government and their solutions: pages and"
                      " their revisions, discussion, endorsements, moderation, photos and watch lists.",
    "Pilots": "Organisations piloting the approach: proposals, decisions, milestones, progress, outcomes and their"
              " independent verification.",
    "Accounts": "Accounts, sign-in sessions, API tokens, public profiles and the roles admins grant.",
    "Council delivery": "How council systems follow what happens: webhooks and the live event stream.",
    "Audit": "Replaying and proving the log: signed checkpoints, inclusion and consistency proofs, the signing keys,"
             " snapshots of the read models, and the events consumers parked.",
    "Operations": "How the running system is, part by part.",
}
CONSISTENCY = {"name": "consistency_token", "in": "query", "required": False,
               "schema": {"type": "string", "pattern": "^.+@[0-9]+$"},
               "description": "a command's `consistency_token`: the read waits until it includes that write"}
AS_OF = {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"},
         "description": "read as at this moment, from the snapshot an auditor built of it (404 if none)"}
ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
NOT_MODIFIED = {"description": "Not modified: `If-None-Match` named the reply's current (weak) ETag."}


def publish(document: dict[str, Any], anonymous_may: Callable[[str, str], bool], prefix: str,
            reads_your_writes: Callable[[str], bool], forwarded: Callable[[str], bool]) -> dict[str, Any]:
    """The document as integrators read it; `reads_your_writes("get /path")` says whether an operation waits for
    a consistency token (and reads `as_of`), `forwarded(path)` whether its writes go through to a domain service."""
    for path, item in document.get("paths", {}).items():
        for method, op in item.items():
            if method not in ("get", *UNSAFE):
                continue
            role = op.get("x-required-role") or _default_role(method, path.removeprefix(prefix), anonymous_may)
            op["x-required-role"] = role
            op["security"] = OPTIONAL if role == ANYONE else AUTHENTICATED
            if reads_your_writes(f"{method} {path}"):
                names = {p.get("name") for p in op.get("parameters", [])}
                shared = (CONSISTENCY, AS_OF) if method == "get" else (CONSISTENCY,)
                op["parameters"] = [*op.get("parameters", []), *(p for p in shared if p["name"] not in names)]
            _add_errors(op, _edge_codes(method, op, item, role, forwarded(path)))
            if method == "get" and "200" in op["responses"]:
                op["responses"].setdefault("304", NOT_MODIFIED)
            op["responses"].pop("default", None)
    document["tags"] = [{"name": name, "description": text} for name, text in AREAS.items()]
    return document


def _default_role(method: str, service_path: str, anonymous_may: Callable[[str, str], bool]) -> str:
    if method == "get" or anonymous_may(method.upper(), service_path):
        return ANYONE
    return ACCOUNT


def _edge_codes(method: str, op: dict[str, Any], item: dict[str, Any], role: str, forwarded: bool) -> list[str]:
    """The codes the edge can answer for this operation, whatever it does."""
    codes = ["unavailable"]
    body = op.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        codes += ["malformed_json", "json_too_deep", "validation_failed"]
    if body:
        codes += ["unsupported_media_type", "request_entity_too_large"]
    params = [*item.get("parameters", []), *op.get("parameters", [])]
    if any(p.get("in") == "query" for p in params):
        codes.append("invalid_query")
    if any(p.get("name") == "consistency_token" for p in params):
        codes += ["invalid_consistency_token", "not_yet_consistent"]
    if any(p.get("name") == "as_of" for p in params):
        codes.append("snapshot_not_found")
    if any(p.get("in") == "path" for p in params):
        codes.append("not_found")
    if role != ANYONE:
        codes += ["unauthenticated", "invalid_token", "token_revoked"]
    if role in ROLES:
        codes.append("forbidden")
    if method in UNSAFE:
        codes += ["csrf_failed", "rate_limited"]
    if method in UNSAFE and forwarded:
        codes += ["idempotency_in_progress", "idempotency_key_reused", "not_delivered", "outcome_unknown",
                  "bad_gateway"]
    return codes


def _add_errors(op: dict[str, Any], codes: Iterable[str]) -> None:
    """Merge the edge's codes into the operation's error responses, one response per status.

    flask-smorest's generic error replies (a `$ref`, such as the 422 it adds for every parsed argument)
    give way to what this edge really answers: a bad query is a 400 `invalid_query`, never a 422.
    """
    responses = op.setdefault("responses", {})
    for status in [s for s, response in responses.items() if "$ref" in response]:
        del responses[status]
    wanted: dict[str, list[str]] = {}
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            wanted[status] = list(response.get("x-error-codes", []))
    for code in codes:
        for status in CODES[code].statuses:
            named = wanted.setdefault(str(status), [])
            if code not in named:
                named.append(code)
    for status, named in wanted.items():
        responses[status] = error_response(named) | _kept(responses.get(status, {}))


def _kept(response: dict[str, Any]) -> dict[str, Any]:
    """What an operation's own error response says beyond its codes: its example, when it has one."""
    example = response.get("content", {}).get("application/json", {}).get("example")
    if example is None:
        return {}
    return {"content": {"application/json": {"schema": ERROR_SCHEMA, "example": example}}}


def renamed_page_ids(document: dict[str, Any]) -> dict[str, Any]:
    """`/barriers/{item_id}/…` as `/barriers/{barrier_id}/…`: one name for one thing, whichever service serves it."""
    paths: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        match = re.search(r"/(barriers|solutions)/\{item_id\}", path)
        if match is None:
            paths[path] = item
            continue
        name = match.group(1).removesuffix("s") + "_id"
        new = path.replace("{item_id}", "{" + name + "}")
        paths[new] = _rename_param(item, "item_id", name) | paths.get(new, {})
    document["paths"] = paths
    return document


def _rename_param(item: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    def fix(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [p | {"name": new} if p.get("in") == "path" and p.get("name") == old else p for p in params]

    out = {k: (fix(v) if k == "parameters" else v) for k, v in item.items()}
    for method, op in out.items():
        if isinstance(op, dict) and "parameters" in op:
            out[method] = op | {"parameters": fix(op["parameters"])}
    return out


def pruned(document: dict[str, Any]) -> dict[str, Any]:
    """The document without the components no operation refers to (flask-smorest registers a few of its own)."""
    components = document.get("components", {})
    kept: dict[str, set[str]] = {"schemas": set(), "responses": set(), "parameters": set()}
    todo = list(all_refs(document.get("paths", {})))
    while todo:
        kind, _, name = todo.pop().removeprefix("#/components/").partition("/")
        if kind in kept and name not in kept[kind] and name in components.get(kind, {}):
            kept[kind].add(name)
            todo.extend(all_refs(components[kind][name]))
    for kind, names in kept.items():
        if kind in components:
            components[kind] = {name: value for name, value in components[kind].items() if name in names}
    return document


# What an example holds for a value of each format or type when the schema gives no example of its own.
SAMPLES: dict[str, Any] = {"uuid": "6f1c2b9e-3d4a-4e5f-9a8b-7c6d5e4f3a2b", "date-time": "2026-12-01T10:15:00Z",
                           "date": "2026-12-01", "email": "alex@example.org", "uri": "https://council.example/hooks",
                           "url": "https://council.example/hooks", "string": "text", "integer": 1, "number": 2.5,
                           "boolean": True}


def with_examples(document: dict[str, Any]) -> dict[str, Any]:
    """An example of every JSON request body and success reply that has none, built from its schema."""
    schemas = document.get("components", {}).get("schemas", {})
    for _, _, op in _operations(document):
        media = [op.get("requestBody", {}).get("content", {}).get("application/json")]
        media += [reply.get("content", {}).get("application/json")
                  for status, reply in op.get("responses", {}).items() if status.startswith("2")]
        for content in media:
            if content and "schema" in content and "example" not in content:
                content["example"] = example_of(content["schema"], schemas)
    return document


def example_of(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> Any:
    """A value valid against `schema` (its own examples, enums and defaults first), nested at most a few deep."""
    if "$ref" in schema:
        return example_of(schemas.get(schema["$ref"].rsplit("/", 1)[1], {}), schemas, depth)
    for key in ("example", "default"):
        if key in schema and schema[key] is not None:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    if schema.get("allOf"):  # every part holds: the parts' examples together
        parts = [example_of(part, schemas, depth) for part in schema["allOf"]]
        return {k: v for part in parts if isinstance(part, dict) for k, v in part.items()} if all(
            isinstance(part, dict) for part in parts) else parts[0]
    for combined in ("anyOf", "oneOf"):
        if schema.get(combined):
            return example_of(schema[combined][0], schemas, depth)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "object":  # a recursive schema (a remix tree) recurses through its lists, which end it below
        if depth > 12:
            return {}
        required = schema.get("required", list(schema.get("properties", {})))
        return {name: example_of(sub, schemas, depth + 1) for name, sub in schema.get("properties", {}).items()
                if name in required}
    if kind == "array":
        return [example_of(schema.get("items", {}), schemas, depth + 1)] if depth <= 2 else []
    value: Any = SAMPLES.get(schema.get("format", ""), SAMPLES.get(kind))
    if kind in ("integer", "number") and "minimum" in schema:
        value = max(value, schema["minimum"])
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        value = value.ljust(schema["minLength"], "x")
    return value


def _operations(document: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method, op in item.items():
            if method in ("get", *UNSAFE):
                yield path, method, op
