"""Page protection: a moderator shuts a page to edits, with a reason, until an expiry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.errors import Conflict, Invalid
from shared.events import Event

from .errors import PageIsProtected
from .model import (
    MODERATOR,
    Decision,
    Evolver,
    Item,
    Protection,
    iso,
    record_decision,
    require_item,
    require_moderator,
    require_reason,
)


@dataclass(frozen=True)
class PageProtected(Event):
    item_id: str
    reason: str
    protected_until: str
    moderator: str
    protected_at: str


@dataclass(frozen=True)
class PageUnprotected(Event):
    item_id: str
    reason: str
    moderator: str
    unprotected_at: str


@dataclass(frozen=True)
class ProtectPage:
    actor: str
    reason: str
    until: datetime
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class UnprotectPage:
    actor: str
    reason: str
    actor_roles: frozenset[str] = frozenset()


def is_protected(item: Item, now: datetime) -> bool:
    """True while a protection is in force; it lapses by itself at its expiry."""
    protection = item.protection
    return protection is not None and datetime.fromisoformat(protection.until) > now


def require_editable(item: Item, roles: frozenset[str], now: datetime) -> None:
    """Refuse changes to a hidden or protected page, except by a moderator."""
    if MODERATOR in roles:
        return
    if item.hidden:
        raise Conflict("this page is hidden by a moderator and cannot be changed")
    if item.protection is not None and is_protected(item, now):
        raise PageIsProtected(item.protection.until, item.protection.reason)


def decide_protect_page(state: Item | None, command: ProtectPage, *, now: datetime) -> list[Event]:
    """Protect the page until a future time; protecting again replaces the expiry and reason."""
    item = require_item(state)
    require_moderator(command.actor_roles, "protect a page")
    reason = require_reason(command.reason)
    if command.until <= now:
        raise Invalid("a protection must expire in the future", field="until")
    return [PageProtected(item.id, reason, iso(command.until), command.actor, iso(now))]


def decide_unprotect_page(state: Item | None, command: UnprotectPage, *, now: datetime) -> list[Event]:
    """Lift a protection that is still in force."""
    item = require_item(state)
    require_moderator(command.actor_roles, "unprotect a page")
    reason = require_reason(command.reason)
    if not is_protected(item, now):
        raise Conflict("this page is not protected")
    return [PageUnprotected(item.id, reason, command.actor, iso(now))]


def _on_protected(item: Item, event: PageProtected) -> Item:
    protection = Protection(event.moderator, event.reason, event.protected_until, event.protected_at)
    decision = Decision(event.type_name(), event.moderator, event.reason, event.protected_at)
    return record_decision(replace(item, protection=protection), decision)


def _on_unprotected(item: Item, event: PageUnprotected) -> Item:
    decision = Decision(event.type_name(), event.moderator, event.reason, event.unprotected_at)
    return record_decision(replace(item, protection=None), decision)


EVOLVERS: dict[type[Event], Evolver] = {PageProtected: _on_protected, PageUnprotected: _on_unprotected}
