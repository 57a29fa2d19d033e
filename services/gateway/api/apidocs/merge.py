"""Merging a domain service's OpenAPI document into the gateway's: pure functions over plain dicts."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from shared.openapi import UNSAFE

PREFIX = "/api/v1"
REF = "#/components/schemas/"
SHARED_SCHEMAS = ("Error",)  # the same class (shared/openapi.py) in every document


def service_part(spec: Mapping[str, Any], service: str, owners: Mapping[str, str]) -> dict[str, Any]:
    """The commands of `spec` the gateway forwards to `service`, under /api/v1, with their schemas renamed.

    Schema names get the service's name in front (two services may both call a body `CommentBody`);
    operation ids likewise, so every id stays unique in the merged document.
    """
    schemas = spec.get("components", {}).get("schemas", {})
    rename = {name: name if name in SHARED_SCHEMAS else f"{service}.{name}" for name in schemas}
    paths: dict[str, Any] = {}
    for path, item in _expanded(spec.get("paths", {})):
        if owners.get(path.strip("/").split("/")[0]) != service:
            continue
        operations = {m: _tagged(op, service) for m, op in item.items() if m in UNSAFE}
        if operations:
            paths[PREFIX + path] = ({"parameters": item["parameters"]} if item.get("parameters") else {}) | operations
    own = {rename[n]: s for n, s in schemas.items() if n not in SHARED_SCHEMAS}
    return _renamed({"paths": paths, "schemas": own}, rename)


def merge(base: Mapping[str, Any], parts: list[dict[str, Any]]) -> dict[str, Any]:
    """`base` with every part's paths and schemas added; a path the gateway serves itself keeps its methods."""
    merged = copy.deepcopy(dict(base))
    paths, schemas = merged.setdefault("paths", {}), merged.setdefault("components", {}).setdefault("schemas", {})
    for part in parts:
        for path, item in part["paths"].items():
            paths[path] = item | paths.get(path, {})
        schemas.update(part["schemas"])
    merged["paths"] = dict(sorted(paths.items()))
    return merged


def spelt_out(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every path parameter of a few values (`{kinds}`) spelt out as one path per value."""
    return document | {"paths": dict(_expanded(document.get("paths", {})))}


def _expanded(paths: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each path, with a parameter of a few values (`/{kinds}/...`) spelt out as one path per value."""
    out = []
    for path, item in paths.items():
        param = next((p for p in item.get("parameters", []) if p.get("in") == "path"
                      and "{" + p["name"] + "}" in path and p.get("schema", {}).get("enum")), None)
        if param is None:
            out.append((path, item))
            continue
        rest = [p for p in item["parameters"] if p is not param]
        out += _expanded({path.replace("{" + param["name"] + "}", value, 1): _for_value(item, value) | {
            "parameters": rest} for value in param["schema"]["enum"]})
    return out


def _for_value(item: dict[str, Any], value: str) -> dict[str, Any]:
    # One operation became several: each keeps a distinct operationId.
    return {m: op | {"operationId": f"{op.get('operationId', m)}_{value}"} if isinstance(op, dict)
            and m in ("get", *UNSAFE) else op for m, op in item.items()}


# Every forwarded command takes one (see forwarding.py); the gateway's own writes take none.
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "description": "Send the same key again with the same request to retry it safely: it is applied at most once"
                   " and the first answer comes back (with `Idempotent-Replayed: true`); kept 24 hours per account.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}


def _tagged(op: dict[str, Any], service: str) -> dict[str, Any]:
    return op | {"operationId": f"{service}_{op.get('operationId', '')}".rstrip("_"),
                 "tags": op.get("tags") or [service], "parameters": [*op.get("parameters", []), IDEMPOTENCY_KEY]}


def _renamed(node: Any, rename: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: _ref(v, rename) if k == "$ref" and isinstance(v, str) else _renamed(v, rename)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(item, rename) for item in node]
    return node


def _ref(ref: str, rename: Mapping[str, str]) -> str:
    name = ref.removeprefix(REF)
    return REF + rename[name] if ref.startswith(REF) and name in rename else ref
