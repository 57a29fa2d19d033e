"""CSV files of pilots, forwarded as they are: imports (`text/csv` bodies) and exports (CSV downloads).

The generic command forwarding takes JSON only, and queries never reach a service; these two kinds
of request are the exceptions, so they get their own small routes. The CSV formats are the pilots
service's (services/pilots/domain/csv_import.py); the document describes them here, at the edge that
takes them.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from shared.http import RequestRefused
from shared.idempotency import header_key
from shared.openapi import ACCOUNT, ANYONE, Blueprint, accepted

from ..edge.forwarding import Forwarder, forwarded
from .apidocs.merge import IDEMPOTENCY_KEY

FILE_RULES = (
    "A `text/csv` file in UTF-8 (a byte-order mark is allowed), within the body limit. Its first line names"
    " the columns, in any order; every later non-blank line is a row with one cell per column. A cell that"
    " starts with `=`, `+`, `-` or `@` may be quoted with a leading apostrophe (the download writes it so,"
    " against spreadsheet formulas), which the upload takes off. The file is taken whole or not at all."
)
MILESTONE_CELLS = {
    "milestone_id": "optional: blank for a new milestone, or the id of a milestone of the pilot to replace",
    "title": "required: the milestone's title",
    "due_date": "required: a date like 2025-03-31, no earlier than the pilot starts",
    "done_date": "optional: a date like 2025-03-28, not in the future; only for an active pilot",
}
METRIC_CELLS = {
    "reported_on": "required: a date like 2025-03-28, within the pilot's dates and not in the future",
    "metric": "required: the metric's name; one reading per metric and day in the file",
    "value": "required: a number like 140 or 2.5",
    "unit": "required: the metric's unit, the same as its earlier readings'",
}
MILESTONES_EXAMPLE = "milestone_id,title,due_date,done_date\r\n,First team publishes its code,2025-03-31,\r\n"
METRICS_EXAMPLE = "reported_on,metric,value,unit\r\n2025-03-28,teams publishing,4,teams\r\n"
UPLOAD_REFUSALS = ("not_found", "forbidden", "illegal_transition", "csv_rejected")


def csv_request(cells: dict[str, str], example: str) -> dict[str, Any]:
    """The request body of a CSV upload whose columns are `cells` (name: what goes in it)."""
    columns = "".join(f"\n- `{name}`: {meaning}" for name, meaning in cells.items())
    return {"required": True, "description": f"{FILE_RULES} The columns:{columns}",
            "content": {"text/csv": {"schema": {"type": "string"}, "example": example}}}


def csv_reply(example: str, description: str) -> dict[str, Any]:
    """The reply of a CSV download."""
    return {"description": description, "content": {"text/csv": {"schema": {"type": "string"}, "example": example}},
            "headers": {"Content-Disposition": {"schema": {"type": "string"},
                                                "description": '`attachment; filename="pilot-<id>-<kind>.csv"`'}}}


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
    @bp.doc(requestBody=csv_request(MILESTONE_CELLS, MILESTONES_EXAMPLE), parameters=[IDEMPOTENCY_KEY])
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
    @bp.doc(requestBody=csv_request(METRIC_CELLS, METRICS_EXAMPLE), parameters=[IDEMPOTENCY_KEY])
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
    @bp.doc(responses={200: csv_reply(MILESTONES_EXAMPLE, "The milestones, as the upload reads them.")})
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def export_milestones(pilot_id):
        """Download milestones as CSV

        The pilot's milestones as a `text/csv` file in the format the milestones upload reads, so a lead can
        edit the file and upload it again. Open to everyone.
        """
        return download(pilot_id, "milestones")

    @bp.get("/<uuid:pilot_id>/metrics.csv")
    @bp.doc(responses={200: csv_reply(METRICS_EXAMPLE, "The readings, as the upload reads them.")})
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def export_metrics(pilot_id):
        """Download progress metrics as CSV

        The pilot's metric readings as a `text/csv` file in the format the metrics upload reads. Open to
        everyone.
        """
        return download(pilot_id, "metrics")

    return bp
