"""Barriers a pilot targets, and their status in it: encountered, in progress, removed or not."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from shared.contract.vocabulary import NEXT_STATUSES
from shared.errors import Conflict, Invalid, NotFound
from shared.events import Event

from .errors import IllegalTransition
from .known_barriers import KnownBarriers, require_targetable
from .state import BarrierStatus, BarrierWork, Pilot, Status, require_member, require_pilot, require_status

STREAM_TYPE = "pilot"


@dataclass(frozen=True)
class BarrierTargeted(Event):
    pilot_id: str
    barrier_id: str
    barrier_title: str
    notes: str
    targeted_by: str
    targeted_on: str


@dataclass(frozen=True)
class BarrierWorkStarted(Event):
    pilot_id: str
    barrier_id: str
    notes: str
    changed_by: str
    changed_on: str


@dataclass(frozen=True)
class BarrierRemoved(Event):
    """Self-contained evidence: the knowledge service records it from this event alone."""

    pilot_id: str
    barrier_id: str
    barrier_title: str
    solution_id: str
    solution_title: str | None
    pilot_title: str
    organisation_id: str
    organisation_name: str
    notes: str
    removed_by: str
    removed_on: str


@dataclass(frozen=True)
class BarrierNotRemoved(Event):
    pilot_id: str
    barrier_id: str
    notes: str
    changed_by: str
    changed_on: str


@dataclass(frozen=True)
class TargetBarrier:
    pilot_id: str
    barrier_id: str
    notes: str
    actor: str


@dataclass(frozen=True)
class ChangeBarrierStatus:
    pilot_id: str
    barrier_id: str
    status: str
    notes: str
    actor: str
    solution_id: str | None = None
    solution_title: str | None = None


def evolve(pilot: Pilot, event: Event) -> Pilot:
    """Apply one barrier event to the pilot; other events leave it unchanged."""
    match event:
        case BarrierTargeted():
            work = BarrierWork(event.barrier_id, event.barrier_title, notes=_notes((), event.notes))
            return replace(pilot, barriers=pilot.barriers + (work,))
        case BarrierWorkStarted():
            return _update(pilot, event.barrier_id, event.notes, status=BarrierStatus.IN_PROGRESS)
        case BarrierRemoved():
            return _update(
                pilot,
                event.barrier_id,
                event.notes,
                status=BarrierStatus.REMOVED,
                solution_id=event.solution_id,
                solution_title=event.solution_title,
            )
        case BarrierNotRemoved():
            return _update(pilot, event.barrier_id, event.notes, status=BarrierStatus.NOT_REMOVED)
    return pilot


def _notes(notes: tuple[str, ...], note: str) -> tuple[str, ...]:
    return notes + (note,) if note else notes


def _update(pilot: Pilot, barrier_id: str, note: str, **changes: Any) -> Pilot:
    barriers = tuple(
        replace(b, notes=_notes(b.notes, note), **changes) if b.barrier_id == barrier_id else b for b in pilot.barriers
    )
    return replace(pilot, barriers=barriers)


def decide_target_barrier(
    state: Pilot | None, command: TargetBarrier, known: KnownBarriers, today: date
) -> list[Event]:
    """Target a barrier the knowledge base knows and shows; it starts as encountered."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.PROPOSED, Status.APPROVED, Status.ACTIVE), "target barriers")
    barrier = require_targetable(known, command.barrier_id)
    if pilot.barrier(barrier.barrier_id) is not None:
        raise Conflict("the pilot already targets this barrier", field="barrier_id")
    return [
        BarrierTargeted(
            pilot.pilot_id, barrier.barrier_id, barrier.title, command.notes, command.actor, today.isoformat()
        )
    ]


def decide_change_barrier_status(
    state: Pilot | None, command: ChangeBarrierStatus, known: KnownBarriers, today: date
) -> list[Event]:
    """Move a targeted barrier one step along encountered → in progress → removed / not removed."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.ACTIVE,), "change barrier statuses")
    work = pilot.barrier(command.barrier_id)
    if work is None:
        raise NotFound("the pilot does not target this barrier", field="barrier_id")
    if command.status not in NEXT_STATUSES.get(work.status, ()):
        raise IllegalTransition(f"a barrier {work.status} cannot become {command.status}", field="status")
    on = today.isoformat()
    if command.status == BarrierStatus.IN_PROGRESS:
        return [BarrierWorkStarted(pilot.pilot_id, work.barrier_id, command.notes, command.actor, on)]
    if command.status == BarrierStatus.NOT_REMOVED:
        return [BarrierNotRemoved(pilot.pilot_id, work.barrier_id, command.notes, command.actor, on)]
    return [_removed(pilot, work, command, known, on)]


def _removed(
    pilot: Pilot, work: BarrierWork, command: ChangeBarrierStatus, known: KnownBarriers, on: str
) -> BarrierRemoved:
    if not command.solution_id:
        raise Invalid("say which solution removed the barrier", field="solution_id")
    # A solution the view has not seen yet may be brand new in the knowledge base, so it is
    # accepted with the title the lead gave; one the view knows must belong to this barrier.
    solution = known.solution(command.solution_id)
    if solution is not None and solution.barrier_id != work.barrier_id:
        raise Invalid("this solution belongs to another barrier", field="solution_id")
    title = solution.title if solution is not None else command.solution_title
    return BarrierRemoved(
        pilot.pilot_id,
        work.barrier_id,
        work.barrier_title,
        command.solution_id,
        title,
        pilot.title,
        pilot.organisation_id,
        pilot.organisation_name,
        command.notes,
        command.actor,
        on,
    )
