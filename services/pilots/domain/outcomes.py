"""A pilot's outcome on the OGP completion scale, and its independent verification."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from shared.errors import Conflict, Invalid
from shared.events import Event

from .errors import IllegalTransition, NotIndependent
from .state import (
    COMPLETION_SCALE,
    Outcome,
    Pilot,
    Status,
    require_member,
    require_pilot,
    require_status,
    require_steward,
)

STREAM_TYPE = "pilot"


@dataclass(frozen=True)
class OutcomeRecorded(Event):
    pilot_id: str
    what_worked: str
    what_did_not: str
    lessons: str
    completion: str
    recorded_by: str
    recorded_on: str


@dataclass(frozen=True)
class OutcomeVerified(Event):
    pilot_id: str
    completion: str
    comment: str
    verified_by: str
    verified_on: str


@dataclass(frozen=True)
class RecordOutcome:
    pilot_id: str
    what_worked: str
    what_did_not: str
    lessons: str
    completion: str
    actor: str


@dataclass(frozen=True)
class VerifyOutcome:
    pilot_id: str
    actor: str
    actor_roles: frozenset[str] = field(default_factory=frozenset)
    comment: str = ""


def evolve(pilot: Pilot, event: Event) -> Pilot:
    """Apply one outcome event to the pilot; other events leave it unchanged."""
    match event:
        case OutcomeRecorded():
            outcome = Outcome(
                event.what_worked,
                event.what_did_not,
                event.lessons,
                event.completion,
                event.recorded_by,
                date.fromisoformat(event.recorded_on),
            )
            return replace(pilot, outcome=outcome)
        case OutcomeVerified():
            if pilot.outcome is None:
                raise ValueError("an outcome is verified before one was recorded")
            verified_on = date.fromisoformat(event.verified_on)
            outcome = replace(pilot.outcome, verified_by=event.verified_by, verified_on=verified_on)
            return replace(pilot, outcome=outcome)
    return pilot


def decide_record_outcome(state: Pilot | None, command: RecordOutcome, today: date) -> list[Event]:
    """Record, or revise, the outcome of a finished pilot; a revision needs verifying afresh."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.COMPLETED, Status.STOPPED), "record an outcome")
    if command.completion not in COMPLETION_SCALE:
        raise Invalid(f"completion must be one of {', '.join(COMPLETION_SCALE)}", field="completion")
    return [
        OutcomeRecorded(
            pilot.pilot_id,
            command.what_worked,
            command.what_did_not,
            command.lessons,
            command.completion,
            command.actor,
            today.isoformat(),
        )
    ]


def decide_verify_outcome(state: Pilot | None, command: VerifyOutcome, today: date) -> list[Event]:
    """A steward who is not part of the pilot, and did not approve it, verifies its self-reported outcome."""
    pilot = require_pilot(state)
    require_steward(command.actor_roles)
    outcome = pilot.outcome
    if outcome is None:
        raise IllegalTransition("the pilot has no outcome to verify", field="outcome")
    if command.actor in pilot.members() | {outcome.recorded_by}:
        raise NotIndependent("a steward who is part of the pilot cannot verify its outcome")
    if command.actor == pilot.approved_by:
        raise NotIndependent("the steward who approved the pilot cannot verify its outcome; another steward must")
    if outcome.verified_by is not None:
        raise Conflict(f"the outcome was verified on {outcome.verified_on}", field="outcome")
    return [OutcomeVerified(pilot.pilot_id, outcome.completion, command.comment, command.actor, today.isoformat())]
