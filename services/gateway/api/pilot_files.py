"""CSV files of pilots, forwarded as they are: imports (`text/csv` bodies) and exports (CSV downloads).

The generic command forwarding takes JSON only, and queries never reach a service; these two kinds
of request are the exceptions, so they get their own small routes. The CSV formats are the pilots
service's (services/pilots/domain/csv_import.py), published in shared/contract/pilot_files.py.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from shared.contract.pilot_files import METRICS_DOWNLOAD, METRICS_UPLOAD, MILESTONES_DOWNLOAD, MILESTONES_UPLOAD
from shared.http import RequestRefused
from shared.idempotency import header_key
from shared.openapi import ACCOUNT, ANYONE, Blueprint, accepted

from ..edge.forwarding import Forwarder, forwarded
from .apidocs.merge import IDEMPOTENCY_KEY

UPLOAD_REFUSALS = ("not_found", "forbidden", "illegal_transition", "csv_rejected")


def blueprint(forwarder: Forwarder) -> Blueprint:
    """`POST /api/v1/pilots/<id>/<kind>/import` and `GET /api/v1/pilots/<id>/<kind>.csv`, for milestones and metrics."""
    bp = Blueprint("pilot_files", __name__, url_prefix="/api/v1/pilots", area="Pilots")

    def upload(pilot_id: Any, kind: str):
        if request.mimetype != "text/csv":
            raise RequestRefused(415, "unsupported_media_type", "send the file as text/csv")
        return forwarded(forwarder.command("pilots", "POST", f"/pilots/{pilot_id}/{kind}/import", request.get_data(),
                                           "text/csv; charset=utf-8", header_key()))

    def download(pilot_id: Any, kind: str):
        reply = forwarder.services.fetch("pilots", f"/pilots/{pilot_id}/{kind}.csv", forwarder.headers())
        if reply.status != 200:
            return jsonify(reply.json()), reply.status
        return Response(reply.data, mimetype="text/csv",
                        headers={"Content-Disposition": reply.headers.get("Content-Disposition", "attachment")})

    @bp.post("/<uuid:pilot_id>/milestones/import")
    @bp.doc(requestBody=MILESTONES_UPLOAD, parameters=[IDEMPOTENCY_KEY])
    @bp.response(201, accepted("import_id"), description="Every row is taken.")
    @bp.refuses(*UPLOAD_REFUSALS)
    @bp.requires(ACCOUNT)
    def import_milestones(pilot_id):
        """Upload milestones as CSV

        Adds and replaces a pilot's milestones from a `text/csv` file, all or nothing: a file with any problem
        is refused with `csv_rejected`, whose `rows` list each problem's line, column and message. A row with
        a blank `milestone_id` adds a milestone; one naming a milestone replaces it; milestones the file does
        not name stay. The pilot must not be finished (`illegal_transition`). Needs an account that is one of
        the pilot's leads or its proposer.
        """
        return upload(pilot_id, "milestones")

    @bp.post("/<uuid:pilot_id>/metrics/import")
    @bp.doc(requestBody=METRICS_UPLOAD, parameters=[IDEMPOTENCY_KEY])
    @bp.response(201, accepted("import_id"), description="Every row is taken.")
    @bp.refuses(*UPLOAD_REFUSALS)
    @bp.requires(ACCOUNT)
    def import_metrics(pilot_id):
        """Upload progress metrics as CSV

        Takes metric readings of an active pilot (`illegal_transition` otherwise) from a `text/csv` file, all
        or nothing: a file with any problem is refused with `csv_rejected`, whose `rows` list each problem's
        line, column and message. A reading for a metric and day already held replaces it. Needs an account
        that is one of the pilot's leads or its proposer.
        """
        return upload(pilot_id, "metrics")

    @bp.get("/<uuid:pilot_id>/milestones.csv")
    @bp.doc(responses={200: MILESTONES_DOWNLOAD})
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def export_milestones(pilot_id):
        """Download milestones as CSV

        The pilot's milestones as a `text/csv` file in the format the milestones upload reads, so a lead can
        edit the file and upload it again. Open to everyone.
        """
        return download(pilot_id, "milestones")

    @bp.get("/<uuid:pilot_id>/metrics.csv")
    @bp.doc(responses={200: METRICS_DOWNLOAD})
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def export_metrics(pilot_id):
        """Download progress metrics as CSV

        The pilot's metric readings as a `text/csv` file in the format the metrics upload reads. Open to
        everyone.
        """
        return download(pilot_id, "metrics")

    return bp
