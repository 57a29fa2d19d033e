"""HTTP routes of the pilots service: thin, each one body → command → handler → reply."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import Response, jsonify, request

from shared import subject_keys
from shared.contract.pilot_files import METRICS_DOWNLOAD, METRICS_UPLOAD, MILESTONES_DOWNLOAD, MILESTONES_UPLOAD
from shared.eventstore import AppendResult
from shared.http import RequestRefused, actor, command_meta, refusal_status
from shared.openapi import ACCOUNT, ANYONE, Blueprint, CommandAccepted, accepted
from shared.service import current_store

from . import handlers, schemas
from .domain import erasures, milestones, pilots, progress
from .domain.errors import CsvRejected

bp = Blueprint("pilots", __name__, area="Pilots")
# The refusals every command on an existing pilot can give: no such pilot, not its lead, not at this stage.
ON_A_PILOT = ("not_found", "forbidden", "illegal_transition")
CREATED = "Accepted: the event is in the pilot's log."


def replied(result: AppendResult, **ids: str):
    """The reply to a command: the ids it created and where its events landed."""
    return jsonify(ids | asdict(result)), 201


def csv_body() -> str:
    """The request's `text/csv` body as text, or a 415/422 error naming what is wrong with it."""
    if request.mimetype != "text/csv":
        raise RequestRefused(415, "unsupported_media_type", "send the file as text/csv")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestRefused(422, "validation_failed", "the file is not UTF-8 text", {"csv": [str(exc)]}) from exc


def csv_rejected(exc: CsvRejected):
    """Every problem of a refused CSV file, each with its line number."""
    lines = [f"line {e.line}" + (f", {e.field}" if e.field else "") + f": {e.message}" for e in exc.errors]
    body = {"code": "csv_rejected", "message": exc.message, "errors": {"csv": lines},
            "rows": [asdict(e) for e in exc.errors]}
    return jsonify(body), refusal_status(exc)


def csv_file(text: str, name: str) -> Response:
    """A CSV download."""
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


bp.register_error_handler(CsvRejected, csv_rejected)


@bp.post("/pilots")
@bp.arguments(schemas.ProposePilotBody())
@bp.response(201, accepted("pilot_id", "organisation_id"), description=CREATED)
@bp.refuses("forbidden", "unsigned_organisation", "not_a_member")
@bp.requires("pilot_lead")
def propose_pilot(command: pilots.ProposePilot):
    """Propose a pilot

    Proposes a pilot of the charter for an organisation that holds a live, verified signature of it, and
    that the proposer belongs to (a confirmed membership). Needs the pilot_lead role. `leads` are account
    ids (the proposer's own among them, usually); the sponsor is named, never identified, and can be
    erased later. The pilot starts as `proposed`: a steward approves it. The reply names the new
    `pilot_id` and the organisation's id (its canonical name).
    """
    return replied(handlers.propose_pilot(current_store(), command, command_meta()), pilot_id=command.pilot_id,
                   organisation_id=command.organisation_id)


@bp.post("/pilots/<uuid:pilot_id>/sponsor/erasure")
@bp.arguments(schemas.EraseSponsorBody())
@bp.response(201, accepted("erasure_id"), description="The sponsor's name and role are erased.")
@bp.refuses("not_found", "forbidden", "conflict")
@bp.requires("steward")
def erase_sponsor(command: erasures.EraseSponsor, pilot_id):
    """Erase a pilot's sponsor

    Erases the name and role of the pilot's sponsor on their request, under a UK GDPR Article 17(1) ground
    (`rule`): their key is deleted, so every copy of them reads as erased. Needs the steward role. Refused
    with `conflict` once the sponsor is erased.
    """
    return replied(handlers.erase_sponsor(current_store(), command, command_meta()), erasure_id=command.erasure_id)


def lend_key(subject_id: str) -> bytes | None:
    """A sponsor's key, for the gateway's projector (GET /internal/subjects/<id>/key)."""
    store = current_store()
    with store.pool.connection() as conn:
        return handlers.sponsors(store).key(conn, subject_id)


