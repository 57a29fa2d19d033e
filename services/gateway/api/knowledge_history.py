"""Queries of how knowledge pages changed: history, one revision, diffs, the audit view, moderation."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from psycopg.rows import dict_row

from shared.contract.vocabulary import AUDITOR, MODERATOR
from shared.db import one
from shared.http import RequestRefused
from shared.projection import Projection
from shared.textdiff import diff_words

from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_args, paged
from ..readmodels.knowledge import text_fields
from ..readmodels.knowledge_reads import (
    DECISIONS,
    KINDS,
    REVISIONS,
    carried,
    page_view,
    public,
    require_any_role,
    require_page,
    revision_number,
)

PAGE_PATH = "/<any(barriers, solutions):kinds>/<uuid:item_id>"
FLAG_FIELDS = "flag_id, revision, reason, flagged_by, at, status, dismissed_by, dismissed_at, dismissal_reason"


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of page histories and moderation."""
    bp = Blueprint("knowledge_history", __name__, url_prefix="/api/v1")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    def visible_revision(cur, kind: str, item_id: str, number: int, field: str) -> dict:
        row = cur.execute(REVISIONS.format(content=", content") + " AND number = %s", [item_id, number]).fetchone()
        if row is None or row["hidden"]:
            raise RequestRefused(404, "not_found", f"this {kind} has no visible revision {number}",
                                 {field: ["unknown or hidden revision"]})
        return row

    @bp.get(f"{PAGE_PATH}/history")
    @paged
    def history(kinds, item_id):
        """A page's revisions, newest first; a hidden revision keeps its place but not its author or summary."""
        limit, offset = page_args()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = require_page(cur, KINDS[kinds], str(item_id))
            rows = cur.execute(REVISIONS.format(content="") + " ORDER BY number DESC LIMIT %s OFFSET %s",
                               [str(item_id), limit, offset]).fetchall()
        return jsonify(page([public(r) for r in rows], row["revision_count"], limit, offset))

    @bp.get(f"{PAGE_PATH}/revisions/<int:number>")
    def read_revision(kinds, item_id, number):
        """One visible revision of a page."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            require_page(cur, KINDS[kinds], str(item_id))
            revision = visible_revision(cur, KINDS[kinds], str(item_id), number, "revision")
        return jsonify(revision)

    @bp.get(f"{PAGE_PATH}/diff")
    def diff(kinds, item_id):
        """The word diff of two visible revisions of a page (`from`, `to`)."""
        kind, older, newer = KINDS[kinds], revision_number("from"), revision_number("to")
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            require_page(cur, kind, str(item_id))
            old, new = (visible_revision(cur, kind, str(item_id), n, f) for n, f in ((older, "from"), (newer, "to")))
        old_text, new_text = (text_fields(kind, r["content"]) for r in (old, new))
        fields = {name: diff_words(old_text[name], text) for name, text in new_text.items()}
        changed = [name for name, chunks in fields.items() if any(c["op"] != "equal" for c in chunks)]
        return jsonify({"from": older, "to": newer, "changed": changed, "fields": fields})

    @bp.get(f"{PAGE_PATH}/audit")
    def audit(kinds, item_id):
        """Everything about a page, hidden revisions and comments included (auditors)."""
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
    @paged
    def moderation_log():
        """Every moderation decision, newest first: what, by whom, when and why."""
        limit, offset = page_args()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(DECISIONS + " ORDER BY d.at DESC, d.item_id, d.version DESC LIMIT %s OFFSET %s",
                               [limit, offset]).fetchall()
            total = one(cur.execute("SELECT count(*) AS n FROM kb_decisions"))["n"]
        return jsonify(page(rows, total, limit, offset))

    @bp.get("/flags")
    @paged
    def flags():
        """Flags by `status` (open by default), oldest first (moderators and auditors)."""
        require_any_role(MODERATOR, AUDITOR)
        limit, offset = page_args()
        status = request.args.get("status", "open")
        if status not in ("open", "actioned", "dismissed"):
            raise RequestRefused(400, "invalid_query", "status must be open, actioned or dismissed",
                                 {"status": ["unknown"]})
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"SELECT item_id, kind, {FLAG_FIELDS} FROM kb_flags"
                               " WHERE status = %s ORDER BY at, flag_id LIMIT %s OFFSET %s",
                               [status, limit, offset]).fetchall()
            total = one(cur.execute("SELECT count(*) AS n FROM kb_flags WHERE status = %s", [status]))["n"]
        return jsonify(page(rows, total, limit, offset))

    return bp
