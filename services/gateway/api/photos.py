"""Photos of knowledge pages: uploads forwarded as they are (not JSON), and the bytes served back.

The gateway reads no knowledge tables: the knowledge service owns the bytes and decides whether a
photo may be shown (not when every page carrying it is hidden); the gateway only relays.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, g, request
from marshmallow import fields
from werkzeug.exceptions import RequestEntityTooLarge

from shared.config import Settings
from shared.contract.photos import PHOTO_REPLIES, UPLOAD, AltTextQuery
from shared.http import RequestRefused
from shared.idempotency import header_key
from shared.openapi import ACCOUNT, ANYONE, Blueprint, CommandAccepted

from ..edge.auth import current_roles
from ..edge.forwarding import FORM_OVERHEAD, Forwarder, forwarded

AREA = "Knowledge base"
RELAYED_HEADERS = ("Content-Type", "Cache-Control", "ETag", "X-Content-Type-Options")
UPLOADS = ("photos.attach_barrier_photo", "photos.attach_solution_photo")
ALT_TEXT_HEADER = {"in": "header", "name": "X-Alt-Text", "required": False, "schema": {"type": "string"},
                   "description": "the alt text of a raw image body, URL-encoded (instead of `?alt_text=`)"}
UPLOAD_REFUSED = ("bad_request", "not_found", "conflict", "page_is_protected", "already_exists",
                  "concurrency_conflict", "image_too_large", "image_rejected")


class PhotoAttached(CommandAccepted):
    """The reply to a photo upload: the page and the stored photo, named by the SHA-256 of its cleaned bytes."""

    barrier_id = fields.String(metadata={"description": "the barrier's id (on a barrier's page)"})
    solution_id = fields.String(metadata={"description": "the solution's id (on a solution's page)"})
    sha256 = fields.String(required=True, metadata={"description": "the photo's SHA-256: GET /photos/{sha256}"})
    media_type = fields.String(required=True, metadata={"example": "image/jpeg"})
    size = fields.Integer(required=True, metadata={"description": "bytes, once metadata was stripped"})


def blueprint(forwarder: Forwarder, settings: Settings) -> Blueprint:
    """`POST /api/v1/<barriers|solutions>/<id>/photos` and `GET /api/v1/photos/<sha256>`."""
    bp = Blueprint("photos", __name__, url_prefix="/api/v1", area=AREA)

    @bp.before_app_request
    def _room_for_an_image() -> None:
        # An app-wide hook registered before auth's: its CSRF check may parse a multipart form before
        # the view runs, and must do so under the image limit, not the 1 MiB one of JSON bodies.
        if request.endpoint in UPLOADS:
            request.max_content_length = settings.max_image_bytes + FORM_OVERHEAD

    def attached(kinds: str, item_id: str, alt_text: str):
        header = {"X-Alt-Text": request.headers["X-Alt-Text"]} if "X-Alt-Text" in request.headers else {}
        query = f"?alt_text={quote(alt_text, safe='')}" if alt_text else ""
        return forwarded(forwarder.command(
            "knowledge", "POST", f"/{kinds}/{item_id}/photos{query}", upload(settings),
            request.content_type or "application/octet-stream", header_key(), header))

    # Static first segments, so these outrank the generic JSON forwarding of `/<resource>/<path:rest>`.
    @bp.post("/barriers/<uuid:barrier_id>/photos", parameters=[ALT_TEXT_HEADER])
    @bp.arguments(AltTextQuery, location="query")
    @bp.doc(requestBody=UPLOAD)
    @bp.response(201, PhotoAttached, description="the photo, cleaned of its metadata, is on the barrier's page")
    @bp.refuses(*UPLOAD_REFUSED)
    @bp.requires(ACCOUNT)
    def attach_barrier_photo(query, barrier_id):
        """Attach a photo to a barrier

        Takes a JPEG, PNG or WebP image, as the raw body or as the multipart form field `image`, with its
        alt text. Metadata such as GPS position is stripped before it is stored; the photo is then named by
        the SHA-256 of the cleaned bytes. An image over the size limit is refused with 413
        `image_too_large` (naming `limit_bytes`), one that is not a well-formed image of an accepted type
        with 422 `image_rejected`. A protected or hidden page takes photos only from moderators. Needs an
        account.
        """
        return attached("barriers", str(barrier_id), query["alt_text"])

    @bp.post("/solutions/<uuid:solution_id>/photos", parameters=[ALT_TEXT_HEADER])
    @bp.arguments(AltTextQuery, location="query")
    @bp.doc(requestBody=UPLOAD)
    @bp.response(201, PhotoAttached, description="the photo, cleaned of its metadata, is on the solution's page")
    @bp.refuses(*UPLOAD_REFUSED)
    @bp.requires(ACCOUNT)
    def attach_solution_photo(query, solution_id):
        """Attach a photo to a solution

        As attaching a photo to a barrier, for a solution. Needs an account.
        """
        return attached("solutions", str(solution_id), query["alt_text"])

    @bp.get("/photos/<string(length=64):sha256>")
    @bp.doc(responses=PHOTO_REPLIES)
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def read_photo(sha256):
        """Get a photo

        The bytes of a photo that a visible page carries, by its SHA-256 (moderators and auditors: of any
        page). 404 `not_found` when no visible page carries it. Cacheable; send `If-None-Match` for 304.
        Anyone may read.
        """
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
