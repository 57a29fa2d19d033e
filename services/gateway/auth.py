"""Who is acting. Until accounts land (issue 6) the caller names itself in `X-Actor` and `X-Roles`."""

from __future__ import annotations

from flask import request


def current_actor() -> str:
    """The acting user's id as forwarded to services and recorded in every event."""
    return request.headers.get("X-Actor") or "anonymous"


def current_roles() -> str:
    """The acting user's roles, comma-separated, as forwarded to services in `X-Actor-Roles`."""
    return request.headers.get("X-Roles", "")
