"""A person's watch list: the pages whose changes they follow, as a wiki's watch list offers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.events import Event

from .errors import Conflict, NotFound
from .model import Item, iso, require_item

STREAM_TYPE = "watchlist"
MAX_WATCHED = 1000


@dataclass(frozen=True)
class PageWatched(Event):
    user: str
    item_id: str
    kind: str
    watched_at: str


@dataclass(frozen=True)
class PageUnwatched(Event):
    user: str
    item_id: str
    unwatched_at: str


@dataclass(frozen=True)
class Watchlist:
    user: str
    item_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchPage:
    actor: str


@dataclass(frozen=True)
class UnwatchPage:
    actor: str
    item_id: str


def stream_id(user: str) -> str:
    """The stream of a person's watch list: one per person, so only they change it."""
    return f"watchlist:{user}"


def decide_watch(state: Watchlist | None, page: Item | None, command: WatchPage, *, now: datetime) -> list[Event]:
    """Start watching a visible page."""
    item = require_item(page)
    if item.hidden:
        raise Conflict("a hidden page cannot be watched", field="item_id")
    watchlist = state or Watchlist(command.actor)
    if item.id in watchlist.item_ids:
        raise Conflict("you already watch this page", field="item_id")
    if len(watchlist.item_ids) >= MAX_WATCHED:
        raise Conflict(f"a watch list holds at most {MAX_WATCHED} pages", field="item_id")
    return [PageWatched(command.actor, item.id, item.kind, iso(now))]


def decide_unwatch(state: Watchlist | None, command: UnwatchPage, *, now: datetime) -> list[Event]:
    """Stop watching a page, even one hidden or gone since."""
    if state is None or command.item_id not in state.item_ids:
        raise NotFound("you do not watch this page", field="item_id")
    return [PageUnwatched(command.actor, command.item_id, iso(now))]


def evolve(state: Watchlist | None, event: Event) -> Watchlist:
    """Apply one watch-list event to the state (None before the first)."""
    if isinstance(event, PageWatched):
        watchlist = state or Watchlist(event.user)
        return replace(watchlist, item_ids=(*watchlist.item_ids, event.item_id))
    if isinstance(event, PageUnwatched) and state is not None:
        return replace(state, item_ids=tuple(i for i in state.item_ids if i != event.item_id))
    raise TypeError(f"a watch-list stream holds no {event.type_name()} events")
