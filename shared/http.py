"""The HTTP edge every Flask app here shares: one JSON error shape, request ids, JSON bodies and commands."""

from __future__ import annotations

import dataclasses
import hmac
import logging
import re
import time
import uuid
from datetime import date, datetime
from typing import Any

import psycopg
from flask import Flask, Response, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError, post_load
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from . import logging as structured
from . import metrics
from .envelope import CommandMeta
from .errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Refused, code_for

log = logging.getLogger(__name__)
# What an orchestrator and Prometheus ask every process, with no credential: liveness, readiness and metrics.
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# The HTTP status of each kind of domain refusal (shared/errors.py); the domains know none of them.
REFUSAL_STATUS: tuple[tuple[type[Refused], int], ...] = (
    (NotFound, 404), (Invalid, 422), (Forbidden, 403), (Conflict, 409), (RateLimited, 429),
)


def error(status: int, code: str, message: str, errors: dict[str, Any] | None = None,
          extra: dict[str, Any] | None = None) -> tuple[Response, int]:
    """The one error shape of the API: `{"code", "message", "errors": {field: [problems]}}`.

    `code` is one of shared/error_codes.py's catalogue; `extra` holds the further fields its entry names.
    """
    body = {"code": code, "message": message, "errors": errors or {}} | (extra or {})
    return jsonify(body), status


class JSONProvider(DefaultJSONProvider):
    """JSON replies with RFC 3339 timestamps and fields in the order the code gives them."""

    sort_keys = False

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat().replace("+00:00", "Z")
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def install(app: Flask, domain_errors: tuple[type[Exception], ...] = (), internal_token: str = "",
            retry_after_s: int = 2) -> None:
    """Give the app request ids, JSON error handlers, one access-log line and request metrics per request.

    Every domain refusal (shared.errors.Refused) becomes the one error shape with its kind's status;
    `domain_errors` are other exception classes to answer the same way (with their own `status`, else 409).

    With `internal_token`, every request but `/healthz` must carry it: domain services trust
    only the gateway, which authenticates users and forwards their id as `X-Actor`.
    """
    app.json = JSONProvider(app)

    @app.before_request
    def _ids() -> None:
        g.request_id = request.headers.get("X-Request-Id") or str(uuid.uuid4())
        g.correlation_id = request.headers.get("X-Correlation-Id") or g.request_id
        g.started = time.perf_counter()
        structured.request_id.set(g.request_id)
        structured.correlation_id.set(g.correlation_id)
        if internal_token and request.path not in PUBLIC_PATHS and not hmac.compare_digest(
            request.headers.get("X-Internal-Token", ""), internal_token
        ):
            raise RequestRefused(401, "unauthenticated", "only the gateway may call this service")

    @app.after_request
    def _access_log(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        now = time.perf_counter()
        started = g.get("started", now)
        metrics.observe_request(response, started, now)
        if request.path not in PUBLIC_PATHS:
            log.info("request", extra={"fields": {
                "method": request.method, "path": request.path, "status": response.status_code,
                "ms": round((now - started) * 1000, 2)}})
        return response

    @app.errorhandler(ValidationError)
    def _invalid(exc: ValidationError) -> tuple[Response, int]:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error(422, "validation_failed", "the request body has invalid fields", messages)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response, int]:
        if isinstance(exc, RequestEntityTooLarge):
            return too_large(request.max_content_length or app.config["MAX_CONTENT_LENGTH"])
        return error(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), exc.description or "")

    @app.errorhandler(RequestRefused)
    def _refused(exc: RequestRefused) -> tuple[Response, int]:
        response, status = error(exc.status, exc.code, exc.message, exc.errors, exc.extra)
        response.headers.update(exc.headers)
        return response, status

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(psycopg.OperationalError)
    def _database_unavailable(exc: Exception) -> tuple[Response, int]:
        return database_unavailable(exc, retry_after_s)

    answered: tuple[type[Exception], ...] = (Refused, *domain_errors)
    for cls in answered:
        app.register_error_handler(cls, _domain)


def too_large(limit: int | None) -> tuple[Response, int]:
    """413 naming the body size limit, in the message, in `errors._schema` and as `limit_bytes`."""
    return error(413, "request_entity_too_large", f"the request body must be at most {limit} bytes",
                 {"_schema": [f"at most {limit} bytes"]}, {"limit_bytes": limit})


def refusal_status(exc: Refused) -> int:
    """The HTTP status of a domain refusal: its kind's, or 409 for a refusal of no listed kind."""
    return next((status for kind, status in REFUSAL_STATUS if isinstance(exc, kind)), 409)


def _domain(exc: Exception) -> tuple[Response, int]:
    field = getattr(exc, "field", None)
    message = getattr(exc, "message", str(exc))
    if isinstance(exc, Refused):
        code, status = exc.code, refusal_status(exc)
    else:
        code = code_for(type(exc))
        status = getattr(exc, "status", 409)
    response, status = error(status, code, message, {field: [message]} if field else None)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response, status


