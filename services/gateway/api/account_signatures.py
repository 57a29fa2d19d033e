"""`GET /api/v1/account/signatures` and `/organisations`: what the signed-in account signed, and belongs to.

Who requested a signature is private (readmodels/signature_requesters.py): this read answers only about the
asker's own signatures, so there is nothing of anyone else's to refuse.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields
from psycopg.rows import dict_row

from shared.db import one
from shared.openapi_legacy import documented
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_args, paged
from ..readmodels.organisation_reads import memberships_of
from ..readmodels.signature_requesters import MINE, MINE_TOTAL


class MySignature(Schema):
    signature_id = fields.String(required=True)
    charter_id = fields.String(required=True)
    charter_title = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    organisation_name = fields.String(required=True)
    organisation_type = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, verified or withdrawn"})
    requested_at = fields.DateTime(required=True)
    verified_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)


class MySignatures(Schema):
    items = fields.List(fields.Nested(MySignature), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class MyMembership(Schema):
    membership_id = fields.String(required=True)
    organisation_id = fields.String(required=True)
    name = fields.String(required=True)
    assurance = fields.String(required=True, metadata={"description": "domain-verified or steward-verified"})
    since = fields.DateTime(required=True)


class MyMemberships(Schema):
    items = fields.List(fields.Nested(MyMembership), required=True)


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """The account's own signatures, read from the gateway's read models."""
    bp = Blueprint("account_signatures", __name__, url_prefix="/api/v1/account")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/signatures")
    @paged
    @documented(response=MySignatures, tag="pledge", authenticated=True)
    def my_signatures():
        """The signatures you requested while signed in, newest first, with their charter and status."""
        account_id = require_principal().account_id
        limit, offset = page_args()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items = cur.execute(MINE, [account_id, limit, offset]).fetchall()
            total = one(cur.execute(MINE_TOTAL, [account_id]))["n"]
        return jsonify(page(items, total, limit, offset))

    @bp.get("/organisations")
    @documented(response=MyMemberships, tag="pledge", authenticated=True)
    def my_organisations():
        """The organisations you belong to: those you may act for, for example as a pilot lead."""
        account_id = require_principal().account_id
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return jsonify({"items": memberships_of(cur, account_id)})

    return bp
