"""CSV files of pilots, forwarded as they are: imports (`text/csv` bodies) and exports (CSV downloads).

The generic command forwarding takes JSON only, and queries never reach a service; these two kinds
of request are the exceptions, so they get their own small routes.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from shared.http import RequestRefused
from shared.openapi import documented

from ..auth import current_actor, current_roles
from ..consistency import token_for
from ..services import Services

CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}


def blueprint(services: Services) -> Blueprint:
    """`POST /api/v1/pilots/<id>/<kind>/import` and `GET /api/v1/pilots/<id>/<kind>.csv`."""
    bp = Blueprint("pilot_files", __name__, url_prefix="/api/v1/pilots")

    def forward(method: str, path: str, body: bytes | None, content_type: str | None):
        headers = {"X-Actor": current_actor(), "X-Actor-Roles": current_roles(), "X-Request-Id": g.request_id,
                   "X-Correlation-Id": g.correlation_id, "X-Internal-Token": services.settings.internal_token}
        if content_type:
            headers["Content-Type"] = content_type
        return services.http.request(method, services.settings.service_url("pilots") + path, body=body,
                                     headers=headers)

    @bp.post("/<uuid:pilot_id>/<any(milestones, metrics):kind>/import")
    @documented(request_body=CSV_BODY, tag="pilots")
    def import_csv(pilot_id, kind):
        """Upload a pilot's milestones or metrics as CSV: all or nothing, problems listed by line number."""
        if request.mimetype != "text/csv":
            raise RequestRefused(415, "unsupported_media_type", "send the file as text/csv")
        reply = forward("POST", f"/pilots/{pilot_id}/{kind}/import", request.get_data(), "text/csv; charset=utf-8")
        body = reply.json()
        if 200 <= reply.status < 300 and "stream_id" in body:
            body |= {"consistency_token": token_for(body["stream_id"], body["version"])}
        return jsonify(body), reply.status

    @bp.get("/<uuid:pilot_id>/<any(milestones, metrics):kind>.csv")
    @documented(response=None, description="a text/csv file", tag="pilots")
    def export_csv(pilot_id, kind):
        """Download a pilot's milestones or metrics as CSV, in the format the upload reads."""
        reply = forward("GET", f"/pilots/{pilot_id}/{kind}.csv", None, None)
        if reply.status != 200:
            return jsonify(reply.json()), reply.status
        return Response(reply.data, mimetype="text/csv",
                        headers={"Content-Disposition": reply.headers.get("Content-Disposition", "attachment")})

    return bp
