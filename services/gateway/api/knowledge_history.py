"""Queries of how knowledge pages changed: history, one revision, diffs, the audit view, moderation."""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate
from psycopg.rows import dict_row

from shared.contract.vocabulary import AUDITOR, MODERATOR
from shared.db import one
from shared.http import RequestRefused
from shared.openapi import ANYONE, Blueprint
from shared.projection import Projection
from shared.textdiff import diff_words

from ..edge.consistency import reads_your_writes
from ..edge.paging import PageQuery, page, page_of
from ..readmodels.knowledge import text_fields
from ..readmodels.knowledge_reads import (
    DECISIONS,
    FLAG_STATUSES,
    KINDS,
    REVISIONS,
    Carried,
    DecisionView,
    FlagView,
    PageCounts,
    RevisionEntry,
    RevisionView,
    WordRun,
    carried,
    page_view,
    public,
    require_any_role,
    require_page,
)

AREA = "Knowledge base"
# One route for both kinds of page: `kinds` is `barriers` or `solutions`, `item_id` the page's id.
PAGE_PATH = "/<any(barriers, solutions):kinds>/<uuid:item_id>"
FLAG_FIELDS = "flag_id, revision, reason, flagged_by, at, status, dismissed_by, dismissed_at, dismissal_reason"


class DiffQuery(Schema):
    """The two revisions to compare."""

    from_ = fields.Integer(data_key="from", required=True, validate=validate.Range(min=1), metadata={
        "description": "the older revision", "example": 1})
    to = fields.Integer(required=True, validate=validate.Range(min=1), metadata={
        "description": "the newer revision", "example": 2})


class FlagsQuery(PageQuery):
    """A page of the flags in one status."""

    status = fields.String(load_default="open", validate=validate.OneOf(FLAG_STATUSES), metadata={
        "description": "open (waiting for a moderator), actioned (the content was hidden) or dismissed"})


class PageDiff(Schema):
    """The word diff of two revisions of a page, field by field."""

    from_ = fields.Integer(data_key="from", required=True)
    to = fields.Integer(required=True)
    changed = fields.List(fields.String(), required=True, metadata={"description": "the fields that differ"})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.Nested(WordRun)),
                          required=True, metadata={"description": "each content field's word diff"})


class FlagInQueue(FlagView):
    """A flag in the moderators' queue, with the page it is on."""

    item_id = fields.String(required=True, metadata={"description": "the page's id"})
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KINDS.values())))


