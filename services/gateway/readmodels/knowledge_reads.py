"""Reading the knowledge read models for the query routes: pages, what they carry, filters and roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from shared.contract.vocabulary import CATEGORIES
from shared.db import DictCursor
from shared.http import RequestRefused

from ..edge.auth import current_roles, require_principal
from ..edge.paging import PageQuery
from ..edge.people import person

Row = dict[str, Any]
KINDS = {"barriers": "barrier", "solutions": "solution"}
FLAG_STATUSES = ("open", "actioned", "dismissed")
PAGE = (
    "SELECT p.item_id, p.kind, p.revision, p.title, p.content, p.category, p.tags, p.barrier_ids, p.created_by,"
    " p.created_at, p.updated_at, p.hidden,"
    " (SELECT count(*) FROM kb_revisions r WHERE r.item_id = p.item_id) AS revision_count,"
    " (SELECT count(*) FROM kb_endorsements e WHERE e.item_id = p.item_id) AS endorsement_count"
    " FROM kb_pages p"
)
VISIBLE = "NOT p.hidden AND p.revision IS NOT NULL"


def not_found(kind: str) -> RequestRefused:
    """A 404 naming the page's id field."""
    return RequestRefused(404, "not_found", f"no visible {kind} with this id", {f"{kind}_id": [f"unknown {kind}"]})


def require_page(cur: DictCursor, kind: str, item_id: str, *, include_hidden: bool = False) -> Row:
    """The page's row, or a 404 naming `<kind>_id` (hidden pages count as missing unless asked)."""
    row = cur.execute(PAGE + " WHERE p.item_id = %s AND p.kind = %s", [item_id, kind]).fetchone()
    if row is None or (not include_hidden and (row["hidden"] or row["revision"] is None)):
        raise not_found(kind)
    return row


def page_view(row: Row) -> Row:
    """A page row as the API shows it: its id under its kind's name and its current content flattened."""
    content = row["content"] or {}
    return {f"{row['kind']}_id": row["item_id"], "revision": row["revision"], **content,
            "revision_count": row["revision_count"], "endorsement_count": row["endorsement_count"],
            "created_by": row["created_by"], "created_at": row["created_at"], "updated_at": row["updated_at"]}


def carried(cur: DictCursor, item_id: str, *, include_hidden: bool = False) -> Row:
    """What people added to a page: endorsements, photos, protection and its discussion."""
    endorsements = cur.execute("SELECT organisation, endorsed_by, at FROM kb_endorsements WHERE item_id = %s"
                               " ORDER BY at, organisation", [item_id]).fetchall()
    photos = cur.execute("SELECT sha256, media_type, size, alt_text, attached_by, at FROM kb_photos"
                         " WHERE item_id = %s ORDER BY at, sha256", [item_id]).fetchall()
    protection = cur.execute("SELECT until, reason, moderator, at FROM kb_protection WHERE item_id = %s"
                             " AND until > now()", [item_id]).fetchone()
    return {
        "endorsements": {"count": len(endorsements), "items": endorsements},
        "photos": [p | {"url": f"/api/v1/photos/{p['sha256']}"} for p in photos],
        "protection": protection,
        "discussion": discussion(cur, item_id, include_hidden=include_hidden),
    }


def discussion(cur: DictCursor, item_id: str, *, include_hidden: bool = False) -> list[Row]:
    """The page's comments as threads: each top-level comment followed by its replies, each part oldest first.
    A hidden comment keeps its place in the thread but not its words."""
    rows = cur.execute("SELECT comment_id, reply_to, body, posted_by, at, hidden FROM kb_comments"
                       " WHERE item_id = %s ORDER BY at, comment_id LIMIT 500", [item_id]).fetchall()
    rows = threaded(rows)
    if include_hidden:
        return rows
    return [r | {"body": None, "posted_by": None} if r["hidden"] else r for r in rows]


def threaded(rows: list[Row]) -> list[Row]:
    """Rows in time order, regrouped so that every reply (to any depth) follows its thread's first comment."""
    parent = {r["comment_id"]: r["reply_to"] for r in rows}

    def root(comment_id: str) -> str:
        seen = set()
        while parent.get(comment_id) in parent and comment_id not in seen:
            seen.add(comment_id)
            comment_id = parent[comment_id]
        return comment_id

    order = {r["comment_id"]: n for n, r in enumerate(rows)}
    return sorted(rows, key=lambda r: (order[root(r["comment_id"])], r["reply_to"] is not None, order[r["comment_id"]]))


# PostgreSQL cannot store or compare text holding NUL: a query value with one is refused (400), not a 500.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="contains a NUL character")


class KindQuery(PageQuery):
    """A page of a list of changes, optionally of one kind of page."""

    kind = fields.String(validate=validate.OneOf(tuple(KINDS.values())), metadata={
        "description": "only barriers or only solutions"})


