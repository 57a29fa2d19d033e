"""`GET /api/v1/openapi.json` (the merged OpenAPI 3 document), `GET /api/v1/docs` (its browsable page) and
`GET /api/v1/asyncapi.json` (the event contract, with this deployment's signing keys)."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, jsonify

from shared.config import Settings
from shared.signing import Keyring

from .apidocs.build import ApiDocument
from .apidocs.page import render

CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


ASYNCAPI = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "asyncapi.yaml"  # JSON, which is YAML 1.2


def blueprint(document: ApiDocument, settings: Settings) -> Blueprint:
    """The API's own description."""
    bp = Blueprint("apidocs", __name__, url_prefix="/api/v1")

    @bp.get("/openapi.json")
    def openapi_json():
        """The public API as an OpenAPI 3 document."""
        return jsonify(document.get())

    @bp.get("/asyncapi.json")
    def asyncapi_json():
        """The topics and every event on them as an AsyncAPI 3 document, with the keys events are signed with."""
        contract = json.loads(ASYNCAPI.read_text())
        contract["info"]["x-signing-keys"] = Keyring.load(settings.trusted_keys_file).to_dict()
        return jsonify(contract)

    @bp.get("/docs")
    def docs_page():
        """The public API's operations and schemas as a page."""
        return Response(render(document.get()), mimetype="text/html",
                        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"})

    return bp
