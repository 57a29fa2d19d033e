"""Photos of knowledge pages as the API document publishes them: the upload's body, the alt text, the bytes.

The knowledge service takes and serves them, and the gateway relays both at its edge: both document them
from here.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

BINARY = {"schema": {"type": "string", "format": "binary"}}
IMAGES = {"image/jpeg": BINARY, "image/png": BINARY, "image/webp": BINARY}
UPLOAD = {"required": True, "description": "the image as the body (its alt text in `?alt_text=` or the URL-encoded"
          " `X-Alt-Text` header), or a multipart form with the fields `image` and `alt_text`", "content": IMAGES | {
    "multipart/form-data": {"schema": {"type": "object", "required": ["image"], "properties": {
        "image": {"type": "string", "format": "binary"}, "alt_text": {"type": "string", "maxLength": 500}}}},
}}
PHOTO_REPLIES = {
    "200": {"description": "the photo's bytes", "content": IMAGES, "headers": {
        "ETag": {"description": "the photo's SHA-256", "schema": {"type": "string"}},
        "Cache-Control": {"description": "cacheable by anyone for a day", "schema": {"type": "string"}}}},
    "304": {"description": "the photo has not changed since the `If-None-Match` ETag (it never does)"},
}


class AltTextQuery(Schema):
    """The alt text of an image sent as the raw body."""

    # Not limited here: the domain checks the alt text however it came, and answers 422 naming `alt_text`.
    alt_text = fields.String(load_default="", validate=validate.Regexp(r"^[^\x00]*$", error="contains a NUL character"),
                             metadata={"description": "what the photo shows, for people who cannot see it, at most"
                                                      " 500 characters (a raw image body only)",
                                       "example": "The upload error message"})
