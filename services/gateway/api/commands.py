"""Commands: forwarded to the owning service, answered with a consistency token."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from shared.http import RequestRefused, error

from ..auth import client_ip, current_actor, current_roles
from ..consistency import token_for
from ..services import Services

# The first path segment names the resource, and the resource its owning service.
OWNERS = {"charters": "pledge", "drafts": "pledge", "signatures": "pledge",
          "barriers": "knowledge", "solutions": "knowledge", "pilots": "pilots"}


def blueprint(services: Services) -> Blueprint:
    """Routes that forward every write under /api/v1 to the service that owns it."""
    bp = Blueprint("commands", __name__, url_prefix="/api/v1")

    @bp.route("/<resource>", methods=["POST"])
    @bp.route("/<resource>/<path:rest>", methods=["POST", "PUT", "PATCH", "DELETE"])
    def forward(resource: str, rest: str = ""):
        service = OWNERS.get(resource)
        if service is None:
            return error(404, "not_found", f"no resource called {resource!r}")
        bodiless_delete = request.method == "DELETE" and not request.content_length
        if not bodiless_delete and (request.content_type is None or not request.is_json):
            raise RequestRefused(415, "unsupported_media_type", "send the body as application/json")
        path = "/" + resource + ("/" + rest if rest else "")
        reply = services.command(service, path, request.get_data(), {
            "Content-Type": "application/json", "X-Actor": current_actor(), "X-Actor-Roles": current_roles(),
            "X-Request-Id": g.request_id, "X-Correlation-Id": g.correlation_id,
            "X-Forwarded-For": client_ip(services.settings),
        }, method=request.method)
        body = reply.body
        if 200 <= reply.status < 300 and "stream_id" in body:
            body = body | {"consistency_token": token_for(body["stream_id"], body["version"])}
        return jsonify(body), reply.status

    return bp
