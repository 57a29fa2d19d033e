"""`GET /api/v1/account/signatures` and `/organisations`: what the signed-in account signed, and belongs to.

Who requested a signature is private (readmodels/signature_requesters.py): this read answers only about the
asker's own signatures, so there is nothing of anyone else's to refuse.
"""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields
from psycopg.rows import dict_row

from shared.db import one
from shared.openapi import ACCOUNT, Blueprint
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import reads_your_writes
from ..edge.paging import PageQuery, page
from ..readmodels.organisation_reads import memberships_of
from ..readmodels.signature_requesters import MINE, MINE_TOTAL


class MySignature(Schema):
    """A signature you requested, with its charter and where it stands."""

    signature_id = fields.String(required=True)
    charter_id = fields.String(required=True)
    charter_title = fields.String(required=True, allow_none=True)
    version = fields.Integer(required=True)
    organisation_name = fields.String(required=True)
    organisation_type = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, verified or withdrawn"})
    requested_at = fields.DateTime(required=True)
    verified_at = fields.DateTime(required=True, allow_none=True)
    withdrawn_at = fields.DateTime(required=True, allow_none=True)


class MySignatures(Schema):
    """A page of your signatures, newest first."""

    items = fields.List(fields.Nested(MySignature), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class MyMembership(Schema):
    """An organisation you belong to."""

    membership_id = fields.String(required=True)
    organisation_id = fields.String(required=True, metadata={"description": "the organisation's canonical name"})
    name = fields.String(required=True)
    assurance = fields.String(required=True, metadata={"description": "domain-verified or steward-verified"})
    since = fields.DateTime(required=True)


class MyMemberships(Schema):
    """The organisations you belong to now, by name."""

    items = fields.List(fields.Nested(MyMembership), required=True)


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """The account's own signatures, read from the gateway's read models."""
    bp = Blueprint("account_signatures", __name__, url_prefix="/api/v1/account", area="Pledge")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/signatures")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, MySignatures, description="A page of your signatures.")
    @bp.requires(ACCOUNT)
    def my_signatures(query: dict):
        """List your signatures

        The signatures you requested while signed in, newest first, with their charter and status; paged
        with `limit` and `offset`. Needs a signed-in account; it answers only about your own.
        """
        account_id = require_principal().account_id
        limit, offset = query["limit"], query["offset"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items = cur.execute(MINE, [account_id, limit, offset]).fetchall()
            total = one(cur.execute(MINE_TOTAL, [account_id]))["n"]
        return jsonify(page(items, total, limit, offset))

    @bp.get("/organisations")
    @bp.response(200, MyMemberships, description="The organisations you belong to.")
    @bp.requires(ACCOUNT)
    def my_organisations():
        """List your organisations

        The organisations your account belongs to now (domain- or steward-verified): those you may act
        for, for example as a pilot lead. Needs a signed-in account.
        """
        account_id = require_principal().account_id
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return jsonify({"items": memberships_of(cur, account_id)})

    return bp
