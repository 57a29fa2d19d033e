"""The refusals every domain raises, by kind, and the text rules they share; shared/http.py maps them to HTTP.

A domain says what kind of no it is (not found, invalid, forbidden, a conflict, too many attempts) and
never how a transport shows it. A service's special refusals subclass one of these kinds in its own
`domain/errors.py`, adding what they need to say (a stale edit's revisions, a CSV file's problems).
"""

from __future__ import annotations

import re
from typing import ClassVar


class Refused(Exception):
    """A command the domain's rules refuse: a message, and the field it concerns when there is one.

    `code` names the refusal for clients; it is the class name in snake case (StaleRevision ->
    `stale_revision`) unless a subclass sets its own.
    """

    code: ClassVar[str] = "refused"

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "code" not in vars(cls):
            cls.code = code_for(cls)

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def code_for(cls: type[Exception]) -> str:
    """The code clients see for an exception class: its name in snake case (StaleRevision -> `stale_revision`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


class NotFound(Refused):
    """The command names something that does not exist."""


class Invalid(Refused):
    """The command is well-formed but one of its values breaks a rule."""

    code = "validation_failed"  # the same code as a body the schema refuses: to a client it is one problem


class Forbidden(Refused):
    """The actor lacks the role, membership or ownership the command needs."""


class Conflict(Refused):
    """The current state refuses the command: it is already done, or clashes with what happened."""


class RateLimited(Refused):
    """Too many attempts from one address or e-mail in the recent window; try again in `retry_after` seconds."""

    def __init__(self, message: str, field: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message, field)
        self.retry_after = max(1, retry_after)


def require_text(value: str, field: str, limit: int, *, blank: str | None = None) -> str:
    """The text stripped; Invalid naming `field` when it is blank or longer than `limit` characters.

    `blank` words the refusal of blank text where the domain says more than "must not be blank".
    """
    text = value.strip()
    if not text:
        raise Invalid(blank or f"{field} must not be blank", field=field)
    if len(text) > limit:
        raise Invalid(f"{field} must be at most {limit} characters", field=field)
    return text


def optional_text(value: str | None, field: str, limit: int) -> str | None:
    """The text stripped, None when it is missing or blank, Invalid when longer than `limit` characters."""
    if value is None or not value.strip():
        return None
    return require_text(value, field, limit)
