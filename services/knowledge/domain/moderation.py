"""Moderation in the open: anyone flags, a moderator hides, restores or dismisses, every decision is public."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.errors import Conflict, NotFound
from shared.events import Event

from .model import Decision, Evolver, Flag, Item, iso, record_decision, require_item, require_moderator, require_reason

OPEN, ACTIONED, DISMISSED = "open", "actioned", "dismissed"


@dataclass(frozen=True)
class ItemFlagged(Event):
    """Someone asked moderators to look at the page, or at one `revision` of it."""

    item_id: str
    flag_id: str
    revision: int | None
    reason: str
    flagged_by: str
    flagged_at: str


@dataclass(frozen=True)
class ItemHidden(Event):
    item_id: str
    reason: str
    moderator: str
    hidden_at: str


@dataclass(frozen=True)
class ItemRestored(Event):
    item_id: str
    reason: str
    moderator: str
    restored_at: str


@dataclass(frozen=True)
class RevisionHidden(Event):
    item_id: str
    revision: int
    reason: str
    moderator: str
    hidden_at: str


@dataclass(frozen=True)
class RevisionReinstated(Event):
    item_id: str
    revision: int
    reason: str
    moderator: str
    reinstated_at: str


@dataclass(frozen=True)
class FlagDismissed(Event):
    """A moderator looked at a flag and left the content as it is, saying why."""

    item_id: str
    flag_id: str
    revision: int | None
    reason: str
    moderator: str
    dismissed_at: str


@dataclass(frozen=True)
class FlagItem:
    actor: str
    reason: str
    revision: int | None = None


@dataclass(frozen=True)
class ModerateItem:
    """Hide or restore a whole page, or with `revision` one revision of it."""

    actor: str
    reason: str
    revision: int | None = None
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DismissFlag:
    actor: str
    flag_id: str
    reason: str
    actor_roles: frozenset[str] = frozenset()


def decide_flag_item(state: Item | None, command: FlagItem, *, flag_id: str, now: datetime) -> list[Event]:
    """Flag the page or one of its revisions for a moderator, saying why."""
    item = require_item(state)
    reason = require_reason(command.reason)
    if command.revision is not None:
        item.revision(command.revision)
    return [ItemFlagged(item.id, flag_id, command.revision, reason, command.actor, iso(now))]


def decide_hide(state: Item | None, command: ModerateItem, *, now: datetime) -> list[Event]:
    """Hide the page or one revision from public reads; it stays in the log."""
    item, reason = _moderation(state, command, "hide content")
    if command.revision is None:
        _require_change(item.hidden, "this page is already hidden")
        return [ItemHidden(item.id, reason, command.actor, iso(now))]
    _require_change(item.revision(command.revision).hidden, "this revision is already hidden")
    return [RevisionHidden(item.id, command.revision, reason, command.actor, iso(now))]


def decide_unhide(state: Item | None, command: ModerateItem, *, now: datetime) -> list[Event]:
    """Bring a hidden page or revision back to public reads."""
    item, reason = _moderation(state, command, "restore hidden content")
    if command.revision is None:
        _require_change(not item.hidden, "this page is not hidden")
        return [ItemRestored(item.id, reason, command.actor, iso(now))]
    _require_change(not item.revision(command.revision).hidden, "this revision is not hidden")
    return [RevisionReinstated(item.id, command.revision, reason, command.actor, iso(now))]


def decide_dismiss_flag(state: Item | None, command: DismissFlag, *, now: datetime) -> list[Event]:
    """Close an open flag without hiding anything: the content is fine, and the moderator says why."""
    item = require_item(state)
    require_moderator(command.actor_roles, "dismiss a flag")
    reason = require_reason(command.reason)
    flag = next((f for f in item.flags if f.flag_id == command.flag_id), None)
    if flag is None:
        raise NotFound(f"this page has no flag {command.flag_id}", field="flag_id")
    _require_change(flag.status != OPEN, f"this flag is already {flag.status}")
    return [FlagDismissed(item.id, flag.flag_id, flag.revision, reason, command.actor, iso(now))]


def _moderation(state: Item | None, command: ModerateItem, action: str) -> tuple[Item, str]:
    item = require_item(state)
    require_moderator(command.actor_roles, action)
    return item, require_reason(command.reason)


def _require_change(already: bool, message: str) -> None:
    if already:
        raise Conflict(message)


def _on_flagged(item: Item, event: ItemFlagged) -> Item:
    flag = Flag(event.flag_id, event.revision, event.reason, event.flagged_by, event.flagged_at)
    return replace(item, flags=(*item.flags, flag))


def _on_flag_dismissed(item: Item, event: FlagDismissed) -> Item:
    decision = Decision(event.type_name(), event.moderator, event.reason, event.dismissed_at, event.revision)
    flags = tuple(replace(f, status=DISMISSED) if f.flag_id == event.flag_id else f for f in item.flags)
    return record_decision(replace(item, flags=flags), decision)


def _actioned(item: Item, revision: int | None) -> Item:
    """Open flags answered by hiding: all of the page's when it is hidden, else those on the hidden revision."""
    flags = tuple(replace(f, status=ACTIONED) if f.status == OPEN and revision in (None, f.revision) else f
                  for f in item.flags)
    return replace(item, flags=flags)


def _on_item_hidden(item: Item, event: ItemHidden) -> Item:
    decision = Decision(event.type_name(), event.moderator, event.reason, event.hidden_at)
    return record_decision(replace(_actioned(item, None), hidden=True), decision)


def _on_item_restored(item: Item, event: ItemRestored) -> Item:
    decision = Decision(event.type_name(), event.moderator, event.reason, event.restored_at)
    return record_decision(replace(item, hidden=False), decision)


def _on_revision_hidden(item: Item, event: RevisionHidden) -> Item:
    decision = Decision(event.type_name(), event.moderator, event.reason, event.hidden_at, event.revision)
    return _revision_visibility(_actioned(item, event.revision), event.revision, hidden=True, decision=decision)


def _on_revision_reinstated(item: Item, event: RevisionReinstated) -> Item:
    decision = Decision(event.type_name(), event.moderator, event.reason, event.reinstated_at, event.revision)
    return _revision_visibility(item, event.revision, hidden=False, decision=decision)


def _revision_visibility(item: Item, number: int, *, hidden: bool, decision: Decision) -> Item:
    revisions = list(item.revisions)
    revisions[number - 1] = replace(revisions[number - 1], hidden=hidden)
    return record_decision(replace(item, revisions=tuple(revisions)), decision)


EVOLVERS: dict[type[Event], Evolver] = {
    ItemFlagged: _on_flagged,
    FlagDismissed: _on_flag_dismissed,
    ItemHidden: _on_item_hidden,
    ItemRestored: _on_item_restored,
    RevisionHidden: _on_revision_hidden,
    RevisionReinstated: _on_revision_reinstated,
}
