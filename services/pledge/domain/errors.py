"""Refusals of the pledge domain; each names the field it concerns, when there is one."""

from __future__ import annotations


class PledgeError(Exception):
    """A command the pledge rules refuse (HTTP 409 unless a subclass says otherwise)."""

    status = 409

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(PledgeError):
    """The command names something that does not exist."""

    status = 404


class Invalid(PledgeError):
    """The command is well-formed but its content breaks a rule about values."""

    status = 422


class Forbidden(PledgeError):
    """The actor lacks the role or ownership the command needs."""

    status = 403


class RoundClosedError(PledgeError):
    """Drafting happens only while a round is open."""


class RateLimited(PledgeError):
    """Too many attempts from one address or e-mail in the recent window."""

    status = 429


def require_text(value: str, field: str, limit: int) -> None:
    """Refuse blank text, or text longer than `limit` characters."""
    if not value.strip():
        raise Invalid("must not be empty", field=field)
    if len(value) > limit:
        raise Invalid(f"must be at most {limit} characters", field=field)


def optional_text(value: str | None, field: str, limit: int) -> str | None:
    """The trimmed text, None when blank, refused when longer than `limit` characters."""
    if value is None or not value.strip():
        return None
    require_text(value, field, limit)
    return value.strip()
