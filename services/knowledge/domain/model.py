"""The state of a knowledge page (a barrier or a solution), folded from its stream."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from shared.contract.vocabulary import MODERATOR
from shared.errors import Invalid, NotFound, require_text

from .errors import NotPermitted

BARRIER = "barrier"
SOLUTION = "solution"


class Content(Protocol):
    """What one revision of a page says; barriers and solutions each define their own."""

    @property
    def title(self) -> str:
        """The page's title in this revision."""
        ...

    def text_fields(self) -> dict[str, str]:
        """Each field as plain text, for word diffs."""
        ...


@dataclass(frozen=True)
class Revision:
    number: int
    content: Content
    author: str
    summary: str
    at: str
    restored_from: int | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Endorsement:
    organisation: str
    endorsed_by: str
    at: str
    organisation_id: str


@dataclass(frozen=True)
class Flag:
    flag_id: str
    revision: int | None
    reason: str
    flagged_by: str
    at: str
    status: str = "open"  # then "actioned" once its content is hidden, or "dismissed" by a moderator


@dataclass(frozen=True)
class Decision:
    """A moderator's public decision: what was done, by whom, when and why."""

    action: str
    moderator: str
    reason: str
    at: str
    revision: int | None = None


@dataclass(frozen=True)
class Protection:
    moderator: str
    reason: str
    until: str
    at: str


@dataclass(frozen=True)
class Photo:
    sha256: str
    media_type: str
    size: int
    alt_text: str
    attached_by: str
    at: str


@dataclass(frozen=True)
class Comment:
    comment_id: str
    body: str
    reply_to: str | None
    posted_by: str
    at: str
    hidden: bool = False


@dataclass(frozen=True)
class Evidence:
    """A pilot reported this barrier removed, possibly naming the solution that did it."""

    pilot_id: str
    pilot_title: str
    organisation: str
    solution_id: str | None
    solution_title: str | None
    at: str


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    revisions: tuple[Revision, ...]
    endorsements: tuple[Endorsement, ...] = ()
    flags: tuple[Flag, ...] = ()
    decisions: tuple[Decision, ...] = ()
    hidden: bool = False
    protection: Protection | None = None
    photos: tuple[Photo, ...] = ()
    comments: tuple[Comment, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def current(self) -> Revision:
        """The latest revision the public sees (the latest of all if every one is hidden)."""
        visible = [r for r in self.revisions if not r.hidden]
        return (visible or list(self.revisions))[-1]

    def revision(self, number: int, field: str = "revision") -> Revision:
        """Revision `number`, or NotFound naming `field`."""
        if not 1 <= number <= len(self.revisions):
            raise NotFound(f"this page has no revision {number}", field=field)
        return self.revisions[number - 1]


def iso(now: datetime) -> str:
    """The instant as an ISO-8601 UTC string, the form times take in event data."""
    if now.tzinfo is None:
        raise ValueError("the clock must give timezone-aware datetimes")
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def require_item(state: Item | None) -> Item:
    """The page, or NotFound when its stream is empty."""
    if state is None:
        raise NotFound("no such page", field="item_id")
    return state


def require_moderator(roles: frozenset[str], action: str) -> None:
    """Refuse a moderator's action to anyone without the moderator role."""
    if MODERATOR not in roles:
        raise NotPermitted(f"only a moderator can {action}")


def require_reason(reason: str) -> str:
    """A moderation or flag reason: required, because decisions must say why."""
    return require_text(reason, "reason", 1000)


def clean_list(field: str, values: Iterable[str], max_items: int, max_length: int) -> tuple[str, ...]:
    """Non-blank values stripped and deduplicated in order, within the given limits."""
    items = tuple(dict.fromkeys(require_text(v, field, max_length) for v in values if v.strip()))
    if len(items) > max_items:
        raise Invalid(f"at most {max_items} {field} are allowed", field=field)
    return items


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags lower-cased, stripped and deduplicated, so filters match however they were typed."""
    return clean_list("tags", (tag.lower() for tag in tags), 20, 50)


def add_revision(
    item: Item, content: Content, author: str, summary: str, at: str, restored_from: int | None = None
) -> Item:
    """The page with one more revision, numbered after the last."""
    revision = Revision(len(item.revisions) + 1, content, author, summary, at, restored_from)
    return replace(item, revisions=(*item.revisions, revision))


def record_decision(item: Item, decision: Decision) -> Item:
    """The page with one more public moderation decision."""
    return replace(item, decisions=(*item.decisions, decision))


# How one kind of event changes a page: the second argument is that event.
Evolver = Callable[[Item, Any], Item]
