"""Commands: forwarded to the owning service, answered with a consistency token."""

from __future__ import annotations

from flask import Blueprint, request

from shared.http import RequestRefused, error
from shared.idempotency import header_key

from ..edge.forwarding import Forwarder, forwarded
from ..edge.services import OWNERS


def blueprint(forwarder: Forwarder) -> Blueprint:
    """Routes that forward every write under /api/v1 to the service that owns it, once per Idempotency-Key."""
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
        return forwarded(forwarder.command(service, request.method, path, request.get_data(), "application/json",
                                           header_key()))

    return bp
