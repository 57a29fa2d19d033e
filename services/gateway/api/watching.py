"""Watching pages: `POST /api/v1/<page>/watch` and `/unwatch`, served by the gateway itself.

A watch list is the account's private state (identity/watchlists.py), not an event, so these writes
never reach the knowledge service and answer without a consistency token: the watch list reads them
at once. Whether the page exists and is visible is what the knowledge read model (`kb_pages`) says.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from marshmallow import Schema, fields
from psycopg.rows import dict_row

from shared.http import validated
from shared.openapi_legacy import documented
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import wait_for_request_token
from ..identity.watchlists import Watchlists
from ..readmodels.watching import unwatch, watch


class WatchBody(Schema):
    """Watching needs nothing but the page and the account: `{}`."""


class WatchReply(Schema):
    """The page, and whether it is now on your watch list."""

    item_id = fields.String(required=True)
    watching = fields.Boolean(required=True)
    watched_at = fields.DateTime()


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
    @documented(response=WatchReply, status=200, tag="knowledge")
    @validated(WatchBody())
    def unwatch_page(body: dict[str, Any], kinds: str, item_id):
        """Take the page off your watch list, even one hidden since."""
        unwatch(watchlists, require_principal().account_id, str(item_id))
        return jsonify({"item_id": str(item_id), "watching": False}), 200  # a removal: nothing is created

    return bp
