"""Development only (DEV_MODE): what would have been e-mailed, readable over HTTP so people and tests can sign."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from ..edge.services import Services


def blueprint(services: Services) -> Blueprint:
    """`GET /dev/verification-links/<signature_id>`, forwarded to the pledge service's dev mailbox."""
    bp = Blueprint("dev", __name__, url_prefix="/dev")

    @bp.get("/verification-links/<uuid:signature_id>")
    def verification_link(signature_id):
        reply = services.command("pledge", f"/dev/verification-links/{signature_id}", None, {
            "X-Request-Id": g.request_id, "X-Correlation-Id": g.correlation_id,
        }, method="GET")
        return jsonify(reply.body), reply.status

    return bp
