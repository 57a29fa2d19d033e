"""The solution aggregate: a practical solution to one or more barriers, edited like a wiki page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Invalid, require_text
from shared.events import Event

from .errors import AlreadyExists
from .items import evolve_page, new_item
from .model import SOLUTION, Evolver, Item, add_revision, clean_list, clean_tags, iso, require_item
from .revisions import accepts_edit, edit_summary

STREAM_TYPE = SOLUTION


@dataclass(frozen=True)
class SolutionContent:
    title: str
    body: str
    steps: tuple[str, ...]
    barrier_ids: tuple[str, ...]
    organisations: tuple[str, ...]
    tags: tuple[str, ...]

    def text_fields(self) -> dict[str, str]:
        """Each field as plain text, for word diffs."""
        return {
            "title": self.title,
            "body": self.body,
            "steps": "\n".join(self.steps),
            "barrier_ids": " ".join(self.barrier_ids),
            "organisations": "\n".join(self.organisations),
            "tags": " ".join(self.tags),
        }


@dataclass(frozen=True)
class SolutionProposed(Event):
    solution_id: str
    revision: int
    title: str
    body: str
    steps: tuple[str, ...]
    barrier_ids: tuple[str, ...]
    organisations: tuple[str, ...]
    tags: tuple[str, ...]
    author: str
    summary: str
    proposed_at: str


@dataclass(frozen=True)
class SolutionEdited(Event):
    solution_id: str
    revision: int
    based_on_revision: int
    title: str
    body: str
    steps: tuple[str, ...]
    barrier_ids: tuple[str, ...]
    organisations: tuple[str, ...]
    tags: tuple[str, ...]
    author: str
    summary: str
    edited_at: str


@dataclass(frozen=True)
class ProposeSolution:
    actor: str
    title: str
    body: str
    barrier_ids: tuple[str, ...]
    steps: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class EditSolution:
    actor: str
    based_on_revision: int
    title: str
    body: str
    barrier_ids: tuple[str, ...]
    steps: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    actor_roles: frozenset[str] = frozenset()


def solution_content(command: ProposeSolution | EditSolution) -> SolutionContent:
    """The command's content, checked: a title, a body, and at least one barrier it addresses."""
    barrier_ids = clean_list("barrier_ids", command.barrier_ids, 50, 100)
    if not barrier_ids:
        raise Invalid("a solution must address at least one barrier", field="barrier_ids")
    return SolutionContent(
        require_text(command.title, "title", 200),
        require_text(command.body, "body", 50_000),
        clean_list("steps", command.steps, 50, 2_000),
        barrier_ids,
        clean_list("organisations", command.organisations, 200, 200),
        clean_tags(command.tags),
    )


def decide_propose_solution(
    state: Item | None, command: ProposeSolution, *, solution_id: str, now: datetime
) -> list[Event]:
    """Propose a new solution to barriers the caller has checked exist; anyone signed in can."""
    if state is not None:
        raise AlreadyExists(f"solution {solution_id} already exists", field="solution_id")
    content = solution_content(command)
    return [
        SolutionProposed(
            solution_id,
            1,
            **vars(content),
            author=command.actor,
            summary=edit_summary(command.summary),
            proposed_at=iso(now),
        )
    ]


def decide_edit_solution(state: Item | None, command: EditSolution, *, now: datetime) -> list[Event]:
    """Edit the solution as a new revision; an unchanged text makes no revision."""
    item = require_item(state)
    content = solution_content(command)
    if not accepts_edit(item, content, command.based_on_revision, command.actor_roles, now):
        return []
    return [
        SolutionEdited(
            item.id,
            len(item.revisions) + 1,
            command.based_on_revision,
            **vars(content),
            author=command.actor,
            summary=edit_summary(command.summary),
            edited_at=iso(now),
        )
    ]


def _content_of(event: SolutionProposed | SolutionEdited) -> SolutionContent:
    return SolutionContent(event.title, event.body, event.steps, event.barrier_ids, event.organisations, event.tags)


def _on_edited(item: Item, event: SolutionEdited) -> Item:
    return add_revision(item, _content_of(event), event.author, event.summary, event.edited_at)


EVOLVERS: dict[type[Event], Evolver] = {SolutionEdited: _on_edited}


def evolve(state: Item | None, event: Event) -> Item:
    """Apply one solution event to the state (None before the first)."""
    if isinstance(event, SolutionProposed):
        return new_item(event.solution_id, SOLUTION, _content_of(event), event.author, event.summary, event.proposed_at)
    return evolve_page(state, event, EVOLVERS)
