"""Following the knowledge base: recent changes and a person's watch list, as JSON pages and Atom feeds."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, jsonify, request
from psycopg.rows import dict_row

from shared.http import RequestRefused
from shared.projection import Projection

from ..consistency import wait_for_request_token
from . import atom
from .paging import page, page_args

CHANGES = (
    "SELECT r.item_id, p.kind, r.number AS revision, r.change, r.content->>'title' AS title, r.author, r.summary,"
    " r.at FROM kb_revisions r JOIN kb_pages p USING (item_id) WHERE NOT r.hidden AND NOT p.hidden"
    " AND (%(kind)s::text IS NULL OR p.kind = %(kind)s::text)"
    " AND (%(user)s::text IS NULL OR r.item_id IN (SELECT item_id FROM kb_watches WHERE user_id = %(user)s::text))"
)
WATCHED = (
    "SELECT w.item_id, p.kind, p.title, w.watched_at, p.updated_at FROM kb_watches w JOIN kb_pages p USING (item_id)"
    " WHERE w.user_id = %s AND NOT p.hidden AND p.revision IS NOT NULL ORDER BY w.watched_at, w.item_id"
)


def with_url(change: dict[str, Any]) -> dict[str, Any]:
    """A change with the address of the revision it made."""
    return change | {"url": f"/api/v1/{change['kind']}s/{change['item_id']}/revisions/{change['revision']}"}


def entries(changes: list[dict[str, Any]]) -> list[atom.Entry]:
    """Changes as Atom entries."""
    root = request.url_root.rstrip("/")
    return [atom.Entry(
        id=f"urn:charter:knowledge:{c['item_id']}:revision:{c['revision']}",
        title=f"{c['title']} ({c['kind']}, revision {c['revision']}, {c['change']})",
        updated=c["at"], author=c["author"], summary=c["summary"] or c["change"], link=root + c["url"],
    ) for c in changes]


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of recent changes and watch lists."""
    bp = Blueprint("knowledge_feeds", __name__, url_prefix="/api/v1")
    pool = projection.pool

    @bp.before_request
    def _read_your_writes() -> None:
        wait_for_request_token(projection, consistency_timeout_s)

    def changes(user: str | None) -> tuple[list[dict[str, Any]], int, int, int]:
        limit, offset = page_args()
        kind = request.args.get("kind") or None
        if kind not in (None, "barrier", "solution"):
            raise RequestRefused(400, "invalid_query", "kind must be barrier or solution", {"kind": ["unknown kind"]})
        params = {"kind": kind, "user": user, "limit": limit, "offset": offset}
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(CHANGES + " ORDER BY r.at DESC, r.item_id, r.number DESC"
                               " LIMIT %(limit)s OFFSET %(offset)s", params).fetchall()
            total = cur.execute(f"SELECT count(*) AS n FROM ({CHANGES}) c", params).fetchone()["n"]
        return [with_url(r) for r in rows], total, limit, offset

    @bp.get("/recent-changes")
    def recent_changes():
        """Recent revisions across the knowledge base, newest first."""
        return jsonify(page(*changes(None)))

    @bp.get("/recent-changes/feed")
    def recent_changes_feed():
        """Recent changes as an Atom feed."""
        return atom.feed("urn:charter:knowledge:recent-changes", "Interactive Charter: recent changes",
                         request.url, entries(changes(None)[0]))

    @bp.get("/watchlists/<user>")
    def watchlist(user):
        """The pages a person watches and their recent revisions."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            pages = cur.execute(WATCHED, [user]).fetchall()
        return jsonify({"user": user, "pages": pages, "changes": page(*changes(user))})

    @bp.get("/watchlists/<user>/feed")
    def watchlist_feed(user):
        """A person's watch list as an Atom feed."""
        return atom.feed(f"urn:charter:knowledge:watchlist:{quote(user, safe='')}",
                         f"Interactive Charter: pages {user} watches", request.url, entries(changes(user)[0]))

    return bp
