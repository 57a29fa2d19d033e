"""`GET /api/v1/openapi.json` (the merged OpenAPI 3 document) and `GET /api/v1/docs` (its browsable page)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from .apidocs.build import ApiDocument
from .apidocs.page import render

CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def blueprint(document: ApiDocument) -> Blueprint:
    """The API's own description."""
    bp = Blueprint("apidocs", __name__, url_prefix="/api/v1")

    @bp.get("/openapi.json")
    def openapi_json():
        """The public API as an OpenAPI 3 document."""
        return jsonify(document.get())

    @bp.get("/docs")
    def docs_page():
        """The public API's operations and schemas as a page."""
        return Response(render(document.get()), mimetype="text/html",
                        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"})

    return bp
