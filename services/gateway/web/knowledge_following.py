"""Following the knowledge base: recent changes across it, and the reader's watch list, each with its Atom feed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from ..edge.paging import page_args
from ..readmodels.knowledge_changes import WATCHED, changes, feed_url
from ..readmodels.knowledge_reads import filters
from .web import Ui, done, page, require_account

# The page carries the secret feed address: no shared cache may keep it.
NOT_KEPT = {"Cache-Control": "private, no-store"}


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the recent changes and watch list pages, and resetting the watch list's feed key."""

    def changes_page(user: str | None, kind: str | None = None) -> dict[str, Any]:
        with ui.cursor() as cur:
            rows, total, limit, offset = changes(cur, user, kind, *page_args())
        return {"changes": rows, "total": total, "limit": limit, "offset": offset}

    @bp.get("/knowledge/changes")
    def recent_changes():
        kind = filters(request.args)["kind"]
        return page("knowledge/changes.html", kind=kind, feed=url_for("knowledge_feeds.recent_changes_feed"),
                    **changes_page(None, kind))

    @bp.get("/knowledge/watchlist")
    def watchlist():
        user = require_account().account_id
        with ui.cursor() as cur:
            pages = cur.execute(WATCHED, [user]).fetchall()
        feed = feed_url(user, ui.identity.feed_keys.key(user))
        html, status = page("knowledge/watchlist.html", pages=pages, feed=feed, **changes_page(user))
        return html, status, NOT_KEPT

    @bp.post("/knowledge/watchlist/feed-key")
    def reset_feed_key():
        ui.identity.feed_keys.reset(require_account("/knowledge/watchlist").account_id)
        return done("ui.watchlist", "feed_key_reset")
