"""TRANSITIONAL (issue 13): the hand-written route walker, for gateway blueprints not yet on flask-smorest.

Every route is found in the app's URL map; a route's body schema is the one `@validated` recorded, and
`@documented` adds what cannot be seen from the route (its reply, its query parameters). So a service's
document follows its code without a second list of routes to keep in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import INCLUDE, Schema, fields, validate
from werkzeug.routing import Rule

from .error_codes import CODES  # noqa: I001

OPENAPI_VERSION = "3.0.3"
UNSAFE = ("post", "put", "patch", "delete")
SKIPPED = {"/healthz", "/openapi.json", "/static/<path:filename>"}
_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_CONVERTER_TYPES: dict[str, dict[str, Any]] = {
    "uuid": {"type": "string", "format": "uuid"}, "int": {"type": "integer", "minimum": 0}, "float": {"type": "number"}}


class Error(Schema):
    """The one error shape: a machine-readable code, a sentence for people, and problems by field.

    `code` is one of the catalogue's (shared/error_codes.py, docs/errors.md); some codes carry more fields.
    """

    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True, validate=validate.OneOf(list(CODES)),
                         metadata={"description": "see docs/errors.md"})
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)


class CommandAccepted(Schema):
    """A command's reply: the ids it created, its stream, the stream's new version and its log position."""

    class Meta:
        unknown = INCLUDE

    stream_id = fields.String()
    version = fields.Integer()
    position = fields.Integer()


def documented(**operation: Any) -> Callable:
    """Decorator: OpenAPI details of a route the URL map cannot show.

    `response=` a reply Schema (None: no body), `status=`, `query=` a Schema of query parameters,
    `request_body=` an OpenAPI requestBody for bodies that are not JSON, `tag=`, `description=`,
    `authenticated=True` for a read that needs an account.
    """

    def mark(view: Callable) -> Callable:
        view.openapi = getattr(view, "openapi", {}) | operation  # type: ignore[attr-defined]  # read by build()
        return view

    return mark


def openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """A Flask rule as an OpenAPI path, with its path parameters."""
    params = [{"name": m["name"], "in": "path", "required": True, "schema": _param_schema(m["converter"], m["args"])}
              for m in _PARAM.finditer(rule)]
    return _PARAM.sub(lambda m: "{" + m["name"] + "}", rule), params


def _param_schema(converter: str | None, args: str | None) -> dict[str, Any]:
    if converter == "any" and args:
        return {"type": "string", "enum": [a.strip().strip("'\"") for a in args.split(",")]}
    if converter == "string" and args:
        limits = dict(a.replace(" ", "").split("=", 1) for a in args.split(",") if "=" in a)
        low, high = limits.get("length", limits.get("minlength", "1")), limits.get("length", limits.get("maxlength"))
        return {"type": "string", "minLength": int(low)} | ({"maxLength": int(high)} if high else {})
    return _CONVERTER_TYPES.get(converter or "", {"type": "string", "minLength": 1})


def new_spec(title: str, description: str = "") -> APISpec:
    """An empty OpenAPI 3 document with the shared Error and CommandAccepted schemas."""
    spec = APISpec(title=title, version="1", openapi_version=OPENAPI_VERSION, plugins=[MarshmallowPlugin()],
                   info={"description": description} if description else {})
    spec.components.schema("Error", schema=Error)
    spec.components.schema("CommandAccepted", schema=CommandAccepted)
    return spec


def add_routes(spec: APISpec, app: Flask, include: Callable[[Rule, str], bool] = lambda rule, method: True,
               extra: Callable[[Rule, str], dict[str, Any]] = lambda rule, method: {}) -> None:
    """Describe each of the app's routes that `include(rule, method)` accepts; `extra` adds details."""
    by_path: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        methods = sorted(m.lower() for m in rule.methods or () if m not in ("HEAD", "OPTIONS"))
        methods = [m for m in methods if rule.rule not in SKIPPED and include(rule, m)]
        if not methods:
            continue
        view = app.view_functions[rule.endpoint]
        path, params = openapi_path(rule.rule)
        # Two rules may share a path (one per method): their operations go in one path item.
        _, operations = by_path.setdefault(path, (params, {}))
        # One view may serve several rules (told apart by `defaults`): each operation id must stay unique.
        suffix = "".join(f"_{v}" for v in (rule.defaults or {}).values())
        operations.update({m: operation(view, m, rule.endpoint + suffix) | extra(rule, m) for m in methods})
    for path, (params, operations) in by_path.items():
        spec.path(path=path, parameters=params, operations=operations)


def operation(view: Callable, method: str, endpoint: str) -> dict[str, Any]:
    """One operation: summary from the docstring, body from `@validated`, reply from `@documented`."""
    marks: dict[str, Any] = getattr(view, "openapi", {})
    doc = (view.__doc__ or "").strip().splitlines()
    op: dict[str, Any] = {"operationId": endpoint.replace(".", "_"), "summary": doc[0] if doc else endpoint,
                          "tags": [marks.get("tag") or endpoint.split(".")[0]]}
    body = getattr(view, "body_schema", None)
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if marks.get("request_body") is not None:  # a body that is not JSON (a photo, a CSV file)
        op["requestBody"] = marks["request_body"]
    if marks.get("query") is not None:
        op["parameters"] = [{"in": "query", "schema": marks["query"]}]
    command = method in UNSAFE
    reply = marks.get("response", CommandAccepted if command else None)
    status = str(marks.get("status", "2XX" if command else "200"))
    content = {"application/json": {"schema": reply}} if reply is not None else None
    op["responses"] = {status: {"description": marks.get("description", "success")} | (
        {"content": content} if content else {}),
        "default": {"description": "an error", "content": {"application/json": {"schema": "Error"}}}}
    return op


def blueprint(build: Callable[[], dict[str, Any]]) -> Blueprint:
    """`GET /openapi.json`, built on first request (every route is registered by then) and kept."""
    bp = Blueprint("openapi", __name__)
    built: dict[str, Any] = {}

    @bp.get("/openapi.json")
    def openapi_json() -> ResponseReturnValue:
        """This service's OpenAPI 3 document."""
        if not built:
            built.update(build())
        return jsonify(built)

    return bp


def service_spec(name: str) -> dict[str, Any]:
    """The current app's commands as an OpenAPI 3 document (call inside a request or app context)."""
    spec = new_spec(f"Interactive Charter: {name} service", f"Commands of the {name} service.")
    add_routes(spec, current_app, include=lambda rule, method: method in UNSAFE)
    return spec.to_dict()


def all_refs(node: Any) -> Iterable[str]:
    """Every `$ref` string inside a document node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)
