"""HTTP routes of the pilots service: thin, each one body → command → handler → reply."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request

from shared.config import Settings
from shared.eventstore import AppendResult, EventStore
from shared.http import RequestRefused, actor_roles, command_meta, refusal_status, validated
from shared.openapi import documented

from . import handlers, schemas, views
from .domain import barriers, milestones, outcomes, pilots, progress
from .domain.errors import CsvRejected
from .domain.state import Metric

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


def blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """The pilots service's command routes, bound to its event store."""
    bp = Blueprint("pilots", __name__)
    bp.register_error_handler(CsvRejected, csv_rejected)

    def actor() -> str:
        return command_meta().actor

    @bp.post("/pilots")
    @validated(schemas.ProposePilotBody())
    def propose_pilot(body):
        """A pilot lead proposes a pilot for an organisation holding a live, verified signature of the charter."""
        body |= {"organisation_id": views.organisation_id(body["organisation_id"]), "leads": tuple(body["leads"])}
        command = pilots.ProposePilot(pilot_id=str(uuid.uuid4()), actor=actor(), actor_roles=actor_roles(), **body)
        return accepted(handlers.propose_pilot(store, command, command_meta()), pilot_id=command.pilot_id,
                        organisation_id=command.organisation_id)

    @bp.post("/pilots/<uuid:pilot_id>/approval")
    @validated(schemas.EmptyBody())
    def approve_pilot(body, pilot_id):
        """A steward approves a proposed pilot."""
        command = pilots.ApprovePilot(str(pilot_id), actor(), actor_roles())
        return accepted(handlers.approve_pilot(store, command, command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/start")
    @validated(schemas.EmptyBody())
    def start_pilot(body, pilot_id):
        """A lead starts an approved pilot."""
        return accepted(handlers.start_pilot(store, pilots.StartPilot(str(pilot_id), actor()), command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/completion")
    @validated(schemas.EmptyBody())
    def complete_pilot(body, pilot_id):
        """A lead completes an active pilot."""
        return accepted(handlers.complete_pilot(store, pilots.CompletePilot(str(pilot_id), actor()), command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/stop")
    @validated(schemas.StopPilotBody())
    def stop_pilot(body, pilot_id):
        """A lead or a steward stops an unfinished pilot, saying why."""
        command = pilots.StopPilot(str(pilot_id), body["reason"], actor(), actor_roles())
        return accepted(handlers.stop_pilot(store, command, command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/barriers")
    @validated(schemas.TargetBarrierBody())
    def target_barrier(body, pilot_id):
        """Target a barrier of the knowledge base; it starts as encountered."""
        command = barriers.TargetBarrier(str(pilot_id), body["barrier_id"], body["notes"], actor())
        return accepted(handlers.target_barrier(store, command, command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/barriers/<barrier_id>/status")
    @validated(schemas.ChangeBarrierStatusBody())
    def change_barrier_status(body, pilot_id, barrier_id):
        """Move a targeted barrier on: in progress, then removed (with its solution) or not removed."""
        command = barriers.ChangeBarrierStatus(str(pilot_id), barrier_id, actor=actor(), **body)
        return accepted(handlers.change_barrier_status(store, command, command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/milestones")
    @validated(schemas.AddMilestoneBody())
    def add_milestone(body, pilot_id):
        """Plan a milestone, due no earlier than the pilot starts."""
        command = milestones.AddMilestone(str(pilot_id), str(uuid.uuid4()), body["title"], body["due_date"], actor())
        return accepted(handlers.add_milestone(store, command, command_meta()), milestone_id=command.milestone_id)

    @bp.post("/pilots/<uuid:pilot_id>/milestones/<milestone_id>/done")
    @validated(schemas.MarkMilestoneDoneBody())
    def mark_milestone_done(body, pilot_id, milestone_id):
        """Mark a milestone done (today unless a past date is given)."""
        done = body["done_date"] or handlers.today()
        command = milestones.MarkMilestoneDone(str(pilot_id), milestone_id, done, actor())
        return accepted(handlers.mark_milestone_done(store, command, command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/reports")
    @validated(schemas.ReportProgressBody())
    def report_progress(body, pilot_id):
        """File a progress report: text and named metrics with units."""
        metrics = tuple(Metric(**m) for m in body["metrics"])
        command = progress.ReportProgress(str(pilot_id), str(uuid.uuid4()), body["text"], metrics, actor())
        return accepted(handlers.report_progress(store, command, command_meta()), report_id=command.report_id)

    @bp.post("/pilots/<uuid:pilot_id>/outcome")
    @validated(schemas.RecordOutcomeBody())
    def record_outcome(body, pilot_id):
        """Record the outcome of a finished pilot on the OGP completion scale."""
        command = outcomes.RecordOutcome(str(pilot_id), actor=actor(), **body)
        return accepted(handlers.record_outcome(store, command, command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/outcome/verification")
    @validated(schemas.VerifyOutcomeBody())
    def verify_outcome(body, pilot_id):
        """An independent steward verifies the pilot's self-reported outcome."""
        command = outcomes.VerifyOutcome(str(pilot_id), actor(), actor_roles(), body["comment"])
        return accepted(handlers.verify_outcome(store, command, command_meta()))

    @bp.post("/pilots/<uuid:pilot_id>/milestones/import")
    @documented(request_body=CSV_BODY)
    def import_milestones(pilot_id):
        """Upload milestones as CSV: all or nothing, problems listed with their line numbers."""
        command = milestones.ImportMilestones(str(pilot_id), str(uuid.uuid4()), csv_body(), actor())
        return accepted(handlers.import_milestones(store, command, command_meta()), import_id=command.import_id)

    @bp.post("/pilots/<uuid:pilot_id>/metrics/import")
    @documented(request_body=CSV_BODY)
    def import_metrics(pilot_id):
        """Upload progress metrics as CSV: all or nothing, problems listed with their line numbers."""
        command = progress.ImportProgress(str(pilot_id), str(uuid.uuid4()), csv_body(), actor())
        return accepted(handlers.import_progress(store, command, command_meta()), import_id=command.import_id)

    @bp.get("/pilots/<uuid:pilot_id>/milestones.csv")
    def export_milestones(pilot_id):
        """The pilot's milestones as CSV, in the format the upload reads."""
        return csv_file(handlers.export_milestones(store, str(pilot_id)), f"pilot-{pilot_id}-milestones.csv")

    @bp.get("/pilots/<uuid:pilot_id>/metrics.csv")
    def export_metrics(pilot_id):
        """The pilot's metric readings as CSV, in the format the upload reads."""
        return csv_file(handlers.export_metrics(store, str(pilot_id)), f"pilot-{pilot_id}-metrics.csv")

    return bp