class BrowseQuery(PageQuery):
    """A page of barriers or solutions, filtered by category and tag."""

    category = fields.String(validate=validate.OneOf(CATEGORIES), metadata={
        "description": "only pages in this category (a solution is in the categories of the barriers it solves)"})
    tag = fields.String(validate=[validate.Length(max=50), NO_NUL],
                        metadata={"description": "only pages with this tag"})


class FilterQuery(BrowseQuery, KindQuery):
    """A page of a search of the knowledge base, filtered by category, tag and kind."""


def filters(args: Mapping[str, Any]) -> dict[str, str | None]:
    """The `category`, `tag` and `kind` filters of a list or search, from its query, or a 400 naming the bad one."""
    category, tag = (args.get(n) or None for n in ("category", "tag"))
    if category is not None and category not in CATEGORIES:
        raise RequestRefused(400, "invalid_query", f"category must be one of {', '.join(CATEGORIES)}",
                             {"category": ["unknown category"]})
    if tag is not None and len(tag) > 50:
        raise RequestRefused(400, "invalid_query", "tag must be at most 50 characters", {"tag": ["too long"]})
    return {"category": category, "tag": tag.strip().lower() if tag else None, "kind": kind_filter(args)}


def kind_filter(args: Mapping[str, Any]) -> str | None:
    """The `kind` of a query (barrier or solution, or None), or a 400 naming it."""
    kind = args.get("kind") or None
    if kind is not None and kind not in KINDS.values():
        raise RequestRefused(400, "invalid_query", "kind must be barrier or solution", {"kind": ["unknown kind"]})
    return kind


def filter_clauses(f: Mapping[str, Any]) -> list[str]:
    """SQL conditions for the given filters; a solution is in a category when a barrier it solves is."""
    clauses = [VISIBLE]
    if f["category"]:
        clauses.append("(p.category = %(category)s OR EXISTS (SELECT 1 FROM kb_pages b"
                       " WHERE b.item_id = ANY(p.barrier_ids) AND b.category = %(category)s))")
    if f["tag"]:
        clauses.append("p.tags @> ARRAY[%(tag)s]::text[]")
    if f["kind"]:
        clauses.append("p.kind = %(kind)s")
    return clauses


def roles() -> frozenset[str]:
    """The roles of whoever is reading."""
    return frozenset(r.strip() for r in current_roles().split(",") if r.strip())


def require_any_role(*wanted: str) -> None:
    """A 401 for a reader with no account, a 403 for one holding none of the `wanted` roles."""
    require_principal()
    if not roles() & set(wanted):
        raise RequestRefused(403, "forbidden", f"only a reader with the {' or '.join(wanted)} role may see this")


SEARCH = (
    "SELECT p.item_id, p.kind, p.title, p.category, p.tags, p.revision, p.updated_at, left(p.body, 280) AS excerpt,"
    " ts_rank(p.search, q) AS rank FROM kb_pages p, websearch_to_tsquery('english', %(q)s) q"
    " WHERE p.search @@ q AND {where} ORDER BY rank DESC, p.updated_at DESC, p.item_id"
)


SOLUTIONS_OF = (
    "SELECT p.item_id AS solution_id, p.title, p.content->'organisations' AS organisations,"
    " (SELECT count(*) FROM kb_endorsements e WHERE e.item_id = p.item_id) AS endorsement_count"
    " FROM kb_pages p WHERE p.kind = 'solution' AND %s = ANY(p.barrier_ids) AND NOT p.hidden"
    " AND p.revision IS NOT NULL ORDER BY endorsement_count DESC, p.updated_at DESC LIMIT 100"
)


REVISIONS = ("SELECT number AS revision, change, author, summary, at, restored_from, hidden{content}"
             " FROM kb_revisions WHERE item_id = %s")


DECISIONS = ("SELECT d.item_id, d.kind, CASE WHEN p.hidden THEN NULL ELSE p.title END AS title, d.action,"
             " d.revision, d.subject, d.moderator, d.reason, d.at FROM kb_decisions d"
             " LEFT JOIN kb_pages p USING (item_id)")


def public(revision: dict) -> dict:
    """A history entry as the public sees it: a hidden revision keeps its place but not who or why."""
    return revision | {"author": None, "summary": None} if revision["hidden"] else revision


def revision_number(args: Mapping[str, Any], name: str) -> int:
    """The revision number `name` of a query, or a 400 naming it."""
    raw = str(args.get(name, ""))
    if not raw.isdigit() or int(raw) < 1:
        raise RequestRefused(400, "invalid_query", f"{name} must be a revision number", {name: ["expected 1 or more"]})
    return int(raw)


# The replies of the knowledge reads, as the queries above shape them (types and nullability from the tables).

class PageCounts(Schema):
    """What every page view carries besides its content: its revision, counts and who made it when."""

    revision = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the latest visible revision (null only in the audit view, when every one is hidden)"})
    revision_count = fields.Integer(required=True)
    endorsement_count = fields.Integer(required=True)
    created_by = fields.String(required=True, metadata={"description": "the account id of who proposed it"})
    created_by_person = person("created_by")
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class BarrierSummary(PageCounts):
    """A barrier as lists show it: its current revision's content."""

    barrier_id = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    tags = fields.List(fields.String(), required=True)


