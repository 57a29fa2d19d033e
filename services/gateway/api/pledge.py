"""Queries of the drafting process: versions, the leaderboard, diffs, credits, and each participant's work."""

from __future__ import annotations

from flask import jsonify
from marshmallow import fields, validate
from psycopg.rows import dict_row

from shared.db import one
from shared.http import RequestRefused, error
from shared.openapi import ANYONE, Blueprint
from shared.projection import Projection
from shared.textdiff import diff_words

from ..edge.consistency import reads_your_writes
from ..edge.paging import PageQuery, page
from ..readmodels import pledge_reads as reads
from ..readmodels.credits import credits
from . import pledge_replies as replies

DRAFT_TEXT = "SELECT draft_id, title, text FROM drafts WHERE draft_id = %s"
OWN_DRAFTS = (
    "SELECT d.draft_id, d.charter_id, d.round_number, d.title, d.parents, d.proposed_at, s.score, s.rating_count,"
    " s.withdrawn FROM drafts d JOIN draft_standings s USING (draft_id) WHERE d.author = %s"
)
OWN_RATINGS = (
    "SELECT r.draft_id, d.charter_id, d.title, r.stars, r.rated_at FROM draft_ratings r JOIN drafts d USING (draft_id)"
    " WHERE r.rater = %s"
)


class RankedQuery(PageQuery):
    """`?round=` picks one round's drafts (else every round's), `?limit=&offset=` page them."""

    round = fields.Integer(validate=validate.Range(1, reads.MAX_INT),
                           metadata={"description": "only the drafts proposed in this round"})


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the drafting read models."""
    bp = Blueprint("pledge_queries", __name__, url_prefix="/api/v1", area="Pledge")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/charters/<uuid:charter_id>/versions")
    @bp.response(200, replies.Versions, description="The charter's adopted versions.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def list_versions(charter_id):
        """List a charter's adopted versions

        Every version a steward adopted, oldest first, with its text. Anyone may read it.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            reads.require_charter(cur, str(charter_id))
            return jsonify({"items": reads.versions(cur, str(charter_id))})

    @bp.get("/charters/<uuid:charter_id>/versions/<int:version>")
    @bp.response(200, replies.CreditedVersion, description="The version, its text credited to its drafts.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def get_version(charter_id, version):
        """Read an adopted version

        One adopted version of the charter (`version` 1 is the first), with its text credited, run by run,
        to the drafts and authors it first appeared in. Anyone may read it.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            adopted = reads.version(cur, str(charter_id), version)
            if adopted is None:
                return error(404, "not_found", "no such adopted version", {"version": ["never adopted"]})
            rows = reads.ancestry(cur, adopted["draft_id"])
        draft = reads.as_draft(rows[adopted["draft_id"]])
        return jsonify(adopted | {"credits": credits(draft, lambda i: _draft_or_none(rows, i))})

    @bp.get("/charters/<uuid:charter_id>/drafts/ranked")
    @bp.arguments(RankedQuery, location="query")
    @bp.response(200, replies.RankedDrafts, description="A page of the leaderboard.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def ranked_drafts(query: dict, charter_id):
        """Rank a charter's drafts

        The charter's live drafts best first: by Bayesian score, then by more ratings, then by id (a stable
        order to page through with `limit` and `offset`); `round` keeps one round's drafts. Anyone may read it.
        """
        limit, offset = query["limit"], query["offset"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            reads.require_charter(cur, str(charter_id))
            items, total = reads.ranked(cur, str(charter_id), query.get("round"), limit, offset)
        return jsonify(page(items, total, limit, offset))

    @bp.get("/drafts/<uuid:draft_id>/diff/<uuid:other_draft_id>")
    @bp.response(200, replies.Diff, description="The word diff from the first draft to the second.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def diff(draft_id, other_draft_id):
        """Compare two drafts

        The word-by-word changes that turn the text of `draft_id` into that of `other_draft_id` (any two
        drafts, of any charters). Anyone may read it.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            old = cur.execute(DRAFT_TEXT, [str(draft_id)]).fetchone()
            new = cur.execute(DRAFT_TEXT, [str(other_draft_id)]).fetchone()
        if old is None:
            return error(404, "not_found", "no draft with this id", {"draft_id": ["unknown draft"]})
        if new is None:
            return error(404, "not_found", "no draft with this id", {"other_draft_id": ["unknown draft"]})
        return jsonify({"from": _ref(old), "to": _ref(new), "segments": diff_words(old["text"], new["text"])})

    @bp.get("/drafts/<uuid:draft_id>/credits")
    @bp.response(200, replies.DraftCredits, description="The draft's text, credited.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def draft_credits(draft_id):
        """Credit a draft's text

        The draft's text in runs, each credited to the draft (and author) in its remix lineage where it
        first appeared. Anyone may read it.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = reads.ancestry(cur, str(draft_id))
        if str(draft_id) not in rows:
            return error(404, "not_found", "no draft with this id", {"draft_id": ["unknown draft"]})
        draft = reads.as_draft(rows[str(draft_id)])
        return jsonify({"draft_id": draft.draft_id, "credits": credits(draft, lambda i: _draft_or_none(rows, i))})

    @bp.get("/participants/<actor>/drafts")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, replies.OwnDrafts, description="A page of the participant's drafts.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def participant_drafts(query: dict, actor):
        """List a participant's drafts

        The drafts the account `actor` proposed, oldest first, with their standing; paged with `limit` and
        `offset`. An account with none has an empty list. Anyone may read it.
        """
        return jsonify(_paged(pool, OWN_DRAFTS, " ORDER BY d.proposed_at, d.draft_id", actor, query))

    @bp.get("/participants/<actor>/ratings")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, replies.OwnRatings, description="A page of the participant's ratings.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def participant_ratings(query: dict, actor):
        """List a participant's ratings

        The ratings the account `actor` gave, oldest first; paged with `limit` and `offset`. Anyone may
        read it.
        """
        return jsonify(_paged(pool, OWN_RATINGS, " ORDER BY r.rated_at, r.draft_id", actor, query))

    return bp


def _paged(pool, query: str, order: str, actor: str, paging: dict) -> dict:
    limit, offset = paging["limit"], paging["offset"]
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
