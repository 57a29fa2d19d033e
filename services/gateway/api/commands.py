"""Commands: forwarded to the owning service, answered with a consistency token."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

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


def install_not_found(app: Flask) -> None:
    """A path only the forwarding rule matches is unknown, whatever the method: 404, not that rule's 405."""
    app.register_error_handler(MethodNotAllowed, _unknown_or_wrong_method)


def _unknown_or_wrong_method(exc: MethodNotAllowed):
    allowed = sorted(_methods_routed(exc.valid_methods or ()))
    if not allowed:
        return error(404, "not_found", f"there is nothing at {request.path}")
    use = ", ".join(allowed)
    response, status = error(405, "method_not_allowed", f"{request.method} is not allowed here; use {use}")
    response.headers["Allow"] = use
    return response, status


def _methods_routed(methods) -> set[str]:
    """The methods a route other than the forwarding catch-all answers at this path."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    routed = set()
    for method in set(methods) - {"HEAD", "OPTIONS"}:
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint != "commands.forward":
            routed.add(method)
    return routed
