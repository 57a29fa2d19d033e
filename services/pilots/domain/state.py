"""The pilot aggregate's state, shared by the modules that decide on each part of a pilot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contract.vocabulary import COMPLETION_SCALE, PILOT_LEAD, STEWARD, BarrierStatus, PilotStatus
from shared.errors import Forbidden, NotFound

from .errors import IllegalTransition
from .signatories import Signatories

STREAM_TYPE = "pilot"


Status = PilotStatus  # the domain's short name for the published lifecycle
__all__ = ["COMPLETION_SCALE", "PILOT_LEAD", "STEWARD", "BarrierStatus", "Status"]


@dataclass(frozen=True)
class BarrierWork:
    """A knowledge-base barrier as this pilot works on it."""

    barrier_id: str
    barrier_title: str
    status: str = BarrierStatus.ENCOUNTERED
    notes: tuple[str, ...] = ()
    solution_id: str | None = None
    solution_title: str | None = None


@dataclass(frozen=True)
class Milestone:
    milestone_id: str
    title: str
    due_date: date
    done_date: date | None = None

    def is_overdue(self, today: date) -> bool:
        """True when the due date has passed and the milestone is not done."""
        return self.done_date is None and self.due_date < today

    def status(self, today: date) -> str:
        """One of "done", "overdue" or "open", as of `today`."""
        if self.done_date is not None:
            return "done"
        return "overdue" if self.is_overdue(today) else "open"


@dataclass(frozen=True)
class Metric:
    name: str
    value: int | float
    unit: str


@dataclass(frozen=True)
class ProgressReport:
    report_id: str
    reported_on: date
    text: str
    metrics: tuple[Metric, ...]
    reported_by: str
    imported: bool = False  # the readings of one day from a CSV import, not a report a lead filed


@dataclass(frozen=True)
class Outcome:
    what_worked: str
    what_did_not: str
    lessons: str
    completion: str
    recorded_by: str
    recorded_on: date
    verified_by: str | None = None
    verified_on: date | None = None

    @property
    def assessment(self) -> str:
        """Either "verified", once an independent steward checked it, or "self-reported"."""
        return "verified" if self.verified_by else "self-reported"


@dataclass(frozen=True)
class Pilot:
    pilot_id: str
    organisation_id: str
    organisation_name: str
    organisation_type: str
    title: str
    aims: str
    sponsor_name: str | None  # None when sealed (PilotProposed v2)
    sponsor_role: str | None
    leads: tuple[str, ...]
    start_date: date
    planned_end_date: date
    proposed_by: str
    status: str = Status.PROPOSED
    approved_by: str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    stop_reason: str | None = None
    barriers: tuple[BarrierWork, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    reports: tuple[ProgressReport, ...] = ()
    outcome: Outcome | None = None
    subject_id: str | None = None  # the sponsor's data subject, and their sealed name and role
    sealed: str | None = None
    sponsor_erased: bool = False

    @property
    def starts_on(self) -> date:
        """The planned start, or the actual one if that came earlier."""
        # A late start must not turn milestones planned for the early weeks into refusals.
        return min(self.start_date, self.started_on or self.start_date)

    def metric_units(self) -> dict[str, str]:
        """Each metric's unit, as its first reading gave it."""
        units: dict[str, str] = {}
        for report in self.reports:
            for metric in report.metrics:
                units.setdefault(metric.name, metric.unit)
        return units

    def members(self) -> frozenset[str]:
        """Users who are part of the pilot: its proposer and leads."""
        return frozenset(self.leads) | {self.proposed_by}

    def barrier(self, barrier_id: str) -> BarrierWork | None:
        """This pilot's work on a barrier, or None if it does not target it."""
        return next((b for b in self.barriers if b.barrier_id == barrier_id), None)

    def milestone(self, milestone_id: str) -> Milestone | None:
        """The milestone with this id, or None."""
        return next((m for m in self.milestones if m.milestone_id == milestone_id), None)

    def overdue_milestones(self, today: date) -> tuple[Milestone, ...]:
        """Milestones past their due date and not done, as of `today`."""
        return tuple(m for m in self.milestones if m.is_overdue(today))


@dataclass(frozen=True)
class PilotWarning:
    code: str
    message: str


def warnings(pilot: Pilot, signatories: Signatories, today: date) -> tuple[PilotWarning, ...]:
    """What a pilot page should flag: a signature withdrawn since proposal, overdue milestones."""
    found = []
    if not signatories.is_live(pilot.organisation_id):
        found.append(
            PilotWarning(
                "signature_withdrawn",
                f"{pilot.organisation_name} no longer holds a live signature of the charter",
            )
        )
    overdue = pilot.overdue_milestones(today)
    if overdue:
        found.append(PilotWarning("milestones_overdue", f"{len(overdue)} milestone(s) overdue"))
    return tuple(found)


def outside_dates(day: date, today: date, starts_on: date, ended_on: date | None) -> str | None:
    """Why a reading dated `day` falls outside its pilot's dates (in the future too), or None when it is within."""
    if day > today:
        return f"{day} is in the future"
    if day < starts_on:
        return f"{day} is before the pilot started on {starts_on}"
    if ended_on is not None and day > ended_on:
        return f"{day} is after the pilot ended on {ended_on}"
    return None


def require_pilot(state: Pilot | None) -> Pilot:
    """The pilot, or NotFound naming the `pilot_id` field."""
    if state is None:
        raise NotFound("no pilot with this id", field="pilot_id")
    return state


def require_status(pilot: Pilot, allowed: tuple[str, ...], action: str) -> None:
    """Refuse `action` unless the pilot is in one of the `allowed` statuses."""
    if pilot.status not in allowed:
        raise IllegalTransition(f"a pilot that is {pilot.status} cannot {action}", field="status")


def require_member(pilot: Pilot, actor: str) -> None:
    """Only the pilot's proposer and leads report on it."""
    if actor not in pilot.members():
        raise Forbidden("only the pilot's leads may do this")


def require_pilot_lead(roles: frozenset[str]) -> None:
    """Only people an admin made pilot leads propose pilots."""
    if PILOT_LEAD not in roles:
        raise Forbidden("only a pilot lead may propose a pilot; an admin grants the role")


def require_steward(roles: frozenset[str]) -> None:
    """Only stewards oversee pilots."""
    if STEWARD not in roles:
        raise Forbidden("only a steward may do this")
