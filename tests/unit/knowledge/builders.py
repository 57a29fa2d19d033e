"""Pages in a known state, built the way the write side builds them: decide, then fold the events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from services.knowledge.domain import EVOLVE
from services.knowledge.domain.barriers import EditBarrier, ProposeBarrier, decide_edit_barrier, decide_propose_barrier
from services.knowledge.domain.model import Item
from services.knowledge.domain.solutions import ProposeSolution, decide_propose_solution
from shared.events import Event, replay

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MODERATOR = frozenset({"moderator"})
ALICE, BOB, MALLORY, MODERATOR_MO = "user-alice", "user-bob", "user-mallory", "user-mo"


def later(minutes: int) -> datetime:
    """A time `minutes` after T0."""
    return T0 + timedelta(minutes=minutes)


def new_id() -> str:
    """A fresh random id, as the handlers pass in."""
    return str(uuid4())


def apply(state: Item | None, events: list[Event], kind: str = "barrier") -> Item:
    """The state after folding `events`, as loading the stream would give it."""
    return replay(EVOLVE[state.kind if state else kind], events, state)


def act(state: Item, decide: Callable[..., list[Event]], command: Any, now: datetime = T0, **ids: str) -> Item:
    """Decide a command on the page and fold what it produced."""
    return apply(state, decide(state, command, now=now, **ids))


def barrier(**overrides: Any) -> Item:
    """A freshly proposed barrier by Alice, at revision 1."""
    command = ProposeBarrier(
        actor=ALICE,
        title="Photo uploads are refused",
        description="The intranet refuses photo uploads from staff phones.",
        category="it_policy_and_tools",
        tags=("photos",),
    )
    events = decide_propose_barrier(None, replace(command, **overrides), barrier_id=new_id(), now=T0)
    return apply(None, events)


def solution(**overrides: Any) -> Item:
    """A freshly proposed solution by Alice to one barrier, at revision 1."""
    command = ProposeSolution(
        actor=ALICE,
        title="A written photo policy",
        body="Agree a one-page photo policy with the information governance team.",
        barrier_ids=(new_id(),),
    )
    events = decide_propose_solution(None, replace(command, **overrides), solution_id=new_id(), now=T0)
    return apply(None, events, kind="solution")


def edit(
    page: Item,
    description: str,
    *,
    actor: str = BOB,
    based_on: int | None = None,
    roles: frozenset[str] = frozenset(),
    now: datetime = T0,
) -> Item:
    """The barrier after `actor` edits its description, based on its latest revision unless told."""
    current = page.current.content
    command = EditBarrier(
        actor=actor,
        based_on_revision=based_on or page.current.number,
        title=current.title,
        description=description,
        category=current.category,
        tags=current.tags,
        summary=f"edit by {actor}",
        actor_roles=roles,
    )
    return act(page, decide_edit_barrier, command, now=now)