def database_unavailable(exc: Exception, retry_after_s: int) -> tuple[Response, int]:
    """503 with Retry-After: the database is out of reach, or did not answer within its deadline."""
    log.warning("database unavailable", extra={"fields": {"error": type(exc).__name__, "path": request.path}})
    if isinstance(exc, PoolTimeout | psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
        # Nothing reached the database, or its transaction was cancelled and rolled back.
        code, message = "unavailable", "the database is busy or out of reach, and nothing was done; try again shortly"
    elif request.method in ("GET", "HEAD", "OPTIONS"):
        code, message = "unavailable", "the database is out of reach; try again shortly"
    else:
        # The connection broke mid-request: a commit may or may not have happened.
        code, message = "outcome_unknown", ("the database connection broke, so whether this was done is unknown;"
                                            " retrying with the same Idempotency-Key is safe")
    response, status = error(503, code, message)
    response.headers["Retry-After"] = str(retry_after_s)
    return response, status


# No command body nests more than a few levels; a deeper one is refused before anything recurses through it.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(data: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count); no recursion."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # too few brackets to nest too deep: the common case costs two counts
    deepest = depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b"", data)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 415/400 error naming what is wrong with it."""
    if not request.is_json:
        raise RequestRefused(415, "unsupported_media_type", "send the body as application/json")
    if json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        raise RequestRefused(400, "json_too_deep", f"the body nests arrays and objects deeper than {MAX_JSON_DEPTH}"
                             " levels", {"_schema": [f"nested more than {MAX_JSON_DEPTH} levels deep"]})
    data = request.get_json(silent=True)
    if data is None:
        raise RequestRefused(400, "malformed_json", "the body is not valid JSON")
    if not isinstance(data, dict):
        raise RequestRefused(422, "validation_failed", "the body must be a JSON object",
                                        {"_schema": ["expected a JSON object"]})
    bad = [field for field, value in data.items() if not storable(field) or not storable(value)]
    if bad:
        raise RequestRefused(422, "validation_failed", "the body has text that cannot be stored",
                             {field: ["contains a NUL character or an unpaired surrogate"] for field in bad})
    return data


def storable(value: Any) -> bool:
    """Whether every text in a JSON value can be stored: PostgreSQL refuses NUL, UTF-8 unpaired surrogates."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


class RequestRefused(Exception):
    """A request refused before it is handled: bad media type or JSON, not an object, a service out of reach."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None,
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors
        self.headers = headers or {}
        self.extra = extra or {}

    @property
    def body(self) -> dict[str, Any]:
        """The refusal in the one error shape."""
        return {"code": self.code, "message": self.message, "errors": self.errors or {}} | self.extra


class CommandBody(Schema):
    """A command's JSON body: loading it validates the body, then its `@post_load` builds the command.

    The command's class is the schema's `command`, or given per route when one body serves several
    commands (`EmptyBody(charters.CloseRound)`); `build_command` fills it. `fresh_ids` names the ids
    the command creates (a new draft's `draft_id`): each is a new UUID, made here once per request. A
    schema whose command needs more than that overrides `make_command`.
    """

    command: type | None = None
    fresh_ids: tuple[str, ...] = ()

    def __init__(self, command: type | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if command is not None:
            self.command = command

    @post_load
    def make_command(self, body: dict[str, Any], **_: Any) -> Any:
        """The command this body asks for."""
        assert self.command is not None, f"{type(self).__name__} names no command"
        return build_command(self.command, body | {name: str(uuid.uuid4()) for name in self.fresh_ids})


def build_command(command: type, body: dict[str, Any] | None = None) -> Any:
    """The command of class `command`, each field filled by its name from what the request says.

    A field is who acts (`actor`, `actor_roles`, from the gateway's headers), else the route's path
    parameter of its name, else the validated body's field; one none of them names keeps its default.
    Lists become tuples and UUIDs text, as commands hold them.
    """
    given = (body or {}) | (request.view_args or {}) | {"actor": actor(), "actor_roles": actor_roles()}
    names = {f.name for f in dataclasses.fields(command)}
    return command(**{name: _plain(value) for name, value in given.items() if name in names})


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def actor() -> str:
    """Who is acting, as the gateway forwards them (`anonymous` if nobody is signed in)."""
    return command_meta().actor


def actor_roles() -> frozenset[str]:
    """The acting user's roles, as the gateway forwards them in `X-Actor-Roles` (comma-separated)."""
    return frozenset(r for r in request.headers.get("X-Actor-Roles", "").split(",") if r)


def command_meta() -> CommandMeta:
    """Who is acting and why, from the headers the gateway forwards."""
    return CommandMeta(
        actor=request.headers.get("X-Actor") or "anonymous",
        correlation_id=g.correlation_id,
        causation_id=g.request_id,
        idempotency=g.get("idempotency"),
    )
