"""The session cookie: a random id, HttpOnly, SameSite=Lax, Secure over https (or always, if configured)."""

from __future__ import annotations

from typing import TypeVar

from flask import request
from werkzeug.wrappers import Response

from shared.config import Settings

from ..identity.store import Identity
from .auth import SESSION_COOKIE, Principal


def start_session(identity: Identity, account_id: str) -> tuple[str, Principal]:
    """A brand-new session for the account, ending any session the request carried; (session id, principal)."""
    session_id, session = identity.sessions.start(account_id, replacing=request.cookies.get(SESSION_COOKIE))
    account = identity.accounts.get(account_id)
    return session_id, Principal(account_id, account.roles if account else frozenset(), session_id, session.csrf_token)


R = TypeVar("R", bound=Response)


def set_session_cookie(settings: Settings, response: R, session_id: str) -> R:
    """Put the session id in the browser's cookie jar."""
    response.set_cookie(SESSION_COOKIE, session_id, max_age=settings.session_ttl_s, path="/", httponly=True,
                        samesite="Lax", secure=_secure(settings))
    return response


def end_session(identity: Identity, settings: Settings, response: Response) -> Response:
    """Sign out: the server forgets the session and the browser drops the cookie."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        identity.sessions.end(session_id)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax", secure=_secure(settings))
    return response


def _secure(settings: Settings) -> bool:
    mode = settings.session_cookie_secure.lower()
    return mode in ("always", "true", "1") or (mode == "auto" and request.is_secure)
