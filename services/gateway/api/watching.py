"""Watching pages: `POST /api/v1/<page>/watch` and `/unwatch`, served by the gateway itself.

A watch list is the account's private state (identity/watchlists.py), not an event, so these writes
never reach the knowledge service and answer without a consistency token: the watch list reads them
at once. Whether the page exists and is visible is what the knowledge read model (`kb_pages`) says.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from marshmallow import Schema, fields
from psycopg.rows import dict_row

from shared.openapi import ACCOUNT, Blueprint
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import wait_for_request_token
from ..identity.watchlists import Watchlists
from ..readmodels.watching import unwatch, watch

AREA = "Knowledge base"


class WatchBody(Schema):
    """Watching needs nothing but the page and the account: `{}`."""


class WatchReply(Schema):
    """The page, and whether it is now on your watch list."""

    item_id = fields.String(required=True, metadata={"description": "the page's id"})
    watching = fields.Boolean(required=True)
    watched_at = fields.DateTime(metadata={"description": "when it went on the list (a watch only)"})


def blueprint(projection: Projection, consistency_timeout_s: float, watchlists: Watchlists) -> Blueprint:
    """The watch and unwatch commands of every page."""
    bp = Blueprint("watching", __name__, url_prefix="/api/v1", area=AREA)

    def watched(kinds: str, item_id: str):
        # The page is checked in the read model: a token makes the check see the asker's own recent write.
        wait_for_request_token(projection, consistency_timeout_s)
        with projection.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            at = watch(cur, watchlists, require_principal().account_id, kinds, item_id)
        return jsonify({"item_id": item_id, "watching": True, "watched_at": at}), 201

    def unwatched(item_id: str):
        unwatch(watchlists, require_principal().account_id, item_id)
        return jsonify({"item_id": item_id, "watching": False}), 200  # a removal: nothing is created

    # Static first segments, so these outrank the generic forwarding of `/<resource>/<path:rest>`.
    @bp.post("/barriers/<uuid:barrier_id>/watch")
    @bp.arguments(WatchBody)
    @bp.response(201, WatchReply, description="the barrier is on your watch list")
    @bp.refuses("not_found", "conflict")
    @bp.requires(ACCOUNT)
    def watch_barrier(body: dict[str, Any], barrier_id):
        """Watch a barrier

        Puts a visible barrier on your watch list, so its changes show in your watch list and its feed.
        404 `not_found` for an unknown barrier; 409 `conflict` if it is hidden, already watched, or the
        list is full (1000 pages). Send the `consistency_token` of the proposal to watch a barrier you
        have just proposed. Needs an account.
        """
        return watched("barriers", str(barrier_id))

    @bp.post("/solutions/<uuid:solution_id>/watch")
    @bp.arguments(WatchBody)
    @bp.response(201, WatchReply, description="the solution is on your watch list")
    @bp.refuses("not_found", "conflict")
    @bp.requires(ACCOUNT)
    def watch_solution(body: dict[str, Any], solution_id):
        """Watch a solution

        As watching a barrier, for a solution. Needs an account.
        """
        return watched("solutions", str(solution_id))

    @bp.post("/barriers/<uuid:barrier_id>/unwatch")
    @bp.arguments(WatchBody)
    @bp.response(200, WatchReply, description="the barrier is off your watch list")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def unwatch_barrier(body: dict[str, Any], barrier_id):
        """Stop watching a barrier

        Takes the barrier off your watch list, even one hidden since; 404 `not_found` if you do not
        watch it. Needs an account.
        """
        return unwatched(str(barrier_id))

    @bp.post("/solutions/<uuid:solution_id>/unwatch")
    @bp.arguments(WatchBody)
    @bp.response(200, WatchReply, description="the solution is off your watch list")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def unwatch_solution(body: dict[str, Any], solution_id):
        """Stop watching a solution

        Takes the solution off your watch list, even one hidden since; 404 `not_found` if you do not
        watch it. Needs an account.
        """
        return unwatched(str(solution_id))

    return bp
