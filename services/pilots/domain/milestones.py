"""A pilot's milestones: added one by one or imported as CSV, done on a date, overdue when late."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from shared.errors import Conflict, Invalid, NotFound, require_text
from shared.events import Event

from .csv_import import parse_milestones
from .errors import MilestoneBeforeStart
from .state import Milestone, Pilot, Status, require_member, require_pilot, require_status

STREAM_TYPE = "pilot"
MAX_TITLE_CHARS = 200

PLANNING = (Status.PROPOSED, Status.APPROVED, Status.ACTIVE)


@dataclass(frozen=True)
class MilestoneAdded(Event):
    pilot_id: str
    milestone_id: str
    title: str
    due_date: str
    added_by: str


@dataclass(frozen=True)
class MilestoneDone(Event):
    pilot_id: str
    milestone_id: str
    done_date: str
    marked_by: str


@dataclass(frozen=True)
class MilestonesImported(Event):
    """Each milestone is a dict of milestone_id, title, due_date and done_date (None if not done)."""

    pilot_id: str
    import_id: str
    milestones: tuple[dict, ...]
    imported_by: str


@dataclass(frozen=True)
class AddMilestone:
    pilot_id: str
    milestone_id: str
    title: str
    due_date: date
    actor: str


@dataclass(frozen=True)
class MarkMilestoneDone:
    pilot_id: str
    milestone_id: str
    done_date: date
    actor: str


@dataclass(frozen=True)
class ImportMilestones:
    pilot_id: str
    import_id: str
    csv_text: str
    actor: str


def evolve(pilot: Pilot, event: Event) -> Pilot:
    """Apply one milestone event to the pilot; other events leave it unchanged."""
    match event:
        case MilestoneAdded():
            added = Milestone(event.milestone_id, event.title, date.fromisoformat(event.due_date))
            return replace(pilot, milestones=pilot.milestones + (added,))
        case MilestoneDone():
            milestone = pilot.milestone(event.milestone_id)
            if milestone is None:
                raise ValueError(f"milestone {event.milestone_id} is done but was never added")
            return _upsert(pilot, replace(milestone, done_date=date.fromisoformat(event.done_date)))
        case MilestonesImported():
            for row in event.milestones:
                pilot = _upsert(pilot, _from_row(row))
            return pilot
    return pilot


def _from_row(row: dict) -> Milestone:
    done = row["done_date"]
    return Milestone(
        row["milestone_id"], row["title"], date.fromisoformat(row["due_date"]), done and date.fromisoformat(done)
    )


def _upsert(pilot: Pilot, milestone: Milestone) -> Pilot:
    if pilot.milestone(milestone.milestone_id) is None:
        return replace(pilot, milestones=pilot.milestones + (milestone,))
    milestones = tuple(milestone if m.milestone_id == milestone.milestone_id else m for m in pilot.milestones)
    return replace(pilot, milestones=milestones)


def decide_add_milestone(state: Pilot | None, command: AddMilestone) -> list[Event]:
    """Plan a milestone, due no earlier than the pilot starts."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, PLANNING, "plan milestones")
    if pilot.milestone(command.milestone_id) is not None:
        raise Conflict("a milestone with this id exists", field="milestone_id")
    title = require_text(command.title, "title", MAX_TITLE_CHARS, blank="a milestone needs a title")
    if command.due_date < pilot.starts_on:
        raise MilestoneBeforeStart(
            f"due {command.due_date}, before the pilot starts on {pilot.starts_on}", field="due_date"
        )
    due = command.due_date.isoformat()
    return [MilestoneAdded(pilot.pilot_id, command.milestone_id, title, due, command.actor)]


def decide_mark_milestone_done(state: Pilot | None, command: MarkMilestoneDone, today: date) -> list[Event]:
    """Mark a milestone of an active pilot done, on a day that is not in the future."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.ACTIVE,), "complete milestones")
    milestone = pilot.milestone(command.milestone_id)
    if milestone is None:
        raise NotFound("no milestone with this id in the pilot", field="milestone_id")
    if milestone.done_date is not None:
        raise Conflict(f"the milestone was done on {milestone.done_date}", field="milestone_id")
    if command.done_date > today:
        raise Invalid(f"{command.done_date} is in the future", field="done_date")
    done = command.done_date.isoformat()
    return [MilestoneDone(pilot.pilot_id, milestone.milestone_id, done, command.actor)]


def decide_import_milestones(state: Pilot | None, command: ImportMilestones, today: date) -> list[Event]:
    """Add or replace milestones from CSV; rows with a blank id are new, other milestones stay as they are."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, PLANNING, "plan milestones")
    rows = parse_milestones(command.csv_text, pilot.starts_on, today, done_allowed=pilot.status == Status.ACTIVE)
    milestones = tuple(
        {
            "milestone_id": row.milestone_id or f"{command.import_id}-{row.line}",
            "title": row.title,
            "due_date": row.due_date.isoformat(),
            "done_date": row.done_date and row.done_date.isoformat(),
        }
        for row in rows
    )
    return [MilestonesImported(pilot.pilot_id, command.import_id, milestones, command.actor)]
