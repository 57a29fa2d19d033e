"""CSRF defence for cookie-authenticated writes: a synchronizer token, tied to the session, sent back by the page.

A browser attaches the session cookie to a forged cross-site request but the forger cannot read the
token, so a write must echo it in `X-CSRF-Token` (scripts) or a `csrf_token` form field (HTML forms).
Bearer-token requests are exempt: browsers never attach an Authorization header on their own.
"""

from __future__ import annotations

from flask import g, request

from shared.http import RequestRefused

from ..identity.credentials import same

HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def presented() -> str:
    """The token the request carries, from the header or else the form field."""
    token = request.headers.get(HEADER, "")
    if not token and request.mimetype in FORM_TYPES:
        # Cache the raw body first, so a view that forwards it (an upload) can still read it after the form.
        request.get_data(cache=True, parse_form_data=False)
        token = request.form.get(FIELD, "")
    return token


def require(expected: str) -> None:
    """Refuse with 403 unless the request carries the session's CSRF token."""
    if not same(presented(), expected):
        raise RequestRefused(403, "csrf_failed", f"this write needs the session's CSRF token in the {HEADER} header"
                             f" or the {FIELD} form field; read it from GET /api/v1/session")


def token() -> str | None:
    """The current session's CSRF token, for pages to put in their forms (None without a session)."""
    principal = g.get("principal")
    return principal.csrf_token if principal else None
