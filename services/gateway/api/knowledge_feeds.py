"""Following the knowledge base: recent changes and a person's watch list, as JSON pages and Atom feeds.

A watch list is personal: its JSON page answers only to its own account, and its feed (read by feed
readers, which cannot sign in) only at an address carrying the account's secret feed key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import jsonify, request
from marshmallow import Schema, fields, validate
from psycopg.rows import dict_row

from shared.http import RequestRefused
from shared.openapi import ACCOUNT, ANYONE, Blueprint
from shared.projection import Projection

from ..edge.auth import require_principal
from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_of
from ..edge.people import person
from ..identity.feed_keys import FeedKeys
from ..identity.names import is_account_id, shown
from ..readmodels.knowledge_changes import WATCHED, changes, feed_url
from ..readmodels.knowledge_reads import (
    KINDS,
    NO_NUL,
    KindQuery,
)
from . import atom

AREA = "Knowledge base"
ATOM = {"200": {"description": "an Atom feed (RFC 4287) of the changes, newest first",
                "content": {atom.MEDIA_TYPE: {"schema": {"type": "string"}}}}}


class WatchlistFeedQuery(KindQuery):
    """The watch list feed's query: its key, and the page and kind of changes as elsewhere."""

    # Not required: a missing key is answered as a wrong one is (404), so the feed tells nothing either way.
    key = fields.String(load_default="", validate=NO_NUL, metadata={
        "description": "the account's feed key, in the `feed` address of its watch list (404 without the right one)"})


class Change(Schema):
    """A revision made to a visible page: what changed, by whom and when, and where to read it."""

    item_id = fields.String(required=True, metadata={"description": "the page's id"})
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KINDS.values())))
    revision = fields.Integer(required=True)
    change = fields.String(required=True, validate=validate.OneOf(("proposed", "edited", "restored", "reverted")))
    title = fields.String(required=True, allow_none=True, metadata={"description": "the page's title in it"})
    author = fields.String(required=True, metadata={"description": "the author's account id"})
    author_person = person("author")
    summary = fields.String(required=True)
    at = fields.DateTime(required=True)
    url = fields.String(required=True, metadata={"description": "the revision's address in this API"})


Changes = page_of(Change, "Changes")


class WatchedPage(Schema):
    """A visible page on the watch list."""

    item_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KINDS.values())))
    title = fields.String(required=True)
    watched_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class Watchlist(Schema):
    """Your watch list: its visible pages, a page of their recent revisions, and the address of its feed."""

    user = fields.String(required=True, metadata={"description": "your account id"})
    user_person = person("user")
    pages = fields.List(fields.Nested(WatchedPage), required=True)
    changes = fields.Nested(Changes, required=True)
    feed = fields.String(required=True, metadata={
        "description": "the Atom feed's address, with its secret key: keep it to yourself"})


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
    bp = Blueprint("knowledge_feeds", __name__, url_prefix="/api/v1", area=AREA)
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    def read_changes(user: str | None, query: dict[str, Any]) -> tuple[list[dict[str, Any]], int, int, int]:
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return changes(cur, user, query.get("kind"), query["limit"], query["offset"])

    def named(rows: list[dict[str, Any]], *also: str) -> dict[str, str]:
        """The display names of the people a feed names: its entries' authors, and `also`."""
        ids = sorted({a for a in (*(c["author"] for c in rows), *also) if a and is_account_id(a)})
        return names(ids) if ids else {}

    @bp.get("/recent-changes")
    @bp.arguments(KindQuery, location="query")
    @bp.response(200, Changes, description="a page of revisions, newest first")
    @bp.requires(ANYONE)
    def recent_changes(query):
        """Read recent changes

        The revisions made to visible pages of the knowledge base, newest first, optionally of one
        `kind` of page. Anyone may read.
        """
        return jsonify(page(*read_changes(None, query)))

    @bp.get("/recent-changes/feed")
    @bp.arguments(KindQuery, location="query")
    @bp.doc(responses=ATOM)
    @bp.requires(ANYONE)
    def recent_changes_feed(query):
        """Follow recent changes as a feed

        The recent changes as an Atom feed, for feed readers. Anyone may read.
        """
        rows = read_changes(None, query)[0]
        return atom.feed("urn:charter:knowledge:recent-changes", "Interactive Charter: recent changes",
                         request.url, entries(rows, named(rows)))

    @bp.get("/watchlists/<user>")
    @bp.arguments(KindQuery, location="query")
    @bp.response(200, Watchlist, description="your watch list")
    @bp.refuses("forbidden")
    @bp.requires(ACCOUNT)
    def watchlist(query, user):
        """Read your watch list

        The visible pages you watch, a page of their recent revisions (optionally of one `kind`), and
        the secret address of its Atom feed. `user` is your account id: anyone else's watch list is
        refused with 403 `forbidden`. Needs an account.
        """
        require_own(user)
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            pages = cur.execute(WATCHED, [user]).fetchall()
        return jsonify({"user": user, "pages": pages, "changes": page(*read_changes(user, query)),
                        "feed": feed_url(user, feed_keys.key(user))})

    @bp.get("/watchlists/<user>/feed")
    @bp.arguments(WatchlistFeedQuery, location="query")
    @bp.doc(responses=ATOM)
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def watchlist_feed(query, user):
        """Follow a watch list as a feed

        A person's watch list as an Atom feed, at the address with their feed `key` (the `feed` of
        their watch list), so that feed readers, which cannot sign in, can read it. A wrong key or an
        unknown account is answered with the same 404 `not_found`. Needs no account, only the key.
        """
        if not feed_keys.opens(user, query["key"]):
            # The same answer for an unknown account: the feed must not tell which accounts exist.
            raise RequestRefused(404, "not_found", "there is no watch list feed at this address",
                                 {"key": ["unknown feed key"]})
        rows = read_changes(user, query)[0]
        people = named(rows, user)
        return atom.feed(f"urn:charter:knowledge:watchlist:{quote(user, safe='')}",
                         f"Interactive Charter: pages {shown(user, people)} watches", request.url,
                         entries(rows, people))

    return bp