class SolutionSummary(PageCounts):
    """A solution as lists show it: its current revision's content."""

    solution_id = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    steps = fields.List(fields.String(), required=True)
    barrier_ids = fields.List(fields.String(), required=True, metadata={"description": "the barriers it solves"})
    organisations = fields.List(fields.String(), required=True, metadata={"description": "who used it"})
    tags = fields.List(fields.String(), required=True)


class EndorsementView(Schema):
    """An organisation's endorsement of a page."""

    organisation = fields.String(required=True)
    endorsed_by = fields.String(required=True, metadata={"description": "the account id of who gave it"})
    endorsed_by_person = person("endorsed_by")
    at = fields.DateTime(required=True)


class Endorsements(Schema):
    """A page's endorsements, oldest first."""

    count = fields.Integer(required=True)
    items = fields.List(fields.Nested(EndorsementView), required=True)


class PhotoView(Schema):
    """A photo on a page: its bytes are at `url`."""

    sha256 = fields.String(required=True)
    media_type = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    alt_text = fields.String(required=True)
    attached_by = fields.String(required=True)
    attached_by_person = person("attached_by")
    at = fields.DateTime(required=True)
    url = fields.String(required=True, metadata={"example": "/api/v1/photos/9f86d08…"})


class ProtectionView(Schema):
    """A moderator's protection of a page from edits, while it lasts."""

    until = fields.DateTime(required=True)
    reason = fields.String(required=True)
    moderator = fields.String(required=True)
    moderator_person = person("moderator")
    at = fields.DateTime(required=True)


class CommentView(Schema):
    """A comment in a page's discussion; a hidden one keeps its place but (outside the audit view) not its words."""

    comment_id = fields.String(required=True)
    reply_to = fields.String(required=True, allow_none=True, metadata={"description": "the comment it answers"})
    body = fields.String(required=True, allow_none=True)
    posted_by = fields.String(required=True, allow_none=True)
    posted_by_person = person("posted_by")
    at = fields.DateTime(required=True)
    hidden = fields.Boolean(required=True)


class Carried(Schema):
    """What people added to a page: endorsements, photos, its protection and its discussion (threaded)."""

    endorsements = fields.Nested(Endorsements, required=True)
    photos = fields.List(fields.Nested(PhotoView), required=True)
    protection = fields.Nested(ProtectionView, required=True, allow_none=True)
    discussion = fields.List(fields.Nested(CommentView), required=True, metadata={
        "description": "each thread's first comment followed by its replies, at most 500 comments"})


class WordRun(Schema):
    """A run of words a diff keeps, deletes or inserts."""

    op = fields.String(required=True, validate=validate.OneOf(("equal", "delete", "insert")))
    text = fields.String(required=True)


class RevisionEntry(Schema):
    """A revision in a page's history; a hidden one keeps its place but not who made it or why."""

    revision = fields.Integer(required=True)
    change = fields.String(required=True, validate=validate.OneOf(("proposed", "edited", "restored", "reverted")))
    author = fields.String(required=True, allow_none=True, metadata={"description": "the author's account id"})
    author_person = person("author")
    summary = fields.String(required=True, allow_none=True)
    at = fields.DateTime(required=True)
    restored_from = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the revision it restored, for a restore or revert"})
    hidden = fields.Boolean(required=True)


class RevisionView(RevisionEntry):
    """One revision of a page, with its whole content (the fields of a barrier's or a solution's page)."""

    content = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)


class DecisionView(Schema):
    """A moderator's decision on a page: what, on which revision or thing, by whom, when and why."""

    item_id = fields.String(required=True, metadata={"description": "the page's id"})
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KINDS.values())))
    title = fields.String(required=True, allow_none=True, metadata={"description": "null while the page is hidden"})
    action = fields.String(required=True, metadata={"example": "ItemHidden"})
    revision = fields.Integer(required=True, allow_none=True)
    subject = fields.String(required=True, allow_none=True, metadata={
        "description": "what else it concerns: a comment, a photo, a flag, the edits reverted"})
    moderator = fields.String(required=True)
    moderator_person = person("moderator")
    reason = fields.String(required=True)
    at = fields.DateTime(required=True)


class FlagView(Schema):
    """A flag on a page, or on one revision of it, and what became of it."""

    flag_id = fields.String(required=True)
    revision = fields.Integer(required=True, allow_none=True)
    reason = fields.String(required=True)
    flagged_by = fields.String(required=True)
    flagged_by_person = person("flagged_by")
    at = fields.DateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(FLAG_STATUSES))
    dismissed_by = fields.String(required=True, allow_none=True)
    dismissed_by_person = person("dismissed_by")
    dismissed_at = fields.DateTime(required=True, allow_none=True)
    dismissal_reason = fields.String(required=True, allow_none=True)
