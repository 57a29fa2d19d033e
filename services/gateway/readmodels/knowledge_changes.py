"""Recent changes of the knowledge base and a person's watch list, read from the read models."""

from __future__ import annotations

from typing import Any

from flask import url_for

from shared.db import DictCursor, one

from ..identity.watchlists import WATCHED_PAGES

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


def changes(cur: DictCursor, user: str | None, kind: str | None, limit: int,
            offset: int) -> tuple[list[dict[str, Any]], int, int, int]:
    """A page of revisions, newest first, of the pages `user` watches (all if None), with its total."""
    params = {"kind": kind, "user": user, "limit": limit, "offset": offset}
    rows = cur.execute(CHANGES + NEWEST, params).fetchall()
    total = one(cur.execute(f"SELECT count(*) AS n FROM ({CHANGES}) c", params))["n"]
    return [with_url(r) for r in rows], total, limit, offset


def feed_url(user: str, key: str) -> str:
    """The address of the watch list's feed, with its key."""
    return url_for("knowledge_feeds.watchlist_feed", user=user, key=key)


def with_url(change: dict[str, Any]) -> dict[str, Any]:
    """A change with the address of the revision it made."""
    return change | {"url": f"/api/v1/{change['kind']}s/{change['item_id']}/revisions/{change['revision']}"}
