"""The knowledge domain's own refusals; the kinds they are (Conflict, Invalid...) are shared.errors'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.errors import Conflict, Forbidden, Invalid

if TYPE_CHECKING:
    from .model import Revision


class ImageRejected(Invalid):
    """The upload is not an image we accept: wrong content, broken structure or too large."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="image")


class NotPermitted(Forbidden):
    """The actor may not do this (a moderator's action, or someone else's contribution)."""

    code = "forbidden"  # one code for every "you may not": clients need not know which rule said no


class AlreadyExists(Conflict):
    """The command would create something that is already there."""


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
