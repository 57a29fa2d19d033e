"""Reading the pledge's read models for the query routes: versions, rounds, standings, lineage, comments."""

from __future__ import annotations

from typing import Any

from shared.db import DictCursor, one
from shared.http import RequestRefused

from .asof import READ_MOMENT
from .credits import Draft

Row = dict[str, Any]
MAX_TREE_DEPTH = 64
MAX_INT = 2**31 - 1  # PostgreSQL's integer

VERSION = "SELECT version, round_number, draft_id, title, text, adopted_at FROM charter_versions"
RANKED = (
    "SELECT d.draft_id, d.title, d.author, d.round_number, d.parents, d.proposed_at, s.score, s.rating_count,"
    " CASE WHEN s.rating_count > 0 THEN s.star_total::float / s.rating_count END AS mean"
    " FROM draft_standings s JOIN drafts d USING (draft_id)"
    " WHERE s.charter_id = %(charter_id)s AND NOT s.withdrawn"
    " AND (%(round)s::int IS NULL OR s.round_number = %(round)s::int)"
)
LINEAGE = """
WITH RECURSIVE lineage(draft_id) AS (
    SELECT %s::text
    UNION
    SELECT p.parent FROM lineage l JOIN drafts d ON d.draft_id = l.draft_id,
           jsonb_array_elements_text(d.parents) AS p(parent)
)
SELECT d.draft_id, d.charter_id, d.round_number, d.title, d.text, d.change_summary, d.parents, d.author,
       d.proposed_at
  FROM drafts d JOIN lineage USING (draft_id)
"""


def require_charter(cur: DictCursor, charter_id: str) -> None:
    """Refuse with a 404 naming `charter_id` when the read model has no such charter."""
    if cur.execute("SELECT 1 FROM charters WHERE charter_id = %s", [charter_id]).fetchone() is None:
        raise RequestRefused(404, "not_found", "no charter with this id", {"charter_id": ["unknown charter"]})


def positive_int(raw: str | None, name: str) -> int | None:
    """A web page's query argument `name` (`raw`, as sent) as a positive integer, None when absent, or a 400."""
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_INT:
        raise RequestRefused(400, "invalid_query", f"{name} must be a positive integer",
                             {name: ["must be a positive integer"]})
    return int(raw)


def open_round(charter: Row) -> Row | None:
    """The round accepting drafts now, or None: CHARTER's `round_open` is false once the closing date passed."""
    if not charter["round_open"]:
        return None
    return {"round_number": charter["round_number"], "closes_at": charter["round_closes_at"]}


def versions(cur: DictCursor, charter_id: str) -> list[Row]:
    """Every adopted version of a charter, oldest first."""
    return cur.execute(VERSION + " WHERE charter_id = %s ORDER BY version", [charter_id]).fetchall()


def version(cur: DictCursor, charter_id: str, number: int | None = None) -> Row | None:
    """One adopted version (the current one when `number` is None), or None."""
    if number is None:
        return cur.execute(VERSION + " WHERE charter_id = %s ORDER BY version DESC LIMIT 1", [charter_id]).fetchone()
    return cur.execute(VERSION + " WHERE charter_id = %s AND version = %s", [charter_id, number]).fetchone()


def ranked(cur: DictCursor, charter_id: str, round_number: int | None, limit: int,
           offset: int) -> tuple[list[Row], int]:
    """Live drafts best first (score, then more ratings, then id: a stable order for paging) and their total."""
    args = {"charter_id": charter_id, "round": round_number, "limit": limit, "offset": offset}
    items = cur.execute(RANKED + " ORDER BY s.score DESC, s.rating_count DESC, d.draft_id"
                        " LIMIT %(limit)s OFFSET %(offset)s", args).fetchall()
    total = one(cur.execute(f"SELECT count(*) AS n FROM ({RANKED}) r", args))["n"]
    return [item | {"rank": offset + i} for i, item in enumerate(items, start=1)], total


def ratings_summary(cur: DictCursor, draft_id: str) -> Row:
    """How a draft is rated: count, mean, Bayesian score and how many gave each number of stars."""
    standing = one(cur.execute("SELECT rating_count, star_total, score, withdrawn FROM draft_standings"
                               " WHERE draft_id = %s", [draft_id]))
    histogram = {str(stars): 0 for stars in range(1, 6)}
    for row in cur.execute("SELECT stars, count(*) AS n FROM draft_ratings WHERE draft_id = %s GROUP BY stars",
                           [draft_id]):
        histogram[str(row["stars"])] = row["n"]
    count = standing["rating_count"]
    mean = standing["star_total"] / count if count else None
    return {"count": count, "mean": mean, "score": standing["score"], "histogram": histogram}


