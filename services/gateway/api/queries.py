"""Queries of charters and drafts, answered from the gateway's read model."""

from __future__ import annotations

from flask import Blueprint, jsonify
from psycopg.rows import dict_row

from shared.db import one
from shared.http import error
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_args, paged
from ..readmodels import pledge_reads
from ..readmodels.pledge_reads import CHARTER, DRAFT


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the pledge's read models."""
    bp = Blueprint("charter_queries", __name__, url_prefix="/api/v1")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/charters")
    @paged
    def list_charters():
        limit, offset = page_args()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items = cur.execute(
                CHARTER + " ORDER BY created_at, charter_id LIMIT %s OFFSET %s", [limit, offset]
            ).fetchall()
            total = one(cur.execute("SELECT count(*) AS n FROM charters"))["n"]
        return jsonify(page(items, total, limit, offset))

    @bp.get("/charters/<uuid:charter_id>")
    @paged
    def get_charter(charter_id):
        limit, offset = page_args()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            charter = cur.execute(CHARTER + " WHERE charter_id = %s", [str(charter_id)]).fetchone()
            if charter is None:
                return error(404, "not_found", "no charter with this id", {"charter_id": ["unknown charter"]})
            drafts = cur.execute(
                DRAFT + " WHERE charter_id = %s ORDER BY proposed_at, draft_id LIMIT %s OFFSET %s",
                [str(charter_id), limit, offset],
            ).fetchall()
            current = pledge_reads.version(cur, str(charter_id))
        return jsonify(
            charter
            | {
                "open_round": pledge_reads.open_round(charter),
                "current_version": current,
                "drafts": page(drafts, charter["draft_count"], limit, offset),
            }
        )

    @bp.get("/drafts/<uuid:draft_id>")
    def get_draft(draft_id):
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            draft = cur.execute(DRAFT + " WHERE draft_id = %s", [str(draft_id)]).fetchone()
            if draft is None:
                return error(404, "not_found", "no draft with this id", {"draft_id": ["unknown draft"]})
            detail = pledge_reads.draft_detail(cur, draft["draft_id"])
        return jsonify(draft | detail)

    return bp
