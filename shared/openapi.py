"""The API document, generated from the routes by flask-smorest.

Every route of the public API is on a `Blueprint` of this module: `@bp.arguments` declares its body,
query and path parameters (and parses them: a bad one is refused in the API's one error shape),
`@bp.response` its success, `@bp.refuses(...)` the catalogue codes it can answer, and `@bp.requires`
the role it needs. So the document follows the code, with no second list of routes to keep in step.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

import flask_smorest
from flask import Flask
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate
from webargs.flaskparser import FlaskParser

from .contract.vocabulary import ROLES
from .error_codes import CODES
from .http import RequestRefused, json_body

OPENAPI_VERSION = "3.0.3"
UNSAFE = ("post", "put", "patch", "delete")
# Who may call an operation, as `x-required-role` says: nobody signed in, any account, or an account with a role.
ANYONE, ACCOUNT = "anyone", "account"


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


EXAMPLE_ID = "6f1c2b9e-3d4a-4e5f-9a8b-7c6d5e4f3a2b"
ID_EXAMPLES = {"organisation_id": "hull city council"}  # an organisation's id is its canonical name


class CommandAccepted(Schema):
    """A command's reply: where its events landed, and the token that reads its result."""

    stream_id = fields.String(required=True, metadata={"description": "the stream the command wrote to",
                                                       "example": EXAMPLE_ID})
    version = fields.Integer(required=True, metadata={"description": "the stream's version after the command",
                                                      "example": 3})
    position = fields.Integer(required=True, metadata={"description": "the store position of its last event",
                                                       "example": 42})
    consistency_token = fields.String(required=True, metadata={
        "description": "pass it to a read as `?consistency_token=` to read this write (added by the gateway)",
        "example": f"{EXAMPLE_ID}@3"})


_ACCEPTED: dict[str, type[Schema]] = {}


def accepted(*ids: str) -> type[Schema]:
    """The reply schema of a command that names `ids` (`accepted("draft_id")`: `DraftAccepted`)."""
    name = "".join(part.title() for i in ids for part in i.removesuffix("_id").split("_")) + "Accepted"
    if name not in _ACCEPTED:
        own = {i: fields.String(required=True, metadata={"description": f"the {i.removesuffix('_id')}'s id",
                                                         "example": ID_EXAMPLES.get(i, EXAMPLE_ID)})
               for i in ids}
        doc = f"A command's reply naming {', '.join(ids)}."
        _ACCEPTED[name] = type(name, (CommandAccepted,), own | {"__doc__": doc})
    return _ACCEPTED[name]


class Parser(FlaskParser):
    """webargs, answering in the API's error shape: a body through `shared.http.json_body`'s checks."""

    def load_json(self, req: Any, schema: Schema) -> Any:
        return json_body()

    def handle_error(self, error: ValidationError, req: Any, schema: Schema, *, error_status_code: int | None,
                     error_headers: Any) -> NoReturn:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        (location, problems), = messages.items() if len(messages) == 1 else (("json", messages),)
        problems = problems if isinstance(problems, dict) else {"_schema": problems}
        if location == "json":
            raise RequestRefused(422, "validation_failed", "the request body has invalid fields", problems)
        raise RequestRefused(400, "invalid_query", "a query parameter is invalid", problems)


class Blueprint(flask_smorest.Blueprint):
    """A blueprint of the public API: its routes are documented under `area` (a tag of the document)."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, name: str, import_name: str, *args: Any, area: str, **kwargs: Any) -> None:
        super().__init__(name, import_name, *args, **kwargs)
        self.area = area

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None, **options: Any) -> Callable:
        register = super().route(rule, parameters=parameters, tags=tags or [self.area], **options)

        def decorator(view: Callable) -> Callable:
            # One operation id per route (a view may serve two rules, told apart by `endpoint`).
            doc = view.__dict__.setdefault("_apidoc", {}).setdefault("manual_doc", {})
            doc["operationId"] = options.get("endpoint") or view.__name__
            return register(view)

        return decorator

    def refuses(self, *codes: str) -> Callable:
        """Document the error replies an operation gives besides those the edge adds to every operation.

        Each status gets the Error schema, an example, and `x-error-codes`: the catalogue's codes it can carry.
        """
        return self.doc(responses=error_responses(codes))

    def requires(self, role: str) -> Callable:
        """Document who may call the operation: `ANYONE`, `ACCOUNT` or one of `ROLES`."""
        assert role in (ANYONE, ACCOUNT, *ROLES), role
        return self.doc(**{"x-required-role": role})


def error_responses(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """OpenAPI responses for the catalogue's `codes`, one per status they are answered with.

    `code:status` names one of the statuses of a code the catalogue answers with several
    (`invalid_credentials:401` for a sign-in, which never answers it with 403).
    """
    by_status: dict[int, list[str]] = {}
    for named in codes:
        code, _, only = named.partition(":")
        for status in CODES[code].statuses:
            if not only or status == int(only):
                by_status.setdefault(status, []).append(code)
    return {str(status): error_response(named) for status, named in sorted(by_status.items())}


def error_response(codes: list[str]) -> dict[str, Any]:
    """One error response: its codes' meanings, the Error schema, an example, the headers the codes carry."""
    headers = {name: HEADERS[name] for code in codes for name in CODES[code].headers}
    return {"description": error_description(codes), "x-error-codes": list(codes),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"},
                                             "example": error_example(codes[0])}}} | (
        {"headers": headers} if headers else {})


HEADERS: dict[str, dict[str, Any]] = {
    "Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}},
    "WWW-Authenticate": {"description": "how to authenticate", "schema": {"type": "string"}},
    "Allow": {"description": "the methods this path allows", "schema": {"type": "string"}},
}


def error_description(codes: Iterable[str]) -> str:
    """A response's description: the catalogue's meaning of each code it can carry."""
    return " ".join(f"`{code}`: {CODES[code].meaning}" for code in codes)


def error_example(code: str) -> dict[str, Any]:
    """An error reply carrying `code`."""
    entry = CODES[code]
    return {"code": code, "message": entry.meaning, "errors": {}} | {name: None for name in entry.fields}


def api(app: Flask, title: str, description: str, served_at: str | None = "/") -> flask_smorest.Api:
    """The app's flask-smorest Api; `served_at` the prefix of its `openapi.json` (None: not served)."""
    app.config.update(API_TITLE=title, API_VERSION="1", OPENAPI_VERSION=OPENAPI_VERSION,
                      OPENAPI_URL_PREFIX=served_at, OPENAPI_JSON_PATH="openapi.json",
                      API_SPEC_OPTIONS={"info": {"description": description}})
    return _Api(app)


class _Api(flask_smorest.Api):
    ERROR_SCHEMA = Error

    def _register_error_handlers(self) -> None:
        """Errors are answered by shared.http's handlers, in the API's one shape."""


def document(smorest: flask_smorest.Api) -> dict[str, Any]:
    """The Api's OpenAPI document as plain data."""
    return copy.deepcopy(smorest.spec.to_dict())


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
