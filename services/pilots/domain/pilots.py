"""The pilot aggregate's lifecycle: proposed → approved → active → completed, or stopped with a reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from shared.errors import Conflict, Forbidden, Invalid, require_text
from shared.events import DataSubject, Event

from . import barriers, milestones, outcomes, progress
from .erasures import ErasureCompleted
from .errors import NotAMember, NotIndependent, UnsignedOrganisation
from .signatories import Signatories
from .state import (
    STEWARD,
    Pilot,
    Status,
    require_member,
    require_pilot,
    require_pilot_lead,
    require_status,
    require_steward,
)

STREAM_TYPE = "pilot"
MAX_REASON_CHARS = 2_000
# The sponsor's personal fields: sealed for the pilot's data subject from v2, shown "erased" once it is erased.
SPONSOR = ("sponsor_name", "sponsor_role")


@dataclass(frozen=True)
class PilotProposed(Event):
    """A pilot is proposed for an organisation, with its top-level sponsor.

    v2 seals the sponsor's name and role (SPONSOR) for the pilot's data subject: `subject_id` names it, the pilots
    service's key table holds its key, `sealed` holds the two (shared/sealing.py), and the plain fields are None.
    Events before it keep them in the clear and are upcast with `subject_id` and `sealed` None.
    """

    SCHEMA_VERSION = 2

    pilot_id: str
    organisation_id: str
    organisation_name: str
    organisation_type: str
    title: str
    aims: str
    sponsor_name: str | None  # in the clear only before v2
    sponsor_role: str | None
    leads: tuple[str, ...]
    start_date: str
    planned_end_date: str
    proposed_by: str
    subject_id: str | None
    sealed: str | None


@dataclass(frozen=True)
class PilotApproved(Event):
    pilot_id: str
    approved_by: str
    approved_on: str


@dataclass(frozen=True)
class PilotStarted(Event):
    pilot_id: str
    started_by: str
    started_on: str


@dataclass(frozen=True)
class PilotCompleted(Event):
    pilot_id: str
    completed_by: str
    completed_on: str


@dataclass(frozen=True)
class PilotStopped(Event):
    pilot_id: str
    reason: str
    stopped_by: str
    stopped_on: str


@dataclass(frozen=True)
class ProposePilot:
    pilot_id: str
    organisation_id: str
    title: str
    aims: str
    sponsor_name: str
    sponsor_role: str
    leads: tuple[str, ...]
    start_date: date
    planned_end_date: date
    actor: str
    actor_roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ApprovePilot:
    pilot_id: str
    actor: str
    actor_roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class StartPilot:
    pilot_id: str
    actor: str


@dataclass(frozen=True)
class CompletePilot:
    pilot_id: str
    actor: str


@dataclass(frozen=True)
class StopPilot:
    pilot_id: str
    reason: str
    actor: str
    actor_roles: frozenset[str] = field(default_factory=frozenset)


def evolve(state: Pilot | None, event: Event) -> Pilot | None:
    """Apply one event of the pilot stream to the state."""
    if isinstance(event, PilotProposed):
        return _proposed(event)
    if state is None:
        return None
    match event:
        case PilotApproved():
            return replace(state, status=Status.APPROVED, approved_by=event.approved_by)
        case PilotStarted():
            return replace(state, status=Status.ACTIVE, started_on=date.fromisoformat(event.started_on))
        case PilotCompleted():
            return replace(state, status=Status.COMPLETED, ended_on=date.fromisoformat(event.completed_on))
        case PilotStopped():
            ended_on = date.fromisoformat(event.stopped_on)
            return replace(state, status=Status.STOPPED, ended_on=ended_on, stop_reason=event.reason)
        case ErasureCompleted():
            return replace(state, sponsor_erased=True)
    for part in (barriers, milestones, progress, outcomes):
        state = part.evolve(state, event)
    return state


def _proposed(event: PilotProposed) -> Pilot:
    data = event.to_data() | {"leads": tuple(event.leads)}
    data["start_date"] = date.fromisoformat(event.start_date)
    data["planned_end_date"] = date.fromisoformat(event.planned_end_date)
    return Pilot(**data)


def decide_propose_pilot(state: Pilot | None, command: ProposePilot, signatories: Signatories,
                         proposer_is_member: bool, *, subjects: Callable[[str], DataSubject]) -> list[Event]:
    """A pilot lead proposes a pilot for an organisation they belong to that holds a live, verified signature."""
    require_pilot_lead(command.actor_roles)
    if state is not None:
        raise Conflict("a pilot with this id exists", field="pilot_id")
    signatory = signatories.get(command.organisation_id)
    if signatory is None or not signatory.is_live:
        raise UnsignedOrganisation(
            "only an organisation with a live, verified signature of the charter may propose a pilot",
            field="organisation_id",
        )
    leads = tuple(dict.fromkeys(lead for lead in command.leads if lead))
    if not leads:
        raise Invalid("name at least one pilot lead", field="leads")
    if command.planned_end_date < command.start_date:
        raise Invalid("the planned end is before the start", field="planned_end_date")
    if not proposer_is_member:  # after the proposal's own values: those are wrong whoever sends them
        raise NotAMember(f"only a member of {signatory.organisation_name} may propose a pilot for it; claim membership"
                         " with an address at one of its verified domains", field="organisation_id")
    subject = subjects(command.pilot_id)  # the sponsor's, sealed per pilot: a sponsor is named, never identified
    sponsor = {"sponsor_name": command.sponsor_name, "sponsor_role": command.sponsor_role}
    return [
        PilotProposed(
            command.pilot_id,
            signatory.organisation_id,
            signatory.organisation_name,
            signatory.organisation_type,
            command.title,
            command.aims,
            None,
            None,
            leads,
            command.start_date.isoformat(),
            command.planned_end_date.isoformat(),
            command.actor,
            subject.subject_id,
            subject.seal(command.pilot_id, sponsor),
        )
    ]


def decide_approve_pilot(state: Pilot | None, command: ApprovePilot, today: date) -> list[Event]:
    """A steward who neither proposed nor leads the pilot approves it."""
    pilot = require_pilot(state)
    require_steward(command.actor_roles)
    if command.actor in pilot.members():
        raise NotIndependent("a steward who proposed or leads this pilot cannot approve it; another steward must")
    require_status(pilot, (Status.PROPOSED,), "be approved")
    return [PilotApproved(pilot.pilot_id, command.actor, today.isoformat())]


def decide_start_pilot(state: Pilot | None, command: StartPilot, today: date) -> list[Event]:
    """A lead starts an approved pilot."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.APPROVED,), "start")
    return [PilotStarted(pilot.pilot_id, command.actor, today.isoformat())]


def decide_complete_pilot(state: Pilot | None, command: CompletePilot, today: date) -> list[Event]:
    """A lead completes an active pilot; only an approved and started pilot can complete."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.ACTIVE,), "complete")
    return [PilotCompleted(pilot.pilot_id, command.actor, today.isoformat())]


def decide_stop_pilot(state: Pilot | None, command: StopPilot, today: date) -> list[Event]:
    """A lead or a steward stops an unfinished pilot, saying why."""
    pilot = require_pilot(state)
    if command.actor not in pilot.members() and STEWARD not in command.actor_roles:
        raise Forbidden("only the pilot's leads or a steward may stop it")
    require_status(pilot, (Status.PROPOSED, Status.APPROVED, Status.ACTIVE), "stop")
    reason = require_text(command.reason, "reason", MAX_REASON_CHARS, blank="say why the pilot stops")
    return [PilotStopped(pilot.pilot_id, reason, command.actor, today.isoformat())]
