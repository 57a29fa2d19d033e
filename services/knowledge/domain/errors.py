"""Refusals of the knowledge domain; each names the field it concerns, when there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Revision


class KnowledgeError(Exception):
    """A command the knowledge rules refuse (HTTP 409 unless a subclass says otherwise)."""

    status = 409

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(KnowledgeError):
    """The command is well-formed but one of its values breaks a rule."""

    status = 422


class ImageRejected(Invalid):
    """The upload is not an image we accept: wrong content, broken structure or too large."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="image")


class NotFound(KnowledgeError):
    """The command names a page, revision, comment, photo or endorsement that does not exist."""

    status = 404


class NotPermitted(KnowledgeError):
    """The actor may not do this (a moderator's action, or someone else's contribution)."""

    status = 403


class AlreadyExists(KnowledgeError):
    """The command would create something that is already there."""


class Conflict(KnowledgeError):
    """The page's current state refuses the command (already hidden, already endorsed...)."""


class PageIsProtected(Conflict):
    """A moderator protected the page from edits until `until` (ISO-8601 UTC)."""

    def __init__(self, until: str, reason: str) -> None:
        super().__init__(f"this page is protected until {until}: {reason}")
        self.until = until
        self.reason = reason


class StaleRevision(Conflict):
    """The edit was based on an old revision; `changes` are the visible revisions made since."""

    def __init__(self, based_on: int, changes: tuple[Revision, ...]) -> None:
        latest = changes[-1].number
        super().__init__(
            f"revision {based_on} is out of date: {len(changes)} revision(s) were made since,"
            f" up to revision {latest}; rebase your edit on revision {latest}",
            field="based_on_revision",
        )
        self.based_on = based_on
        self.latest = latest
        self.changes = changes
