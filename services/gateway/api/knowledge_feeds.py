"""Following the knowledge base: recent changes and a person's watch list, as JSON pages and Atom feeds.

A watch list is personal: its JSON page answers only to its own account, and its feed (read by feed
readers, which cannot sign in) only at an address carrying the account's secret feed key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate
from psycopg.rows import dict_row

from shared.http import RequestRefused
from shared.openapi_legacy import documented
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import reads_your_writes
from ..edge.paging import MAX_LIMIT, page, paged
from ..identity.feed_keys import FeedKeys
from ..identity.names import is_account_id, shown
from ..readmodels.knowledge_changes import WATCHED, changes, feed_url
from ..readmodels.knowledge_reads import KINDS, kind_filter
from . import atom


class WatchlistFeedQuery(Schema):
    """The watch list feed's query: its key, and the page and kind of changes as elsewhere."""

    key = fields.String(required=True, metadata={"description": "the account's feed key (from its watch list)"})
    kind = fields.String(validate=validate.OneOf(tuple(KINDS.values())))
    limit = fields.Integer(validate=validate.Range(1, MAX_LIMIT))
    offset = fields.Integer(validate=validate.Range(0, 10**9))
    consistency_token = fields.String(validate=validate.Regexp(r"^.+@[0-9]+$"),
                                      metadata={"description": "a command's consistency token: wait until the read"
                                                               " includes that write"})


def require_own(user: str) -> None:
    """401 when anonymous, 403 naming `user` unless the reader is that account."""
    if require_principal().account_id != user:
        raise RequestRefused(403, "forbidden", "a watch list is only shown to its own account",
                             {"user": ["not your account"]})


def entries(changes: list[dict[str, Any]], names: dict[str, str]) -> list[atom.Entry]:
    """Changes as Atom entries, each author named by their display name (a feed reader shows it)."""
    root = request.url_root.rstrip("/")
    return [atom.Entry(
        id=f"urn:charter:knowledge:{c['item_id']}:revision:{c['revision']}",
        title=f"{c['title']} ({c['kind']}, revision {c['revision']}, {c['change']})",
        updated=c["at"], author=shown(c["author"], names), summary=c["summary"] or c["change"], link=root + c["url"],
    ) for c in changes]


def blueprint(projection: Projection, consistency_timeout_s: float, feed_keys: FeedKeys,
              names: Callable[[list[str]], dict[str, str]]) -> Blueprint:
    """Read routes of recent changes and watch lists; `names` gives the display names of account ids."""
    bp = Blueprint("knowledge_feeds", __name__, url_prefix="/api/v1")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    def read_changes(user: str | None) -> tuple[list[dict[str, Any]], int, int, int]:
        kind = kind_filter()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return changes(cur, user, kind)

    def named(rows: list[dict[str, Any]], *also: str) -> dict[str, str]:
        """The display names of the people a feed names: its entries' authors, and `also`."""
        ids = sorted({a for a in (*(c["author"] for c in rows), *also) if a and is_account_id(a)})
        return names(ids) if ids else {}

    @bp.get("/recent-changes")
    @paged
    def recent_changes():
        """Recent revisions across the knowledge base, newest first."""
        return jsonify(page(*read_changes(None)))

    @bp.get("/recent-changes/feed")
    def recent_changes_feed():
        """Recent changes as an Atom feed."""
        rows = read_changes(None)[0]
        return atom.feed("urn:charter:knowledge:recent-changes", "Interactive Charter: recent changes",
                         request.url, entries(rows, named(rows)))

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
        rows = read_changes(user)[0]
        people = named(rows, user)
        return atom.feed(f"urn:charter:knowledge:watchlist:{quote(user, safe='')}",
                         f"Interactive Charter: pages {shown(user, people)} watches", request.url,
                         entries(rows, people))

    return bp
