"""Who is acting: every request is authenticated by a bearer API token or a session cookie, or is anonymous.

Anonymous requests may only read, except the commands whose proof is in the body rather than an account:
signing the charter (rate-limited by e-mail and address in the pledge service) and the mailed links of a
signature (their tokens verify it, withdraw it, or ask for fresh links). The account's id is forwarded to
services as `X-Actor` and its roles as `X-Actor-Roles`; headers a client sends claiming to be someone are never trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask, g, request

from shared.config import Settings
from shared.envelope import rfc3339
from shared.http import RequestRefused, error

from ..identity import roles as role_names
from ..identity.store import Identity
from . import csrf

SESSION_COOKIE = "charter_session"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# These authenticate by the credentials in their body; cookie or no cookie, they need no CSRF token.
SIGN_IN_ENDPOINTS = frozenset({"identity.sign_up", "identity.sign_in"})
# A token is made with a password or by the session: the view checks CSRF only when the cookie is the proof.
CREDENTIAL_ENDPOINTS = SIGN_IN_ENDPOINTS | {"identity.create_token"}
# The service paths someone with no account may POST to: there the body carries the proof (see the docstring).
# A signed-in browser still sends its CSRF token: the session cookie is attached, and the check below stands.
ANONYMOUS_COMMANDS = re.compile(r"/charters/[^/]+/signatures|/signatures/[^/]+/(?:verification|withdrawal|links)")
API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Principal:
    """An authenticated account; `session_id` and `csrf_token` are set when it came by cookie."""

    account_id: str
    roles: frozenset[str]
    session_id: str | None = None
    csrf_token: str | None = None


class Refused(RequestRefused):
    """A refusal that carries response headers (WWW-Authenticate, Retry-After)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str]) -> None:
        super().__init__(status, code, message)
        self.headers = headers


SIGN_IN = "sign in or send an API token (Authorization: Bearer <token>) to do this"
EXPIRED = "your session has expired or was signed out; sign in again"


def unauthenticated(code: str = "unauthenticated", message: str = SIGN_IN) -> Refused:
    """401 with the challenge naming how to authenticate."""
    return Refused(401, code, message, {"WWW-Authenticate": 'Bearer realm="api/v1"'})


def install(app: Flask, identity: Identity, settings: Settings) -> None:
    """Authenticate every request and enforce CSRF and write limits; install after `shared.http.install`."""

    @app.before_request
    def _authenticate() -> None:
        g.principal = principal = _authenticate_request(identity)
        if request.method not in UNSAFE:
            return
        if principal is None:
            if (request.endpoint not in CREDENTIAL_ENDPOINTS and request.path.startswith("/api/")
                    and not anonymous_may(request.method, request.path.removeprefix(API_PREFIX))):
                raise unauthenticated(message=EXPIRED if request.cookies.get(SESSION_COOKIE) else SIGN_IN)
            return
        if request.endpoint in SIGN_IN_ENDPOINTS:
            return
        if principal.session_id and request.endpoint not in CREDENTIAL_ENDPOINTS:
            csrf.require(principal.csrf_token or "")
        wait = identity.write_limits.admit(principal.account_id)
        if wait:
            raise Refused(429, "rate_limited", f"too many writes from this account; try again in {wait} seconds",
                          {"Retry-After": str(wait)})

    @app.errorhandler(Refused)
    def _refused(exc: Refused):
        body, status = error(exc.status, exc.code, exc.message, exc.errors)
        body.headers.update(exc.headers)
        return body, status


def _authenticate_request(identity: Identity) -> Principal | None:
    header = request.headers.get("Authorization")
    if header is not None:
        return _bearer(identity, header)
    session_id = request.cookies.get(SESSION_COOKIE)
    session = identity.sessions.find(session_id) if session_id else None
    if session is None:
        return None
    account = identity.accounts.get(session.account_id)
    return Principal(account.account_id, account.roles, session_id, session.csrf_token) if account else None


def _bearer(identity: Identity, header: str) -> Principal:
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise unauthenticated("invalid_token", "the Authorization header must be 'Bearer <API token>'")
    check = identity.tokens.check(secret.strip())
    if check.revoked_at is not None:
        raise unauthenticated("token_revoked", f"this API token was revoked at {rfc3339(check.revoked_at)};"
                              " create a new one")
    account = identity.accounts.get(check.account_id) if check.account_id else None
    if account is None:
        raise unauthenticated("invalid_token", "this API token is not valid")
    return Principal(account.account_id, account.roles)


def current_principal() -> Principal | None:
    """The authenticated account of this request, or None when anonymous."""
    return g.get("principal")


def require_principal() -> Principal:
    """The authenticated account, or a 401."""
    principal = current_principal()
    if principal is None:
        raise unauthenticated()
    return principal


def require_role(role: str) -> Principal:
    """The authenticated account if it holds `role`, else 401/403."""
    principal = require_principal()
    if role not in principal.roles:
        raise RequestRefused(403, "forbidden", f"only an account with the {role} role may do this")
    return principal


def anonymous_may(method: str, service_path: str) -> bool:
    """Whether someone with no account may send this command (its body carries the proof instead)."""
    return method == "POST" and ANONYMOUS_COMMANDS.fullmatch(service_path) is not None


def current_actor(method: str | None = None, service_path: str | None = None) -> str:
    """The acting account's id as forwarded to services and recorded in every event.

    Anonymous requests may read ("anonymous" is forwarded) but never write (401), except the command
    `method service_path` when `anonymous_may` it.
    """
    principal = current_principal()
    if principal is not None:
        return principal.account_id
    if request.method in UNSAFE and not (method and service_path and anonymous_may(method, service_path)):
        raise unauthenticated()
    return "anonymous"


def current_roles() -> str:
    """The acting account's roles, comma-separated, as forwarded to services in `X-Actor-Roles`."""
    principal = current_principal()
    return role_names.header_value(principal.roles) if principal else ""


def client_ip(settings: Settings) -> str:
    """The client's address: the peer, or the entry `trusted_proxy_hops` proxies back in X-Forwarded-For."""
    hops = settings.trusted_proxy_hops
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"
