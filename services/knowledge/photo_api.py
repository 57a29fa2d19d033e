"""Photo routes: upload (raw image body or multipart form), and serving the bytes of visible photos."""

from __future__ import annotations

from urllib.parse import unquote

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from shared.contract.photos import PHOTO_REPLIES, UPLOAD, AltTextQuery
from shared.http import RequestRefused, actor, actor_roles, command_meta, error
from shared.openapi import ACCOUNT, ANYONE
from shared.service import current_settings, current_store

from . import handlers, schemas
from .domain.images import clean_image
from .domain.photos import AttachPhoto
from .edge import PAGE, bp, on_page, page

# Room for a multipart form's boundaries and the alt text around an image of the maximum size.
FORM_OVERHEAD = 64 * 1024
# The bytes never change under a hash, but a page can be hidden: a day bounds how long caches may
# keep serving a photo after a moderator hid it, while revalidation by ETag stays cheap.
CACHE_CONTROL = "public, max-age=86400"


@bp.post(f"{PAGE}/photos")
@bp.arguments(AltTextQuery, location="query")
@bp.doc(requestBody=UPLOAD)
@bp.response(201, schemas.PhotoAttached, description="the photo, cleaned of its metadata, is on the page")
@bp.refuses("bad_request", "not_found", "conflict", "page_is_protected", "already_exists", "concurrency_conflict",
            "image_too_large", "image_rejected")
@bp.requires(ACCOUNT)
def attach_photo(query, kinds, item_id):
    """Attach a photo to a page

    Takes a JPEG, PNG or WebP image, as the raw body or as the multipart form field `image`, with its
    alt text. Metadata such as GPS position is stripped before it is stored; the photo is then named by
    the SHA-256 of the cleaned bytes. An image over the size limit is refused with 413
    `image_too_large` (naming `limit_bytes`), one that is not a well-formed image of an accepted type
    with 422 `image_rejected`. A protected or hidden page takes photos only from moderators. Needs an account.
    """
    (kind, item_id), max_bytes = page(kinds, item_id), current_settings().max_image_bytes
    data, alt_text = upload(max_bytes, query["alt_text"])
    image = clean_image(data, max_bytes)
    command = AttachPhoto(actor(), image, alt_text, actor_roles())
    result = handlers.attach_photo(current_store(), kind, item_id, command, command_meta())
    return on_page(result, kind, item_id, sha256=image.sha256, media_type=image.media_type, size=image.size)


@bp.get("/photos/<string(length=64):sha256>")
@bp.doc(responses=PHOTO_REPLIES)
@bp.refuses("not_found")
@bp.requires(ANYONE)
def read_photo(sha256):
    """Get a photo

    The bytes of a photo that a visible page carries, by its SHA-256 (moderators and auditors: of any
    page). 404 `not_found` when no visible page carries it. Cacheable; send `If-None-Match` for 304.
    """
    found = handlers.visible_photo(current_store(), sha256.lower(), actor_roles())
    if found is None:
        return error(404, "not_found", "no visible photo has this hash", {"sha256": ["unknown or hidden photo"]})
    response = Response(found[1], mimetype=found[0])
    response.set_etag(sha256.lower())
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


def upload(max_bytes: int, alt_text: str) -> tuple[bytes, str]:
    """The uploaded bytes and their alt text, from a raw image body (`alt_text` from the query) or a multipart form."""
    request.max_content_length = max_bytes + FORM_OVERHEAD
    try:
        if request.mimetype == "multipart/form-data":
            file = request.files.get("image")
            if file is None:
                raise RequestRefused(422, "validation_failed", "attach the image as the form field 'image'",
                                     {"image": ["missing form field"]})
            return file.read(), request.form.get("alt_text", "")
        if not request.mimetype.startswith("image/") and request.mimetype != "application/octet-stream":
            raise RequestRefused(415, "unsupported_media_type", "send an image body (image/*) or a multipart form",
                                 {"image": ["send image/jpeg, image/png or image/webp"]})
        alt_text = alt_text or unquote(request.headers.get("X-Alt-Text", ""))
        return request.get_data(), alt_text
    except RequestEntityTooLarge:
        raise RequestRefused(413, "image_too_large", f"the image must be at most {max_bytes} bytes",
                             {"image": [f"larger than {max_bytes} bytes"]}, extra={"limit_bytes": max_bytes}) from None