def withdrawn(cur: DictCursor, draft_id: str) -> bool:
    """True when the draft's author has withdrawn it."""
    return one(cur.execute("SELECT withdrawn FROM draft_standings WHERE draft_id = %s", [draft_id]))["withdrawn"]


def ancestry(cur: DictCursor, draft_id: str) -> dict[str, Row]:
    """The draft and all its ancestors by id, read from the read model."""
    return {row["draft_id"]: row for row in cur.execute(LINEAGE, [draft_id])}


def lineage_tree(rows: dict[str, Row], draft_id: str, depth: int = 0, shown: set[str] | None = None) -> Row:
    """The remix tree above a draft; a draft met twice (a diamond) is shown once, then only referred to."""
    shown = set() if shown is None else shown
    row = rows[draft_id]
    node = {"draft_id": draft_id, "title": row["title"], "author": row["author"], "round_number": row["round_number"]}
    if draft_id in shown:
        return node | {"shown_above": True, "parents": []}
    shown.add(draft_id)
    if depth >= MAX_TREE_DEPTH:
        return node | {"truncated": True, "parents": []}
    return node | {"parents": [lineage_tree(rows, p, depth + 1, shown) for p in row["parents"] if p in rows]}


def remixes(cur: DictCursor, draft_id: str) -> list[Row]:
    """The drafts that name this one as a parent, oldest first."""
    return cur.execute("SELECT draft_id, title, author, proposed_at FROM drafts WHERE parents ? %s"
                       " ORDER BY proposed_at, draft_id", [draft_id]).fetchall()


def comments(cur: DictCursor, draft_id: str) -> list[Row]:
    """Top-level comments oldest first, each with its replies."""
    rows = cur.execute("SELECT comment_id, author, body, reply_to, passage_start, passage_end, quote, posted_at"
                       " FROM draft_comments WHERE draft_id = %s ORDER BY posted_at, comment_id", [draft_id]).fetchall()
    threads = {r["comment_id"]: r | {"replies": []} for r in rows if r["reply_to"] is None}
    for r in rows:
        if r["reply_to"] in threads:
            threads[r["reply_to"]]["replies"].append(r)
    return list(threads.values())


def draft_detail(cur: DictCursor, draft_id: str) -> Row:
    """What a draft's page shows besides its text: standing, ratings, lineage tree, remixes and comments."""
    return {
        "withdrawn": withdrawn(cur, draft_id),
        "ratings": ratings_summary(cur, draft_id),
        "lineage": lineage_tree(ancestry(cur, draft_id), draft_id),
        "remixes": remixes(cur, draft_id),
        "comments": comments(cur, draft_id),
    }


def as_draft(row: Row) -> Draft:
    """A read-model row as crediting reads a draft."""
    return Draft(row["draft_id"], row["text"], tuple(row["parents"]), row["author"])


# A round is closed once its closing date passes, whether or not a steward has recorded it yet: no
# timer writes that moment, so every read works it out against the database's clock (now(), the start
# of the reading transaction; a snapshot's moment under ?as_of=), and what it says changes the reply's
# body, so its ETag changes with it.
CHARTER = (
    "SELECT charter_id, title, purpose, steward, round_number,"
    f" round_open AND (round_closes_at IS NULL OR round_closes_at > {READ_MOMENT}) AS round_open,"
    " round_closes_at, draft_count, created_at FROM charters"
)


DRAFT = (
    "SELECT draft_id, charter_id, round_number, title, text, change_summary, parents, author, proposed_at FROM drafts"
)


PUBLIC = (
    "SELECT signature_id, organisation_id, organisation_name, organisation_type, area, signatory_name, signatory_role,"
    " statement, assurance, assurance_method, verified_at AS signed_at, verified_event_id FROM signatures"
    " WHERE charter_id = %s AND version = %s AND status = 'verified'"
)


COUNTS = (
    "SELECT organisation_type, count(*)::int AS n FROM signatures"
    " WHERE charter_id = %s AND version = %s AND status = 'verified' GROUP BY organisation_type"
)


TIMELINE = (
    "SELECT day, signed, withdrawn, sum(signed - withdrawn) OVER (ORDER BY day)::int AS total"
    " FROM signing_days WHERE charter_id = %s AND version = %s ORDER BY day"
)
