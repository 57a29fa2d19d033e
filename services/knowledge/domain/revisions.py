"""Revision rules every page shares: edits based on the current revision, restore, revert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict, require_text
from shared.events import Event

from .errors import StaleRevision
from .model import (
    Content,
    Decision,
    Evolver,
    Item,
    add_revision,
    iso,
    record_decision,
    require_item,
    require_moderator,
    require_reason,
)
from .protection import require_editable


@dataclass(frozen=True)
class RevisionRestored(Event):
    """A new revision whose content is that of `restored_revision`."""

    item_id: str
    revision: int
    restored_revision: int
    based_on_revision: int
    restored_by: str
    restored_at: str
    summary: str = ""


@dataclass(frozen=True)
class EditsReverted(Event):
    """A moderator undid `reverted_revisions` by one author: a new revision of `restored_revision`."""

    item_id: str
    revision: int
    restored_revision: int
    reverted_revisions: tuple[int, ...]
    reverted_author: str
    moderator: str
    reason: str
    reverted_at: str


@dataclass(frozen=True)
class RestoreRevision:
    actor: str
    revision: int
    based_on_revision: int
    summary: str = ""
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RevertEdits:
    """Revert the latest run of consecutive revisions made by `author`."""

    actor: str
    author: str
    reason: str
    actor_roles: frozenset[str] = frozenset()


def require_current(item: Item, based_on: int) -> None:
    """Refuse an edit based on an old revision, carrying the visible revisions made since."""
    item.revision(based_on, field="based_on_revision")
    # Hidden revisions are left out: an edit based on what the public sees is not stale.
    changes = tuple(r for r in item.revisions[based_on:] if not r.hidden)
    if changes:
        raise StaleRevision(based_on, changes)


def accepts_edit(item: Item, content: Content, based_on: int, roles: frozenset[str], now: datetime) -> bool:
    """Whether an edit makes a new revision: refused if not allowed, False if it changes nothing."""
    require_editable(item, roles, now)
    require_current(item, based_on)
    return content != item.current.content


def edit_summary(summary: str) -> str:
    """An optional edit summary, stripped and bounded."""
    return require_text(summary, "summary", 500) if summary.strip() else ""


def decide_restore_revision(state: Item | None, command: RestoreRevision, *, now: datetime) -> list[Event]:
    """Restore an older, visible revision as a new revision."""
    item = require_item(state)
    require_editable(item, command.actor_roles, now)
    require_current(item, command.based_on_revision)
    old = item.revision(command.revision)
    if old.hidden:
        raise Conflict("a hidden revision cannot be restored", field="revision")
    if old.content == item.current.content:
        raise Conflict("this revision already says what the page says now", field="revision")
    return [
        RevisionRestored(
            item.id,
            len(item.revisions) + 1,
            old.number,
            command.based_on_revision,
            command.actor,
            iso(now),
            edit_summary(command.summary),
        )
    ]


def decide_revert_edits(state: Item | None, command: RevertEdits, *, now: datetime) -> list[Event]:
    """Revert, in one action, the latest run of edits by one author to the visible revision before it."""
    item = require_item(state)
    require_moderator(command.actor_roles, "revert edits")
    reason = require_reason(command.reason)
    run = _latest_run_by(item, command.author)
    if not run:
        raise Conflict(f"the latest revision is not by {command.author}", field="author")
    earlier = [r for r in item.revisions[: run[0] - 1] if not r.hidden]
    if not earlier:
        raise Conflict("there is no earlier visible revision to revert to", field="author")
    return [
        EditsReverted(
            item.id,
            len(item.revisions) + 1,
            earlier[-1].number,
            run,
            command.author,
            command.actor,
            reason,
            iso(now),
        )
    ]


def _latest_run_by(item: Item, author: str) -> tuple[int, ...]:
    run: list[int] = []
    for revision in reversed(item.revisions):
        if revision.author != author:
            break
        run.append(revision.number)
    return tuple(reversed(run))


def _on_restored(item: Item, event: RevisionRestored) -> Item:
    content = item.revision(event.restored_revision).content
    return add_revision(item, content, event.restored_by, event.summary, event.restored_at, event.restored_revision)


def _on_reverted(item: Item, event: EditsReverted) -> Item:
    content = item.revision(event.restored_revision).content
    reverted = add_revision(item, content, event.moderator, event.reason, event.reverted_at, event.restored_revision)
    decision = Decision(event.type_name(), event.moderator, event.reason, event.reverted_at)
    return record_decision(reverted, decision)


EVOLVERS: dict[type[Event], Evolver] = {RevisionRestored: _on_restored, EditsReverted: _on_reverted}