@bp.post("/pilots/<uuid:pilot_id>/approval")
@bp.arguments(schemas.EmptyBody(pilots.ApprovePilot))
@bp.response(201, CommandAccepted, description="The pilot is approved.")
@bp.refuses(*ON_A_PILOT, "not_independent")
@bp.requires("steward")
def approve_pilot(command, pilot_id):
    """Approve a proposed pilot

    Moves a `proposed` pilot to `approved`. Needs the steward role, from a steward who neither proposed
    nor leads the pilot (`not_independent` otherwise). Send an empty object.
    """
    return replied(handlers.approve_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/start")
@bp.arguments(schemas.EmptyBody(pilots.StartPilot))
@bp.response(201, CommandAccepted, description="The pilot is active.")
@bp.refuses(*ON_A_PILOT)
@bp.requires(ACCOUNT)
def start_pilot(command, pilot_id):
    """Start an approved pilot

    Moves an `approved` pilot to `active`. Needs an account that is one of the pilot's leads or its
    proposer (`forbidden` otherwise). Send an empty object.
    """
    return replied(handlers.start_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/completion")
@bp.arguments(schemas.EmptyBody(pilots.CompletePilot))
@bp.response(201, CommandAccepted, description="The pilot is completed.")
@bp.refuses(*ON_A_PILOT)
@bp.requires(ACCOUNT)
def complete_pilot(command, pilot_id):
    """Complete an active pilot

    Moves an `active` pilot to `completed`; its leads then record the outcome. Needs an account that is
    one of the pilot's leads or its proposer. Send an empty object.
    """
    return replied(handlers.complete_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/stop")
@bp.arguments(schemas.StopPilotBody())
@bp.response(201, CommandAccepted, description="The pilot is stopped.")
@bp.refuses(*ON_A_PILOT)
@bp.requires(ACCOUNT)
def stop_pilot(command, pilot_id):
    """Stop a pilot

    Stops a pilot that is `proposed`, `approved` or `active`, saying why (`reason`). Needs an account that
    is one of the pilot's leads or its proposer, or the steward role.
    """
    return replied(handlers.stop_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/barriers")
@bp.arguments(schemas.TargetBarrierBody())
@bp.response(201, CommandAccepted, description="The barrier is targeted, as `encountered`.")
@bp.refuses(*ON_A_PILOT, "unknown_barrier", "conflict")
@bp.requires(ACCOUNT)
def target_barrier(command, pilot_id):
    """Target a barrier

    Names a barrier of the knowledge base (`barrier_id`) the pilot works to remove; it starts as
    `encountered`. The pilot must not be finished; a barrier is targeted once (`conflict`), and must be
    known and shown in the knowledge base (`unknown_barrier`). Needs an account that is one of the pilot's
    leads or its proposer.
    """
    return replied(handlers.target_barrier(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/barriers/<barrier_id>/status")
@bp.arguments(schemas.ChangeBarrierStatusBody())
@bp.response(201, CommandAccepted, description="The barrier has its new status.")
@bp.refuses(*ON_A_PILOT)
@bp.requires(ACCOUNT)
def change_barrier_status(command, pilot_id, barrier_id):
    """Change a targeted barrier's status

    Moves a barrier of an active pilot one step: `encountered` → `in_progress` → `removed` or
    `not_removed`. `removed` names the solution that removed it (`solution_id`, and `solution_title` for
    a solution the knowledge base has only just published). Needs an account that is one of the pilot's
    leads or its proposer.
    """
    return replied(handlers.change_barrier_status(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/milestones")
@bp.arguments(schemas.AddMilestoneBody())
@bp.response(201, accepted("milestone_id"), description="The milestone is planned.")
@bp.refuses(*ON_A_PILOT, "milestone_before_start")
@bp.requires(ACCOUNT)
def add_milestone(command: milestones.AddMilestone, pilot_id):
    """Plan a milestone

    Adds a milestone to a pilot that is not finished, due on `due_date`, no earlier than the pilot starts
    (`milestone_before_start`). Needs an account that is one of the pilot's leads or its proposer. The
    reply names the new `milestone_id`.
    """
    return replied(handlers.add_milestone(current_store(), command, command_meta()), milestone_id=command.milestone_id)


@bp.post("/pilots/<uuid:pilot_id>/milestones/<milestone_id>/done")
@bp.arguments(schemas.MarkMilestoneDoneBody())
@bp.response(201, CommandAccepted, description="The milestone is done.")
@bp.refuses(*ON_A_PILOT, "conflict")
@bp.requires(ACCOUNT)
def mark_milestone_done(command, pilot_id, milestone_id):
    """Mark a milestone done

    Marks a milestone of an active pilot done on `done_date` (today, UTC, when absent; never in the
    future). A milestone is done once (`conflict`). Needs an account that is one of the pilot's leads or
    its proposer.
    """
    return replied(handlers.mark_milestone_done(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/reports")
@bp.arguments(schemas.ReportProgressBody())
@bp.response(201, accepted("report_id"), description="The report is filed.")
@bp.refuses(*ON_A_PILOT, "conflict", "outside_pilot_dates", "unit_changed")
@bp.requires(ACCOUNT)
def report_progress(command: progress.ReportProgress, pilot_id):
    """File a progress report

    Files a report on an active pilot for `reported_on` (today when absent): text, named metrics with
    units, or both. One report per day and one reading per metric and day (`conflict`); the day lies
    within the pilot's dates (`outside_pilot_dates`); a metric keeps the unit of its first reading
    (`unit_changed`). Needs an account that is one of the pilot's leads or its proposer. The reply names
    the new `report_id`.
    """
    return replied(handlers.report_progress(current_store(), command, command_meta()), report_id=command.report_id)


@bp.post("/pilots/<uuid:pilot_id>/outcome")
@bp.arguments(schemas.RecordOutcomeBody())
@bp.response(201, CommandAccepted, description="The outcome is recorded, as self-reported.")
@bp.refuses(*ON_A_PILOT)
@bp.requires(ACCOUNT)
def record_outcome(command, pilot_id):
    """Record a pilot's outcome

    Records, or revises, the outcome of a `completed` or `stopped` pilot: what worked, what did not, the
    lessons, and where it got to on the OGP completion scale. It is self-reported until a steward verifies
    it; a revision needs verifying afresh. Needs an account that is one of the pilot's leads or its proposer.
    """
    return replied(handlers.record_outcome(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/outcome/verification")
@bp.arguments(schemas.VerifyOutcomeBody())
@bp.response(201, CommandAccepted, description="The outcome is verified.")
@bp.refuses("not_found", "forbidden", "illegal_transition", "not_independent", "conflict")
@bp.requires("steward")
def verify_outcome(command, pilot_id):
    """Verify a pilot's outcome

    Verifies the recorded outcome (`illegal_transition` when there is none), with an optional comment.
    Needs the steward role, from a steward independent of the pilot: not one of its leads, its proposer,
    the outcome's recorder, nor the steward who approved it (`not_independent`). An outcome is verified
    once (`conflict`).
    """
    return replied(handlers.verify_outcome(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/milestones/import")
@bp.doc(requestBody=MILESTONES_UPLOAD)
@bp.response(201, accepted("import_id"), description="Every row is taken.")
@bp.refuses(*ON_A_PILOT, "csv_rejected")
@bp.requires(ACCOUNT)
def import_milestones(pilot_id):
    """Upload milestones as CSV

    Adds and replaces a pilot's milestones from a `text/csv` file (UTF-8), all or nothing: a file with any
    problem is refused with `csv_rejected`, whose `rows` list each problem's line, column and message. A
    row with a blank `milestone_id` adds a milestone; one naming a milestone replaces it; milestones the
    file does not name stay. The pilot must not be finished. Needs an account that is one of the pilot's
    leads or its proposer.
    """
    command = milestones.ImportMilestones(str(pilot_id), str(uuid.uuid4()), csv_body(), actor())
    return replied(handlers.import_milestones(current_store(), command, command_meta()), import_id=command.import_id)


@bp.post("/pilots/<uuid:pilot_id>/metrics/import")
@bp.doc(requestBody=METRICS_UPLOAD)
@bp.response(201, accepted("import_id"), description="Every row is taken.")
@bp.refuses(*ON_A_PILOT, "csv_rejected")
@bp.requires(ACCOUNT)
def import_metrics(pilot_id):
    """Upload progress metrics as CSV

    Takes metric readings of an active pilot from a `text/csv` file (UTF-8), all or nothing: a file with
    any problem is refused with `csv_rejected`, whose `rows` list each problem's line, column and message.
    A reading for a metric and day already held replaces it. Needs an account that is one of the pilot's
    leads or its proposer.
    """
    command = progress.ImportProgress(str(pilot_id), str(uuid.uuid4()), csv_body(), actor())
    return replied(handlers.import_progress(current_store(), command, command_meta()), import_id=command.import_id)


@bp.get("/pilots/<uuid:pilot_id>/milestones.csv")
@bp.doc(responses={200: MILESTONES_DOWNLOAD})
@bp.refuses("not_found")
@bp.requires(ANYONE)
def export_milestones(pilot_id):
    """Download milestones as CSV

    The pilot's milestones as a `text/csv` file in the format the milestones upload reads, so a lead can
    edit and upload it again. Open to everyone.
    """
    return csv_file(handlers.export_milestones(current_store(), str(pilot_id)), f"pilot-{pilot_id}-milestones.csv")


@bp.get("/pilots/<uuid:pilot_id>/metrics.csv")
@bp.doc(responses={200: METRICS_DOWNLOAD})
@bp.refuses("not_found")
@bp.requires(ANYONE)
def export_metrics(pilot_id):
    """Download progress metrics as CSV

    The pilot's metric readings as a `text/csv` file in the format the metrics upload reads. Open to
    everyone.
    """
    return csv_file(handlers.export_metrics(current_store(), str(pilot_id)), f"pilot-{pilot_id}-metrics.csv")


BLUEPRINTS = (bp, subject_keys.blueprint(lend_key))
