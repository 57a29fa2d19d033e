"""Following the knowledge base: recent changes and a person's watch list, as JSON pages and Atom feeds.

A watch list is personal: its JSON page answers only to its own account, and its feed (read by feed
readers, which cannot sign in) only at an address carrying the account's secret feed key.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, jsonify, request, url_for
from marshmallow import Schema, fields, validate
from psycopg import Cursor
from psycopg.rows import dict_row

from shared.http import RequestRefused
from shared.openapi import documented
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import wait_for_request_token
from ..identity.feed_keys import FeedKeys
from ..identity.watchlists import WATCHED_PAGES
from . import atom
from .knowledge_reads import KINDS, kind_filter
from .paging import MAX_LIMIT, page, page_args

# A watch list is the account's own state (identity/watchlists.py), joined here with the read models.
CHANGES = (
    "SELECT r.item_id, p.kind, r.number AS revision, r.change, r.content->>'title' AS title, r.author, r.summary,"
    " r.at FROM kb_revisions r JOIN kb_pages p USING (item_id) WHERE NOT r.hidden AND NOT p.hidden"
    " AND (%(kind)s::text IS NULL OR p.kind = %(kind)s::text)"
    f" AND (%(user)s::text IS NULL OR r.item_id IN (SELECT item_id FROM {WATCHED_PAGES}"
    " WHERE account_id = %(user)s::text))"
)
NEWEST = " ORDER BY r.at DESC, r.item_id, r.number DESC LIMIT %(limit)s OFFSET %(offset)s"
WATCHED = (
    f"SELECT w.item_id, p.kind, p.title, w.watched_at, p.updated_at FROM {WATCHED_PAGES} w"
    " JOIN kb_pages p USING (item_id)"
    " WHERE w.account_id = %s AND NOT p.hidden AND p.revision IS NOT NULL ORDER BY w.watched_at, w.item_id"
)


class WatchlistFeedQuery(Schema):
    """The watch list feed's query: its key, and the page and kind of changes as elsewhere."""

    key = fields.String(required=True, metadata={"description": "the account's feed key (from its watch list)"})
    kind = fields.String(validate=validate.OneOf(tuple(KINDS.values())))
    limit = fields.Integer(validate=validate.Range(1, MAX_LIMIT))
    offset = fields.Integer(validate=validate.Range(0, 10**9))
    consistency_token = fields.String(validate=validate.Regexp(r"^.+@[0-9]+$"),
                                      metadata={"description": "a command's consistency token: wait until the read"
                                                               " includes that write"})


def changes(cur: Cursor, user: str | None, kind: str | None = None) -> tuple[list[dict[str, Any]], int, int, int]:
    """The requested page of revisions, newest first, of the pages `user` watches (all if None), with its total."""
    limit, offset = page_args()
    params = {"kind": kind, "user": user, "limit": limit, "offset": offset}
    rows = cur.execute(CHANGES + NEWEST, params).fetchall()
    total = cur.execute(f"SELECT count(*) AS n FROM ({CHANGES}) c", params).fetchone()["n"]
    return [with_url(r) for r in rows], total, limit, offset


def require_own(user: str) -> None:
    """401 when anonymous, 403 naming `user` unless the reader is that account."""
    if require_principal().account_id != user:
        raise RequestRefused(403, "forbidden", "a watch list is only shown to its own account",
                             {"user": ["not your account"]})


def feed_url(user: str, key: str) -> str:
    """The address of the watch list's feed, with its key."""
    return url_for("knowledge_feeds.watchlist_feed", user=user, key=key)


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


def blueprint(projection: Projection, consistency_timeout_s: float, feed_keys: FeedKeys) -> Blueprint:
    """Read routes of recent changes and watch lists."""
    bp = Blueprint("knowledge_feeds", __name__, url_prefix="/api/v1")
    pool = projection.pool

    @bp.before_request
    def _read_your_writes() -> None:
        wait_for_request_token(projection, consistency_timeout_s)

    def read_changes(user: str | None) -> tuple[list[dict[str, Any]], int, int, int]:
        kind = kind_filter()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return changes(cur, user, kind)

    @bp.get("/recent-changes")
    def recent_changes():
        """Recent revisions across the knowledge base, newest first."""
        return jsonify(page(*read_changes(None)))

    @bp.get("/recent-changes/feed")
    def recent_changes_feed():
        """Recent changes as an Atom feed."""
        return atom.feed("urn:charter:knowledge:recent-changes", "Interactive Charter: recent changes",
                         request.url, entries(read_changes(None)[0]))

    @bp.get("/watchlists/<user>")
    @documented(authenticated=True, description="your watch list: its pages, their changes, and its feed's address")
    def watchlist(user):
        """The pages you watch and their recent revisions (only your own watch list: 403 for anyone else's)."""
        require_own(user)
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            pages = cur.execute(WATCHED, [user]).fetchall()
        return jsonify({"user": user, "pages": pages, "changes": page(*read_changes(user)),
                        "feed": feed_url(user, feed_keys.key(user))})

    @bp.get("/watchlists/<user>/feed")
    @documented(query=WatchlistFeedQuery(), response=None, description="an Atom feed")
    def watchlist_feed(user):
        """A person's watch list as an Atom feed, at the address with their feed key (404 without it)."""
        if not feed_keys.opens(user, request.args.get("key", "")):
            # The same answer for an unknown account: the feed must not tell which accounts exist.
            raise RequestRefused(404, "not_found", "there is no watch list feed at this address",
                                 {"key": ["unknown feed key"]})
        return atom.feed(f"urn:charter:knowledge:watchlist:{quote(user, safe='')}",
                         f"Interactive Charter: pages {user} watches", request.url, entries(read_changes(user)[0]))

    return bp
