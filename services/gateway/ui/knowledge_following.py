"""Following the knowledge base: recent changes across it, and the reader's watch list, each with its Atom feed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from ..api.knowledge_feeds import CHANGES, WATCHED
from ..api.knowledge_reads import filters
from ..api.paging import page_args
from .web import Ui, page, require_account

NEWEST = " ORDER BY r.at DESC, r.item_id, r.number DESC LIMIT %(limit)s OFFSET %(offset)s"


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the recent changes and watch list pages."""

    def changes(user: str | None, kind: str | None = None) -> dict[str, Any]:
        limit, offset = page_args()
        params = {"kind": kind, "user": user, "limit": limit, "offset": offset}
        with ui.cursor() as cur:
            rows = cur.execute(CHANGES + NEWEST, params).fetchall()
            total = cur.execute(f"SELECT count(*) AS n FROM ({CHANGES}) c", params).fetchone()["n"]
        return {"changes": rows, "total": total, "limit": limit, "offset": offset}

    @bp.get("/knowledge/changes")
    def recent_changes():
        kind = filters()["kind"]
        return page("knowledge/changes.html", kind=kind, feed=url_for("knowledge_feeds.recent_changes_feed"),
                    **changes(None, kind))

    @bp.get("/knowledge/watchlist")
    def watchlist():
        user = require_account().account_id
        with ui.cursor() as cur:
            pages = cur.execute(WATCHED, [user]).fetchall()
        return page("knowledge/watchlist.html", pages=pages,
                    feed=url_for("knowledge_feeds.watchlist_feed", user=user), **changes(user))
