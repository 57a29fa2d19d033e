"""ETags on API reads: a weak ETag of the body on every 200 GET under /api/v1, and 304 when it still matches.

Weak, because the same JSON may come back re-serialised; computed from the body after the view ran,
so every read route has it without knowing. Replies vary by who asks (auditors see hidden content).
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request

PREFIX = "/api/v1/"


def etag_of(body: bytes) -> str:
    """The (unquoted) entity tag of a body."""
    return hashlib.sha256(body).hexdigest()[:32]


def install(app: Flask) -> None:
    """Add the after_request hook that tags reads and answers matching conditional reads with 304."""

    @app.after_request
    def _etag(response: Response) -> Response:
        if (request.method != "GET" or not request.path.startswith(PREFIX) or response.status_code != 200
                or response.is_streamed or response.direct_passthrough):
            return response
        tag = etag_of(response.get_data())
        response.set_etag(tag, weak=True)
        response.vary.update(("Authorization", "Cookie"))
        if request.if_none_match.contains_weak(tag):
            response.status_code = 304
            response.set_data(b"")
            response.headers.pop("Content-Length", None)
        return response
