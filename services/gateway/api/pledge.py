"""Queries of the drafting process: versions, the leaderboard, diffs, credits, and each participant's work."""

from __future__ import annotations

from flask import Blueprint, jsonify
from psycopg.rows import dict_row

from shared.db import one
from shared.http import RequestRefused, error
from shared.projection import Projection
from shared.textdiff import diff_words

from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_args, paged
from ..readmodels import pledge_reads as reads
from ..readmodels.credits import credits

DRAFT_TEXT = "SELECT draft_id, title, text FROM drafts WHERE draft_id = %s"
OWN_DRAFTS = (
    "SELECT d.draft_id, d.charter_id, d.round_number, d.title, d.parents, d.proposed_at, s.score, s.rating_count,"
    " s.withdrawn FROM drafts d JOIN draft_standings s USING (draft_id) WHERE d.author = %s"
)
OWN_RATINGS = (
    "SELECT r.draft_id, d.charter_id, d.title, r.stars, r.rated_at FROM draft_ratings r JOIN drafts d USING (draft_id)"
    " WHERE r.rater = %s"
)


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the drafting read models."""
    bp = Blueprint("pledge_queries", __name__, url_prefix="/api/v1")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/charters/<uuid:charter_id>/versions")
    def list_versions(charter_id):
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            reads.require_charter(cur, str(charter_id))
            return jsonify({"items": reads.versions(cur, str(charter_id))})

    @bp.get("/charters/<uuid:charter_id>/versions/<int:number>")
    def get_version(charter_id, number):
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            adopted = reads.version(cur, str(charter_id), number)
            if adopted is None:
                return error(404, "not_found", "no such adopted version", {"version": ["never adopted"]})
            rows = reads.ancestry(cur, adopted["draft_id"])
        draft = reads.as_draft(rows[adopted["draft_id"]])
        return jsonify(adopted | {"credits": credits(draft, lambda i: _draft_or_none(rows, i))})

    @bp.get("/charters/<uuid:charter_id>/drafts/ranked")
    @paged
    def ranked_drafts(charter_id):
        limit, offset = page_args()
        round_number = reads.positive_int_arg("round")
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            reads.require_charter(cur, str(charter_id))
            items, total = reads.ranked(cur, str(charter_id), round_number, limit, offset)
        return jsonify(page(items, total, limit, offset))

    @bp.get("/drafts/<uuid:draft_id>/diff/<uuid:other_id>")
    def diff(draft_id, other_id):
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            old = cur.execute(DRAFT_TEXT, [str(draft_id)]).fetchone()
            new = cur.execute(DRAFT_TEXT, [str(other_id)]).fetchone()
        if old is None:
            return error(404, "not_found", "no draft with this id", {"draft_id": ["unknown draft"]})
        if new is None:
            return error(404, "not_found", "no draft with this id", {"other_draft_id": ["unknown draft"]})
        return jsonify({"from": _ref(old), "to": _ref(new), "segments": diff_words(old["text"], new["text"])})

    @bp.get("/drafts/<uuid:draft_id>/credits")
    def draft_credits(draft_id):
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = reads.ancestry(cur, str(draft_id))
        if str(draft_id) not in rows:
            return error(404, "not_found", "no draft with this id", {"draft_id": ["unknown draft"]})
        draft = reads.as_draft(rows[str(draft_id)])
        return jsonify({"draft_id": draft.draft_id, "credits": credits(draft, lambda i: _draft_or_none(rows, i))})

    @bp.get("/participants/<actor>/drafts")
    def participant_drafts(actor):
        return jsonify(_paged(pool, OWN_DRAFTS, " ORDER BY d.proposed_at, d.draft_id", actor))

    @bp.get("/participants/<actor>/ratings")
    def participant_ratings(actor):
        return jsonify(_paged(pool, OWN_RATINGS, " ORDER BY r.rated_at, r.draft_id", actor))

    return bp


def _paged(pool, query: str, order: str, actor: str) -> dict:
    limit, offset = page_args()
    if "\x00" in actor:  # PostgreSQL text cannot hold NUL: no participant is called that
        raise RequestRefused(404, "not_found", "no such participant", {"actor": ["unknown participant"]})
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        items = cur.execute(query + order + " LIMIT %s OFFSET %s", [actor, limit, offset]).fetchall()
        total = one(cur.execute(f"SELECT count(*) AS n FROM ({query}) q", [actor]))["n"]
    return page(items, total, limit, offset)


def _draft_or_none(rows: dict, draft_id: str):
    return reads.as_draft(rows[draft_id]) if draft_id in rows else None


def _ref(row: dict) -> dict:
    return {"draft_id": row["draft_id"], "title": row["title"]}
