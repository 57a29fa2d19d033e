"""The barrier aggregate: a practical barrier to interactive working, edited like a wiki page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.contract.vocabulary import CATEGORIES
from shared.errors import Invalid, require_text
from shared.events import Event

from . import evidence
from .errors import AlreadyExists
from .items import evolve_page, new_item
from .model import BARRIER, Evolver, Item, add_revision, clean_tags, iso, require_item
from .revisions import accepts_edit, edit_summary

STREAM_TYPE = BARRIER



@dataclass(frozen=True)
class BarrierContent:
    title: str
    description: str
    category: str
    tags: tuple[str, ...]

    def text_fields(self) -> dict[str, str]:
        """Each field as plain text, for word diffs."""
        return {
            "title": self.title,
            "description": self.description,
            "category": self.category,
            "tags": " ".join(self.tags),
        }


@dataclass(frozen=True)
class BarrierProposed(Event):
    barrier_id: str
    revision: int
    title: str
    description: str
    category: str
    tags: tuple[str, ...]
    author: str
    summary: str
    proposed_at: str


@dataclass(frozen=True)
class BarrierEdited(Event):
    barrier_id: str
    revision: int
    based_on_revision: int
    title: str
    description: str
    category: str
    tags: tuple[str, ...]
    author: str
    summary: str
    edited_at: str


@dataclass(frozen=True)
class ProposeBarrier:
    actor: str
    title: str
    description: str
    category: str
    tags: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class EditBarrier:
    actor: str
    based_on_revision: int
    title: str
    description: str
    category: str
    tags: tuple[str, ...] = ()
    summary: str = ""
    actor_roles: frozenset[str] = frozenset()


def barrier_content(command: ProposeBarrier | EditBarrier) -> BarrierContent:
    """The command's content, checked: a title, a description (Markdown), a known category."""
    if command.category not in CATEGORIES:
        raise Invalid(f"category must be one of {', '.join(CATEGORIES)}", field="category")
    return BarrierContent(
        require_text(command.title, "title", 200),
        require_text(command.description, "description", 50_000),
        command.category,
        clean_tags(command.tags),
    )


def decide_propose_barrier(
    state: Item | None, command: ProposeBarrier, *, barrier_id: str, now: datetime
) -> list[Event]:
    """Propose a new barrier; anyone signed in can."""
    if state is not None:
        raise AlreadyExists(f"barrier {barrier_id} already exists", field="barrier_id")
    content = barrier_content(command)
    return [
        BarrierProposed(
            barrier_id,
            1,
            **vars(content),
            author=command.actor,
            summary=edit_summary(command.summary),
            proposed_at=iso(now),
        )
    ]


def decide_edit_barrier(state: Item | None, command: EditBarrier, *, now: datetime) -> list[Event]:
    """Edit the barrier as a new revision; an unchanged text makes no revision."""
    item = require_item(state)
    content = barrier_content(command)
    if not accepts_edit(item, content, command.based_on_revision, command.actor_roles, now):
        return []
    return [
        BarrierEdited(
            item.id,
            len(item.revisions) + 1,
            command.based_on_revision,
            **vars(content),
            author=command.actor,
            summary=edit_summary(command.summary),
            edited_at=iso(now),
        )
    ]


def _content_of(event: BarrierProposed | BarrierEdited) -> BarrierContent:
    return BarrierContent(event.title, event.description, event.category, event.tags)


def _on_edited(item: Item, event: BarrierEdited) -> Item:
    return add_revision(item, _content_of(event), event.author, event.summary, event.edited_at)


EVOLVERS: dict[type[Event], Evolver] = {BarrierEdited: _on_edited, **evidence.EVOLVERS}


def evolve(state: Item | None, event: Event) -> Item:
    """Apply one barrier event to the state (None before the first)."""
    if isinstance(event, BarrierProposed):
        return new_item(event.barrier_id, BARRIER, _content_of(event), event.author, event.summary, event.proposed_at)
    return evolve_page(state, event, EVOLVERS)
