"""Photos on a page: checked and cleaned images, stored by hash outside the events."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.errors import NotFound, require_text
from shared.events import Event

from .errors import AlreadyExists, NotPermitted
from .images import CleanImage
from .model import (
    MODERATOR,
    Decision,
    Evolver,
    Item,
    Photo,
    iso,
    record_decision,
    require_item,
    require_reason,
)
from .protection import require_editable


@dataclass(frozen=True)
class PhotoAttached(Event):
    """The image bytes live in a content-addressed store under `sha256`, never in the log."""

    item_id: str
    sha256: str
    media_type: str
    size: int
    alt_text: str
    attached_by: str
    attached_at: str


@dataclass(frozen=True)
class PhotoRemoved(Event):
    item_id: str
    sha256: str
    reason: str
    removed_by: str
    removed_at: str


@dataclass(frozen=True)
class AttachPhoto:
    """`image` comes from `images.clean_image`, so only checked, stripped bytes get this far."""

    actor: str
    image: CleanImage
    alt_text: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RemovePhoto:
    actor: str
    sha256: str
    reason: str
    actor_roles: frozenset[str] = frozenset()


def find_photo(item: Item, sha256: str) -> Photo | None:
    """The photo with this content hash, if the page carries it."""
    return next((p for p in item.photos if p.sha256 == sha256), None)


def decide_attach_photo(state: Item | None, command: AttachPhoto, *, now: datetime) -> list[Event]:
    """Attach a cleaned image with its alt text to an editable page, once."""
    item = require_item(state)
    require_editable(item, command.actor_roles, now)
    alt_text = require_text(command.alt_text, "alt_text", 500)
    image = command.image
    if find_photo(item, image.sha256) is not None:
        raise AlreadyExists("this page already carries this photo", field="image")
    return [PhotoAttached(item.id, image.sha256, image.media_type, image.size, alt_text, command.actor, iso(now))]


def decide_remove_photo(state: Item | None, command: RemovePhoto, *, now: datetime) -> list[Event]:
    """Remove a photo: the person who attached it can, and so can a moderator."""
    item = require_item(state)
    photo = find_photo(item, command.sha256)
    if photo is None:
        raise NotFound("this page carries no such photo", field="sha256")
    if photo.attached_by != command.actor and MODERATOR not in command.actor_roles:
        raise NotPermitted("only the person who attached a photo, or a moderator, can remove it")
    return [PhotoRemoved(item.id, photo.sha256, require_reason(command.reason), command.actor, iso(now))]


def _on_attached(item: Item, event: PhotoAttached) -> Item:
    photo = Photo(event.sha256, event.media_type, event.size, event.alt_text, event.attached_by, event.attached_at)
    return replace(item, photos=(*item.photos, photo))


def _on_removed(item: Item, event: PhotoRemoved) -> Item:
    photo = find_photo(item, event.sha256)
    item = replace(item, photos=tuple(p for p in item.photos if p.sha256 != event.sha256))
    if photo is None or photo.attached_by == event.removed_by:
        return item
    # Someone removing another person's photo is a moderator: that decision is public.
    return record_decision(item, Decision(event.type_name(), event.removed_by, event.reason, event.removed_at))


EVOLVERS: dict[type[Event], Evolver] = {PhotoAttached: _on_attached, PhotoRemoved: _on_removed}
