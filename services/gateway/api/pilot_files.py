"""CSV files of pilots, forwarded as they are: imports (`text/csv` bodies) and exports (CSV downloads).

The generic command forwarding takes JSON only, and queries never reach a service; these two kinds
of request are the exceptions, so they get their own small routes.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from shared.http import RequestRefused
from shared.idempotency import header_key
from shared.openapi_legacy import documented

from ..edge.forwarding import Forwarder, forwarded

CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}


def blueprint(forwarder: Forwarder) -> Blueprint:
    """`POST /api/v1/pilots/<id>/<kind>/import` and `GET /api/v1/pilots/<id>/<kind>.csv`."""
    bp = Blueprint("pilot_files", __name__, url_prefix="/api/v1/pilots")

    @bp.post("/<uuid:pilot_id>/<any(milestones, metrics):kind>/import")
    @documented(request_body=CSV_BODY, tag="pilots")
    def import_csv(pilot_id, kind):
        """Upload a pilot's milestones or metrics as CSV: all or nothing, problems listed by line number."""
        if request.mimetype != "text/csv":
            raise RequestRefused(415, "unsupported_media_type", "send the file as text/csv")
        return forwarded(forwarder.command("pilots", "POST", f"/pilots/{pilot_id}/{kind}/import", request.get_data(),
                                           "text/csv; charset=utf-8", header_key()))

    @bp.get("/<uuid:pilot_id>/<any(milestones, metrics):kind>.csv")
    @documented(response=None, description="a text/csv file", tag="pilots")
    def export_csv(pilot_id, kind):
        """Download a pilot's milestones or metrics as CSV, in the format the upload reads."""
        reply = forwarder.services.fetch("pilots", f"/pilots/{pilot_id}/{kind}.csv", forwarder.headers())
        if reply.status != 200:
            return jsonify(reply.json()), reply.status
        return Response(reply.data, mimetype="text/csv",
                        headers={"Content-Disposition": reply.headers.get("Content-Disposition", "attachment")})

    return bp
