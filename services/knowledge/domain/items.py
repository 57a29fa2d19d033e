"""The fold every page stream shares: barriers and solutions apply the same non-content events."""

from __future__ import annotations

from collections.abc import Mapping

from shared.events import Event

from . import discussion, endorsements, moderation, photos, protection, revisions
from .model import Content, Evolver, Item, Revision, require_item

SHARED_EVOLVERS: Mapping[type[Event], Evolver] = {
    **revisions.EVOLVERS,
    **endorsements.EVOLVERS,
    **moderation.EVOLVERS,
    **protection.EVOLVERS,
    **photos.EVOLVERS,
    **discussion.EVOLVERS,
}


def new_item(item_id: str, kind: str, content: Content, author: str, summary: str, at: str) -> Item:
    """A page as its first revision makes it."""
    return Item(item_id, kind, (Revision(1, content, author, summary, at),))


def evolve_page(state: Item | None, event: Event, own: Mapping[type[Event], Evolver]) -> Item:
    """Apply an event of an existing page: its kind's own events first, then the shared ones."""
    evolver = own.get(type(event)) or SHARED_EVOLVERS.get(type(event))
    if evolver is None:
        raise TypeError(f"a page stream holds no {event.type_name()} events")
    return evolver(require_item(state), event)
