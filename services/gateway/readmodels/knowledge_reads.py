"""Reading the knowledge read models for the query routes: pages, what they carry, filters and roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request

from shared.contract.vocabulary import CATEGORIES
from shared.db import DictCursor
from shared.http import RequestRefused

from ..edge.auth import current_roles

Row = dict[str, Any]
KINDS = {"barriers": "barrier", "solutions": "solution"}
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


def filters() -> dict[str, str | None]:
    """The `category`, `tag` and `kind` filters of a list or search, or a 400 naming the bad one."""
    category, tag = (request.args.get(n) or None for n in ("category", "tag"))
    if category is not None and category not in CATEGORIES:
        raise RequestRefused(400, "invalid_query", f"category must be one of {', '.join(CATEGORIES)}",
                             {"category": ["unknown category"]})
    if tag is not None and len(tag) > 50:
        raise RequestRefused(400, "invalid_query", "tag must be at most 50 characters", {"tag": ["too long"]})
    return {"category": category, "tag": tag.strip().lower() if tag else None, "kind": kind_filter()}


def kind_filter() -> str | None:
    """The `kind` query parameter (barrier or solution), or a 400 naming it."""
    kind = request.args.get("kind") or None
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
    """A 403 unless the reader holds one of the `wanted` roles."""
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


def revision_number(name: str) -> int:
    """A revision number from the query string, or a 400 naming it."""
    raw = request.args.get(name, "")
    if not raw.isdigit() or int(raw) < 1:
        raise RequestRefused(400, "invalid_query", f"{name} must be a revision number", {name: ["expected 1 or more"]})
    return int(raw)
