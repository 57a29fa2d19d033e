"""HTTP routes of the pilots service: thin, each one body → command → handler → reply."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import Response, jsonify, request

from shared import subject_keys
from shared.eventstore import AppendResult
from shared.http import RequestRefused, actor, command_meta, refusal_status
from shared.openapi import Blueprint
from shared.service import current_store

from . import handlers, schemas
from .domain import erasures, milestones, pilots, progress
from .domain.errors import CsvRejected

bp = Blueprint("pilots", __name__, area="Pilots")
CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}


def accepted(result: AppendResult, **ids: str):
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
def propose_pilot(command: pilots.ProposePilot):
    """A pilot lead proposes a pilot for an organisation holding a live, verified signature of the charter."""
    return accepted(handlers.propose_pilot(current_store(), command, command_meta()), pilot_id=command.pilot_id,
                    organisation_id=command.organisation_id)


@bp.post("/pilots/<uuid:pilot_id>/sponsor/erasure")
@bp.arguments(schemas.EraseSponsorBody())
def erase_sponsor(command: erasures.EraseSponsor, pilot_id):
    """A steward erases the pilot's sponsor's name and role on request, under a UK GDPR rule."""
    return accepted(handlers.erase_sponsor(current_store(), command, command_meta()), erasure_id=command.erasure_id)


def lend_key(subject_id: str) -> bytes | None:
    """A sponsor's key, for the gateway's projector (GET /internal/subjects/<id>/key)."""
    store = current_store()
    with store.pool.connection() as conn:
        return handlers.sponsors(store).key(conn, subject_id)


@bp.post("/pilots/<uuid:pilot_id>/approval")
@bp.arguments(schemas.EmptyBody(pilots.ApprovePilot))
def approve_pilot(command, pilot_id):
    """A steward approves a proposed pilot."""
    return accepted(handlers.approve_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/start")
@bp.arguments(schemas.EmptyBody(pilots.StartPilot))
def start_pilot(command, pilot_id):
    """A lead starts an approved pilot."""
    return accepted(handlers.start_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/completion")
@bp.arguments(schemas.EmptyBody(pilots.CompletePilot))
def complete_pilot(command, pilot_id):
    """A lead completes an active pilot."""
    return accepted(handlers.complete_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/stop")
@bp.arguments(schemas.StopPilotBody())
def stop_pilot(command, pilot_id):
    """A lead or a steward stops an unfinished pilot, saying why."""
    return accepted(handlers.stop_pilot(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/barriers")
@bp.arguments(schemas.TargetBarrierBody())
def target_barrier(command, pilot_id):
    """Target a barrier of the knowledge base; it starts as encountered."""
    return accepted(handlers.target_barrier(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/barriers/<barrier_id>/status")
@bp.arguments(schemas.ChangeBarrierStatusBody())
def change_barrier_status(command, pilot_id, barrier_id):
    """Move a targeted barrier on: in progress, then removed (with its solution) or not removed."""
    return accepted(handlers.change_barrier_status(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/milestones")
@bp.arguments(schemas.AddMilestoneBody())
def add_milestone(command: milestones.AddMilestone, pilot_id):
    """Plan a milestone, due no earlier than the pilot starts."""
    return accepted(handlers.add_milestone(current_store(), command, command_meta()), milestone_id=command.milestone_id)


@bp.post("/pilots/<uuid:pilot_id>/milestones/<milestone_id>/done")
@bp.arguments(schemas.MarkMilestoneDoneBody())
def mark_milestone_done(command, pilot_id, milestone_id):
    """Mark a milestone done (today unless a past date is given)."""
    return accepted(handlers.mark_milestone_done(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/reports")
@bp.arguments(schemas.ReportProgressBody())
def report_progress(command: progress.ReportProgress, pilot_id):
    """File a progress report: text and named metrics with units."""
    return accepted(handlers.report_progress(current_store(), command, command_meta()), report_id=command.report_id)


@bp.post("/pilots/<uuid:pilot_id>/outcome")
@bp.arguments(schemas.RecordOutcomeBody())
def record_outcome(command, pilot_id):
    """Record the outcome of a finished pilot on the OGP completion scale."""
    return accepted(handlers.record_outcome(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/outcome/verification")
@bp.arguments(schemas.VerifyOutcomeBody())
def verify_outcome(command, pilot_id):
    """An independent steward verifies the pilot's self-reported outcome."""
    return accepted(handlers.verify_outcome(current_store(), command, command_meta()))


@bp.post("/pilots/<uuid:pilot_id>/milestones/import")
@bp.doc(requestBody=CSV_BODY)
def import_milestones(pilot_id):
    """Upload milestones as CSV: all or nothing, problems listed with their line numbers."""
    command = milestones.ImportMilestones(str(pilot_id), str(uuid.uuid4()), csv_body(), actor())
    return accepted(handlers.import_milestones(current_store(), command, command_meta()), import_id=command.import_id)


@bp.post("/pilots/<uuid:pilot_id>/metrics/import")
@bp.doc(requestBody=CSV_BODY)
def import_metrics(pilot_id):
    """Upload progress metrics as CSV: all or nothing, problems listed with their line numbers."""
    command = progress.ImportProgress(str(pilot_id), str(uuid.uuid4()), csv_body(), actor())
    return accepted(handlers.import_progress(current_store(), command, command_meta()), import_id=command.import_id)


@bp.get("/pilots/<uuid:pilot_id>/milestones.csv")
def export_milestones(pilot_id):
    """The pilot's milestones as CSV, in the format the upload reads."""
    return csv_file(handlers.export_milestones(current_store(), str(pilot_id)), f"pilot-{pilot_id}-milestones.csv")


@bp.get("/pilots/<uuid:pilot_id>/metrics.csv")
def export_metrics(pilot_id):
    """The pilot's metric readings as CSV, in the format the upload reads."""
    return csv_file(handlers.export_metrics(current_store(), str(pilot_id)), f"pilot-{pilot_id}-metrics.csv")


BLUEPRINTS = (bp, subject_keys.blueprint(lend_key))
