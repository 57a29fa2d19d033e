"""Photos of knowledge pages: uploads forwarded as they are (not JSON), and the bytes served back.

The gateway reads no knowledge tables: the knowledge service owns the bytes and decides whether a
photo may be shown (not when every page carrying it is hidden); the gateway only relays.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from shared.config import Settings
from shared.http import RequestRefused
from shared.idempotency import header_key

from ..edge.auth import current_roles
from ..edge.forwarding import FORM_OVERHEAD, Forwarder, forwarded

RELAYED_HEADERS = ("Content-Type", "Cache-Control", "ETag", "X-Content-Type-Options")


def blueprint(forwarder: Forwarder, settings: Settings) -> Blueprint:
    """`POST /api/v1/<barriers|solutions>/<id>/photos` and `GET /api/v1/photos/<sha256>`."""
    bp = Blueprint("photos", __name__, url_prefix="/api/v1")

    @bp.before_app_request
    def _room_for_an_image() -> None:
        # An app-wide hook registered before auth's: its CSRF check may parse a multipart form before
        # the view runs, and must do so under the image limit, not the 1 MiB one of JSON bodies.
        if request.endpoint == "photos.attach_photo":
            request.max_content_length = settings.max_image_bytes + FORM_OVERHEAD

    # Static first segments, so these outrank the generic JSON forwarding of `/<resource>/<path:rest>`.
    @bp.post("/barriers/<uuid:item_id>/photos", defaults={"kinds": "barriers"})
    @bp.post("/solutions/<uuid:item_id>/photos", defaults={"kinds": "solutions"})
    def attach_photo(kinds, item_id):
        """Attach a JPEG, PNG or WebP photo (raw image body or multipart `image`) with `alt_text`."""
        alt_text = {"X-Alt-Text": request.headers["X-Alt-Text"]} if "X-Alt-Text" in request.headers else {}
        query = f"?{request.query_string.decode()}" if request.query_string else ""
        return forwarded(forwarder.command(
            "knowledge", "POST", f"/{kinds}/{item_id}/photos{query}", upload(settings),
            request.content_type or "application/octet-stream", header_key(), alt_text))

    @bp.get("/photos/<string(length=64):sha256>")
    def photo(sha256):
        """The bytes of a photo that a visible page carries, by its SHA-256."""
        headers = {"X-Actor-Roles": current_roles(), "X-Request-Id": g.request_id}
        if request.headers.get("If-None-Match"):
            headers["If-None-Match"] = request.headers["If-None-Match"]
        reply = forwarder.services.fetch("knowledge", f"/photos/{sha256}", headers)
        relayed = {name: reply.headers[name] for name in RELAYED_HEADERS if name in reply.headers}
        return Response(reply.data, status=reply.status, headers=relayed)

    return bp


def upload(settings: Settings) -> bytes:
    """The upload's bytes, refused with 413 naming `image` when far over the image size limit."""
    request.max_content_length = settings.max_image_bytes + FORM_OVERHEAD
    try:
        return request.get_data()
    except RequestEntityTooLarge:
        raise RequestRefused(413, "image_too_large", f"the image must be at most {settings.max_image_bytes} bytes",
                             {"image": [f"larger than {settings.max_image_bytes} bytes"]},
                             extra={"limit_bytes": settings.max_image_bytes}) from None
