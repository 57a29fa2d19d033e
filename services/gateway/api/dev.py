"""Development only (DEV_MODE): what would have been e-mailed, readable over HTTP so people and tests can sign."""

from __future__ import annotations

from flask import g, jsonify
from marshmallow import Schema, fields

from shared.openapi import ANYONE, Blueprint

from ..edge.services import Services


class VerificationLinks(Schema):
    """The links of the last mail queued for a signature."""

    signature_id = fields.String(required=True)
    link = fields.String(required=True, metadata={"description": "the verification link"})
    withdrawal_link = fields.String(required=True, allow_none=True, metadata={"description": "the withdrawal link"})


def blueprint(services: Services) -> Blueprint:
    """`GET /dev/verification-links/<signature_id>`, forwarded to the pledge service's dev mailbox."""
    bp = Blueprint("dev", __name__, url_prefix="/dev", area="Pledge")

    @bp.get("/verification-links/<uuid:signature_id>")
    @bp.response(200, VerificationLinks, description="The links a signatory would have been mailed last.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def verification_link(signature_id):
        """Read a signature's mailed links (development only)

        Only on a development deployment (`DEV_MODE`), where no mail is sent: the verification and
        withdrawal links the signatory would have been e-mailed last, so people and tests can sign.
        Anyone may read it there.
        """
        reply = services.command("pledge", f"/dev/verification-links/{signature_id}", None, {
            "X-Request-Id": g.request_id, "X-Correlation-Id": g.correlation_id,
        }, method="GET")
        return jsonify(reply.body), reply.status

    return bp
