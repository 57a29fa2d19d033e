"""`GET /api/v1/erasures`: the stewards' log of erasures (a steward asks for one with `POST /api/v1/erasures`).

The log names no one erased: when, by which steward, under which rule, and how many records (signatures, or a
pilot) now read "erased". The requests themselves are commands, forwarded to the service that holds the keys:
`POST /api/v1/erasures` (a signatory, by e-mail) to pledge, `POST /api/v1/pilots/<id>/sponsor/erasure` to pilots.
"""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate
from psycopg.rows import dict_row

from shared.contract.vocabulary import ERASURE_RULES, STEWARD
from shared.db import one
from shared.openapi import Blueprint
from shared.projection import Projection

from ..edge.auth import require_role
from ..edge.consistency import reads_your_writes
from ..edge.paging import PageQuery, page
from ..readmodels.erasures import LOG, LOG_TOTAL


class Erasure(Schema):
    """One erasure: when, by which steward, under which rule, and how many records it touched; never whom."""

    erasure_id = fields.String(required=True)
    service = fields.String(required=True, validate=validate.OneOf(("pledge", "pilots")),
                            metadata={"description": "pledge: a signatory; pilots: a pilot's sponsor"})
    rule = fields.String(required=True, validate=validate.OneOf(ERASURE_RULES),
                         metadata={"description": "the UK GDPR Article 17(1) ground"})
    requested_by = fields.String(required=True, metadata={"description": "the steward's account id"})
    erased_at = fields.DateTime(required=True)
    records = fields.Integer(required=True, metadata={
        "description": "the signatures whose signatory, or pilots whose sponsor, now reads erased"})
    event_id = fields.String(required=True, metadata={"description": "the ErasureCompleted event in the log"})


class Erasures(Schema):
    """A page of the erasure log, newest first."""

    items = fields.List(fields.Nested(Erasure), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """The erasure log, read from the gateway's read models; stewards only."""
    bp = Blueprint("erasures", __name__, url_prefix="/api/v1/erasures", area="Pledge")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, Erasures, description="A page of the erasure log.")
    @bp.refuses("forbidden")
    @bp.requires(STEWARD)
    def erasure_log(query: dict):
        """Read the erasure log

        Every erasure of a signatory (pledge) or a pilot's sponsor (pilots), newest first: when, by which
        steward, under which rule, and how many records now read "erased"; never whom it erased. Paged with
        `limit` and `offset`. Needs the steward role.
        """
        require_role(STEWARD)
        limit, offset = query["limit"], query["offset"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items = cur.execute(LOG, [limit, offset]).fetchall()
            total = one(cur.execute(LOG_TOTAL))["n"]
        return jsonify(page(items, total, limit, offset))

    return bp