class AuditView(PageCounts, Carried):
    """Everything about a page, hidden parts included: every revision with its content, decisions and flags.

    The page's id is `barrier_id` or `solution_id`, and its current content's fields are those of a
    barrier's or a solution's page (none while every revision is hidden).
    """

    class Meta:
        include = {
            "barrier_id": fields.String(metadata={"description": "on a barrier's page"}),
            "solution_id": fields.String(metadata={"description": "on a solution's page"}),
            "title": fields.String(),
            "description": fields.String(metadata={"description": "a barrier's text"}),
            "category": fields.String(metadata={"description": "a barrier's category"}),
            "body": fields.String(metadata={"description": "a solution's text"}),
            "steps": fields.List(fields.String(), metadata={"description": "a solution's steps"}),
            "barrier_ids": fields.List(fields.String(), metadata={"description": "the barriers a solution solves"}),
            "organisations": fields.List(fields.String(), metadata={"description": "who used a solution"}),
            "tags": fields.List(fields.String()),
        }

    hidden = fields.Boolean(required=True, metadata={"description": "whether the whole page is hidden"})
    revisions = fields.List(fields.Nested(RevisionView), required=True)
    decisions = fields.List(fields.Nested(DecisionView), required=True)
    flags = fields.List(fields.Nested(FlagView), required=True)


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of page histories and moderation."""
    bp = Blueprint("knowledge_history", __name__, url_prefix="/api/v1", area=AREA)
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    def visible_revision(cur, kind: str, item_id: str, number: int, field: str) -> dict:
        row = cur.execute(REVISIONS.format(content=", content") + " AND number = %s", [item_id, number]).fetchone()
        if row is None or row["hidden"]:
            raise RequestRefused(404, "not_found", f"this {kind} has no visible revision {number}",
                                 {field: ["unknown or hidden revision"]})
        return row

    @bp.get(f"{PAGE_PATH}/history")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, page_of(RevisionEntry, "PageHistory"), description="a page of the page's revisions")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def page_history(query, kinds, item_id):
        """Read a page's history

        The revisions of a visible barrier or solution, newest first. A hidden revision keeps its place
        but not its author or summary. Anyone may read.
        """
        limit, offset = query["limit"], query["offset"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = require_page(cur, KINDS[kinds], str(item_id))
            rows = cur.execute(REVISIONS.format(content="") + " ORDER BY number DESC LIMIT %s OFFSET %s",
                               [str(item_id), limit, offset]).fetchall()
        return jsonify(page([public(r) for r in rows], row["revision_count"], limit, offset))

    @bp.get(f"{PAGE_PATH}/revisions/<int:number>")
    @bp.response(200, RevisionView, description="the revision, with its content")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def read_revision(kinds, item_id, number):
        """Read one revision of a page

        A visible revision of a visible page, with its whole content. 404 `not_found` naming `revision`
        for one that does not exist or is hidden. Anyone may read.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            require_page(cur, KINDS[kinds], str(item_id))
            revision = visible_revision(cur, KINDS[kinds], str(item_id), number, "revision")
        return jsonify(revision)

    @bp.get(f"{PAGE_PATH}/diff")
    @bp.arguments(DiffQuery, location="query")
    @bp.response(200, PageDiff, description="the word diff, field by field")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def page_diff(query, kinds, item_id):
        """Compare two revisions of a page

        The word diff from revision `from` to revision `to` of a visible page, field by field; both must
        be visible (404 `not_found` naming the one that is not). Anyone may read.
        """
        kind, older, newer = KINDS[kinds], query["from_"], query["to"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            require_page(cur, kind, str(item_id))
            old, new = (visible_revision(cur, kind, str(item_id), n, f) for n, f in ((older, "from"), (newer, "to")))
        old_text, new_text = (text_fields(kind, r["content"]) for r in (old, new))
        fields = {name: diff_words(old_text[name], text) for name, text in new_text.items()}
        changed = [name for name, chunks in fields.items() if any(c["op"] != "equal" for c in chunks)]
        return jsonify({"from": older, "to": newer, "changed": changed, "fields": fields})

    @bp.get(f"{PAGE_PATH}/audit")
    @bp.response(200, AuditView, description="the page with everything hidden in it")
    @bp.refuses("forbidden", "not_found")
    @bp.requires(AUDITOR)
    def audit_page(kinds, item_id):
        """Audit a page

        Everything about a barrier or solution, hidden or not: every revision with its content, every
        moderation decision and flag, and the discussion with hidden comments' words. Needs the auditor role.
        """
        require_any_role(AUDITOR)
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = require_page(cur, KINDS[kinds], str(item_id), include_hidden=True)
            revisions = cur.execute(REVISIONS.format(content=", content") + " ORDER BY number",
                                    [str(item_id)]).fetchall()
            decisions = cur.execute(DECISIONS + " WHERE d.item_id = %s ORDER BY d.at, d.version",
                                    [str(item_id)]).fetchall()
            flags = cur.execute(f"SELECT {FLAG_FIELDS} FROM kb_flags WHERE item_id = %s ORDER BY at",
                                [str(item_id)]).fetchall()
            extras = carried(cur, str(item_id), include_hidden=True)
        return jsonify(page_view(row) | {"hidden": row["hidden"], "revisions": revisions, "decisions": decisions,
                                         "flags": flags} | extras)

    @bp.get("/moderation-log")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, page_of(DecisionView, "ModerationLog"), description="a page of decisions, newest first")
    @bp.requires(ANYONE)
    def moderation_log(query):
        """Read the moderation log

        Every moderation decision on the knowledge base, newest first: what was done to which page, by
        whom, when and why. Public, so moderation can be held to account. Anyone may read.
        """
        limit, offset = query["limit"], query["offset"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(DECISIONS + " ORDER BY d.at DESC, d.item_id, d.version DESC LIMIT %s OFFSET %s",
                               [limit, offset]).fetchall()
            total = one(cur.execute("SELECT count(*) AS n FROM kb_decisions"))["n"]
        return jsonify(page(rows, total, limit, offset))

    @bp.get("/flags")
    @bp.arguments(FlagsQuery, location="query")
    @bp.response(200, page_of(FlagInQueue, "FlagQueue"), description="a page of flags, oldest first")
    @bp.refuses("forbidden")
    @bp.requires(MODERATOR)
    def flag_queue(query):
        """Read the flag queue

        The flags in one `status` (open by default), oldest first, each with its page. Needs the
        moderator role (auditors may read it too).
        """
        require_any_role(MODERATOR, AUDITOR)
        limit, offset, status = query["limit"], query["offset"], query["status"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"SELECT item_id, kind, {FLAG_FIELDS} FROM kb_flags"
                               " WHERE status = %s ORDER BY at, flag_id LIMIT %s OFFSET %s",
                               [status, limit, offset]).fetchall()
            total = one(cur.execute("SELECT count(*) AS n FROM kb_flags WHERE status = %s", [status]))["n"]
        return jsonify(page(rows, total, limit, offset))

    return bp
