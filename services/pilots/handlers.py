"""Command handlers: load the pilot and the views it needs, let the domain decide, append with the expected version."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.envelope import CommandMeta
from shared.eventstore import AppendResult, EventStore
from shared.subject_keys import KeyTable

from . import views
from .domain import EVENTS, barriers, csv_import, erasures, milestones, outcomes, pilots, progress
from .domain.state import STREAM_TYPE, Pilot, require_pilot


def today() -> date:
    """The date every decision is taken on (UTC)."""
    return datetime.now(UTC).date()


def load(store: EventStore, pilot_id: str) -> tuple[Pilot | None, int]:
    """The pilot rebuilt from its stream, and the stream's version."""
    return store.load(EVENTS, pilots.evolve, pilot_id)


def propose_pilot(store: EventStore, command: pilots.ProposePilot, meta: CommandMeta) -> AppendResult:
    """Propose a pilot for an organisation the views know as a live signatory, and the proposer as its member."""
    signatories, member = views.load_proposer_view(store.pool, command.organisation_id, command.actor)
    pilot, version = load(store, command.pilot_id)
    with store.pool.connection() as conn:  # the sponsor's key and the sealed event commit together
        events = pilots.decide_propose_pilot(pilot, command, signatories, member,
                                             subjects=lambda pilot_id: sponsors(store).subject_for(conn, pilot_id))
        return store.append(STREAM_TYPE, command.pilot_id, version, events, meta, conn=conn)


def erase_sponsor(store: EventStore, command: erasures.EraseSponsor, meta: CommandMeta) -> AppendResult:
    """A steward erases the pilot's sponsor: their key is deleted as the erasure is appended, or neither is."""
    pilot, version = load(store, command.pilot_id)
    with store.pool.connection() as conn:
        sponsors(store).forget(conn, command.pilot_id)
        events = erasures.decide_erase_sponsor(pilot, command, datetime.now(UTC))
        return store.append(STREAM_TYPE, command.pilot_id, version, events, meta, conn=conn)


def sponsors(store: EventStore) -> KeyTable:
    """The pilots' sponsors' data subjects: one per pilot (migration 0003)."""
    return KeyTable(store.schema, "pilot_id")


def approve_pilot(store: EventStore, command: pilots.ApprovePilot, meta: CommandMeta) -> AppendResult:
    """A steward approves a proposed pilot."""
    pilot, version = load(store, command.pilot_id)
    events = pilots.decide_approve_pilot(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def start_pilot(store: EventStore, command: pilots.StartPilot, meta: CommandMeta) -> AppendResult:
    """A lead starts an approved pilot."""
    pilot, version = load(store, command.pilot_id)
    events = pilots.decide_start_pilot(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def complete_pilot(store: EventStore, command: pilots.CompletePilot, meta: CommandMeta) -> AppendResult:
    """A lead completes an active pilot."""
    pilot, version = load(store, command.pilot_id)
    events = pilots.decide_complete_pilot(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def stop_pilot(store: EventStore, command: pilots.StopPilot, meta: CommandMeta) -> AppendResult:
    """A lead or a steward stops an unfinished pilot."""
    pilot, version = load(store, command.pilot_id)
    events = pilots.decide_stop_pilot(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def target_barrier(store: EventStore, command: barriers.TargetBarrier, meta: CommandMeta) -> AppendResult:
    """Target a barrier the knowledge view knows and shows."""
    known = views.load_known_barriers(store.pool, command.barrier_id)
    pilot, version = load(store, command.pilot_id)
    events = barriers.decide_target_barrier(pilot, command, known, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def change_barrier_status(store: EventStore, command: barriers.ChangeBarrierStatus, meta: CommandMeta) -> AppendResult:
    """Move a targeted barrier on; removing it names the solution applied."""
    known = views.load_known_barriers(store.pool, command.barrier_id, command.solution_id)
    pilot, version = load(store, command.pilot_id)
    events = barriers.decide_change_barrier_status(pilot, command, known, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def add_milestone(store: EventStore, command: milestones.AddMilestone, meta: CommandMeta) -> AppendResult:
    """Plan a milestone due no earlier than the pilot starts."""
    pilot, version = load(store, command.pilot_id)
    events = milestones.decide_add_milestone(pilot, command)
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def mark_milestone_done(store: EventStore, command: milestones.MarkMilestoneDone, meta: CommandMeta) -> AppendResult:
    """Mark a milestone of an active pilot done."""
    pilot, version = load(store, command.pilot_id)
    events = milestones.decide_mark_milestone_done(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def import_milestones(store: EventStore, command: milestones.ImportMilestones, meta: CommandMeta) -> AppendResult:
    """Add or replace milestones from CSV, all or nothing."""
    pilot, version = load(store, command.pilot_id)
    events = milestones.decide_import_milestones(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def report_progress(store: EventStore, command: progress.ReportProgress, meta: CommandMeta) -> AppendResult:
    """File a progress report with its metrics, for the day it names or today."""
    pilot, version = load(store, command.pilot_id)
    events = progress.decide_report_progress(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def import_progress(store: EventStore, command: progress.ImportProgress, meta: CommandMeta) -> AppendResult:
    """Take metric readings from CSV, all or nothing."""
    pilot, version = load(store, command.pilot_id)
    events = progress.decide_import_progress(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def record_outcome(store: EventStore, command: outcomes.RecordOutcome, meta: CommandMeta) -> AppendResult:
    """Record the outcome of a finished pilot."""
    pilot, version = load(store, command.pilot_id)
    events = outcomes.decide_record_outcome(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def verify_outcome(store: EventStore, command: outcomes.VerifyOutcome, meta: CommandMeta) -> AppendResult:
    """An independent steward verifies a pilot's outcome."""
    pilot, version = load(store, command.pilot_id)
    events = outcomes.decide_verify_outcome(pilot, command, today())
    return store.append(STREAM_TYPE, command.pilot_id, version, events, meta)


def export_milestones(store: EventStore, pilot_id: str) -> str:
    """The pilot's milestones in the CSV format the import reads."""
    return csv_import.export_milestones(require_pilot(load(store, pilot_id)[0]).milestones)


def export_metrics(store: EventStore, pilot_id: str) -> str:
    """The pilot's metric readings in the CSV format the import reads."""
    return csv_import.export_metrics(require_pilot(load(store, pilot_id)[0]).reports)
