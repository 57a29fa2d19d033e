"""What every page shares: the read pool, commands sent on as the signed-in account, forms and their errors."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for
from psycopg.rows import dict_row
from werkzeug.wrappers import Response

from shared.config import Settings
from shared.db import DictCursor
from shared.http import RequestRefused

from ..edge.auth import Principal, current_principal
from ..edge.consistency import token_for
from ..edge.forwarding import Forwarder
from ..edge.services import OWNERS, Services
from ..identity.store import Identity
from . import problems

NOTICE_COOKIE = "charter_notice"
FORM_KEY = "idempotency_key"  # the hidden field of every POST form (macros.html, `csrf()`)


class SignInNeeded(Exception):
    """The page or form needs an account: the reader is sent to sign in, then back to `next_url`."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


@dataclass
class Outcome:
    """A service's answer to a command sent from a form: success, or the message and field errors."""

    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def token(self) -> str | None:
        """The consistency token a page reached after this write passes on, so it shows the write."""
        body = self.body
        return token_for(body["stream_id"], body["version"]) if self.ok and "stream_id" in body else None


@dataclass
class Form:
    """What a person typed, and what was wrong with it (by field; `_form` for the form as a whole).

    `labels` name the form's fields as its error messages say them ("your name"), in the label's words.
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def refused(self, outcome: Outcome, rename: dict[str, str] | None = None) -> Form:
        """Take a refusal's field errors (renamed to this form's fields) in plain English, and its message."""
        errors = outcome.body.get("errors") or {}
        self.invalid(errors, rename)
        message = problems.general(outcome.body, outcome.status, problems.leaves(errors))
        if message and not any(message in found for found in self.errors.values()):
            self.errors.setdefault(problems.FORM, []).append(message)
        return self

    def invalid(self, errors: dict[str, Any], rename: dict[str, str] | None = None,
                typed: dict[str, Any] | None = None) -> Form:
        """Take a schema's field errors (`{"field": ["message"]}`) in plain English.

        `typed` adds what was typed in fields the form does not show again (a password).
        """
        values = self.values | (typed or {})
        for name, messages in problems.per_field(errors, values, self.labels, rename).items():
            self.errors.setdefault(name, []).extend(m for m in messages if m not in self.errors.get(name, []))
        return self

    def add(self, name: str, message: str) -> Form:
        """Record one problem with a field."""
        self.errors.setdefault(name, []).append(message)
        return self


@dataclass(frozen=True)
class Ui:
    """The pages' collaborators: the gateway's read models, the services, identity and settings."""

    pool: Any
    services: Services
    identity: Identity
    settings: Settings
    health: Any = None  # the system's health (health.SystemHealth) and its parked events (operations.ParkedEvents)
    parked: Any = None

    @contextmanager
    def cursor(self) -> Iterator[DictCursor]:
        """A cursor on the gateway's read models, rows as dicts."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            yield cur

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Outcome:
        """Send a command to the service owning `path`, as the signed-in account, like `/api/v1` does."""
        return self.send(method, path, json.dumps(body).encode() if body is not None else None, "application/json")

    def upload(self, path: str, data: bytes, content_type: str) -> Outcome:
        """Send a non-JSON body (a photo's multipart form) on as it came."""
        return self.send("POST", path, data, content_type)

    def send(self, method: str, path: str, data: bytes | None, content_type: str) -> Outcome:
        """Forward a request body to the owning service as the acting account, once per submitted form."""
        service = OWNERS[path.strip("/").split("/")[0]]
        forwarder = Forwarder(self.services, self.identity.idempotency, self.identity.accounts)
        try:
            reply = forwarder.command(service, method, path, data, content_type, form_key(method, path),
                                      wait_s=self.settings.forward_timeout_s)
        except RequestRefused as exc:
            return Outcome(exc.status, exc.body)
        return Outcome(reply.status, reply.body)


def new_form_key() -> str:
    """A fresh key for a rendered form: submitted twice (a double click, a resent page), it writes once."""
    return secrets.token_urlsafe(24)


def form_key(method: str, path: str) -> str | None:
    """The Idempotency-Key of one command a submitted form sends: its form's key, told apart per command."""
    submitted = request.form.get(FORM_KEY, "") if request.method == "POST" else ""
    if not submitted:
        return None
    return hashlib.sha256(f"{submitted}\0{method}\0{path}".encode()).hexdigest()


def page(template: str, status: int = 200, /, **context: Any) -> tuple[str, int]:
    """Render a page (autoescaped) with its HTTP status; a page showing a form's errors says so in its title."""
    return render_template(template, showing_errors=any(map(has_errors, context.values())), **context), status


def has_errors(value: Any) -> bool:
    """Whether a page's value is a form with errors, or holds one (a page's forms by name)."""
    if isinstance(value, Form):
        return bool(value.errors)
    return isinstance(value, dict) and any(isinstance(v, Form) and v.errors for v in value.values())


def require_account(back: str | None = None) -> Principal:
    """The signed-in account; anyone else is sent to sign in (and brought back to `back` or this page)."""
    principal = current_principal()
    if principal is None:
        raise SignInNeeded(back or (request.full_path.rstrip("?") if request.method == "GET" else "/"))
    return principal


def require_role(role: str, back: str | None = None) -> Principal:
    """The signed-in account if it holds `role`; otherwise sign in, or 403."""
    principal = require_account(back)
    if role not in principal.roles:
        raise RequestRefused(403, "forbidden", f"This page is for people with the {role} role.")
    return principal


def has_role(role: str) -> bool:
    """Whether the reader is signed in with `role`."""
    principal = current_principal()
    return principal is not None and role in principal.roles


def safe_next(target: str | None) -> str:
    """A local path to go back to; anything pointing elsewhere becomes the home page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def done(endpoint: str, notice: str, outcome: Outcome | None = None, **values: Any) -> Response:
    """Post/redirect/get: see the page the write changed, including that write, with a short notice."""
    if outcome is not None and outcome.token:
        values["consistency_token"] = outcome.token
    response = redirect(url_for(endpoint, **values), code=303)
    response.set_cookie(NOTICE_COOKIE, notice, max_age=60, path="/", httponly=True, samesite="Lax")
    return response


def form_values(*names: str) -> dict[str, str]:
    """The named fields of the posted form, as typed."""
    return {name: request.form.get(name, "") for name in names}


def optional(text: str) -> str | None:
    """A blank field as None."""
    return text.strip() or None
