"""Watch list events of older logs. Watching is no longer a knowledge command nor an event.

A watch list is a reader's private preference, not a public fact, so the gateway now keeps it as the
account's own state (services/gateway/identity/watchlists.py). Logs written before that change hold
these events (stream type `watchlist`, stream id `watchlist:<account>`); the types stay registered so
those logs still load, replay and validate against their published schemas. Nothing emits them now, and
no read model applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.events import Event


@dataclass(frozen=True)
class PageWatched(Event):
    """No longer emitted: a person put a page on their watch list (logs before watch lists became private)."""

    user: str
    item_id: str
    kind: str
    watched_at: str


@dataclass(frozen=True)
class PageUnwatched(Event):
    """No longer emitted: a person took a page off their watch list (logs before watch lists became private)."""

    user: str
    item_id: str
    unwatched_at: str
