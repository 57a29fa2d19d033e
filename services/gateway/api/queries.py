"""Queries of charters and drafts, answered from the gateway's read model."""

from __future__ import annotations

from flask import jsonify
from psycopg.rows import dict_row

from shared.db import one
from shared.http import error
from shared.openapi import ANYONE, Blueprint
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import PageQuery, page
from ..readmodels import pledge_reads
from ..readmodels.pledge_reads import CHARTER, DRAFT
from . import pledge_replies as replies


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the pledge's read models."""
    bp = Blueprint("charter_queries", __name__, url_prefix="/api/v1", area="Pledge")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/charters")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, replies.Charters, description="A page of charters.")
    @bp.requires(ANYONE)
    def list_charters(query: dict):
        """List charters

        Every charter, oldest first, with the state of its drafting round; paged with `limit` and `offset`.
        Anyone may read it.
        """
        limit, offset = query["limit"], query["offset"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items = cur.execute(
                CHARTER + " ORDER BY created_at, charter_id LIMIT %s OFFSET %s", [limit, offset]
            ).fetchall()
            total = one(cur.execute("SELECT count(*) AS n FROM charters"))["n"]
        return jsonify(page(items, total, limit, offset))

    @bp.get("/charters/<uuid:charter_id>")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, replies.CharterDetail, description="The charter, with a page of its drafts.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def get_charter(query: dict, charter_id):
        """Read a charter

        The charter, its open round (if any), its current adopted version (if any), and its drafts oldest
        first, paged with `limit` and `offset`. Anyone may read it.
        """
        limit, offset = query["limit"], query["offset"]
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
    @bp.response(200, replies.DraftDetail, description="The draft and what its page shows.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def get_draft(draft_id):
        """Read a draft

        The draft's text, whether it is withdrawn, its ratings, the remix tree above it, the drafts that
        remix it, and its comments with their replies. Anyone may read it.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            draft = cur.execute(DRAFT + " WHERE draft_id = %s", [str(draft_id)]).fetchone()
            if draft is None:
                return error(404, "not_found", "no draft with this id", {"draft_id": ["unknown draft"]})
            detail = pledge_reads.draft_detail(cur, draft["draft_id"])
        return jsonify(draft | detail)

    return bp
