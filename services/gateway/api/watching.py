"""Watching pages: `POST /api/v1/<page>/watch` and `/unwatch`, served by the gateway itself.

A watch list is the account's private state (identity/watchlists.py), not an event, so these writes
never reach the knowledge service and answer without a consistency token: the watch list reads them
at once. Whether the page exists and is visible is what the knowledge read model (`kb_pages`) says.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify
from marshmallow import Schema, fields
from psycopg import Cursor
from psycopg.rows import dict_row

from shared.http import RequestRefused, validated
from shared.openapi import documented
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import wait_for_request_token
from ..identity.watchlists import Watchlists, WatchRefused
from .knowledge_reads import KINDS

PAGE_STATE = "SELECT hidden FROM kb_pages WHERE item_id = %s AND kind = %s"


class WatchBody(Schema):
    """Watching needs nothing but the page and the account: `{}`."""


class WatchReply(Schema):
    """The page, and whether it is now on your watch list."""

    item_id = fields.String(required=True)
    watching = fields.Boolean(required=True)
    watched_at = fields.DateTime()


def watch(cur: Cursor, watchlists: Watchlists, account_id: str, kinds: str, item_id: str) -> datetime:
    """Put a visible page on the account's watch list: 404 naming `<kind>_id` if unknown, 409 if hidden."""
    kind = KINDS[kinds]
    page = cur.execute(PAGE_STATE, [item_id, kind]).fetchone()
    if page is None:
        message = f"there is no {kind} {item_id}"
        raise RequestRefused(404, "not_found", message, {f"{kind}_id": [message]})
    if page["hidden"]:
        raise as_refusal(WatchRefused(409, "a hidden page cannot be watched"))
    try:
        return watchlists.watch(account_id, item_id)
    except WatchRefused as exc:
        raise as_refusal(exc) from None


def unwatch(watchlists: Watchlists, account_id: str, item_id: str) -> None:
    """Take a page off the account's watch list (404 naming `item_id` if it is not on it)."""
    try:
        watchlists.unwatch(account_id, item_id)
    except WatchRefused as exc:
        raise as_refusal(exc) from None


def as_refusal(exc: WatchRefused) -> RequestRefused:
    """A watch list's refusal in the API's error shape, naming `item_id`."""
    return RequestRefused(exc.status, "not_found" if exc.status == 404 else "conflict", exc.message,
                          {"item_id": [exc.message]})


def blueprint(projection: Projection, consistency_timeout_s: float, watchlists: Watchlists) -> Blueprint:
    """The watch and unwatch commands of every page."""
    bp = Blueprint("watching", __name__, url_prefix="/api/v1")

    # Static first segments, so these outrank the generic forwarding of `/<resource>/<path:rest>`.
    @bp.post("/barriers/<uuid:item_id>/watch", defaults={"kinds": "barriers"})
    @bp.post("/solutions/<uuid:item_id>/watch", defaults={"kinds": "solutions"})
    @documented(response=WatchReply, status=201, tag="knowledge")
    @validated(WatchBody())
    def watch_page(body: dict[str, Any], kinds: str, item_id):
        """Put the page on your watch list (pass a `consistency_token` to watch a page you have just written)."""
        # The page is checked in the read model: a token makes the check see the asker's own recent write.
        wait_for_request_token(projection, consistency_timeout_s)
        with projection.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            at = watch(cur, watchlists, require_principal().account_id, kinds, str(item_id))
        return jsonify({"item_id": str(item_id), "watching": True, "watched_at": at}), 201

    @bp.post("/barriers/<uuid:item_id>/unwatch", defaults={"kinds": "barriers"})
    @bp.post("/solutions/<uuid:item_id>/unwatch", defaults={"kinds": "solutions"})
    @documented(response=WatchReply, status=201, tag="knowledge")
    @validated(WatchBody())
    def unwatch_page(body: dict[str, Any], kinds: str, item_id):
        """Take the page off your watch list, even one hidden since."""
        unwatch(watchlists, require_principal().account_id, str(item_id))
        return jsonify({"item_id": str(item_id), "watching": False}), 201

    return bp
