"""Queries of the knowledge base: browse barriers and solutions, read a page, search."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from psycopg.rows import dict_row

from shared.db import one
from shared.http import RequestRefused
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_args, paged
from ..readmodels.knowledge_reads import (
    PAGE,
    SEARCH,
    SOLUTIONS_OF,
    carried,
    filter_clauses,
    filters,
    page_view,
    require_page,
)


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the knowledge base's pages."""
    bp = Blueprint("knowledge_queries", __name__, url_prefix="/api/v1")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    def listing(kind: str):
        limit, offset = page_args()
        f = filters() | {"kind": kind, "limit": limit, "offset": offset}
        where = " AND ".join(filter_clauses(f))
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"{PAGE} WHERE {where} ORDER BY p.updated_at DESC, p.item_id"
                               " LIMIT %(limit)s OFFSET %(offset)s", f).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM kb_pages p WHERE {where}", f))["n"]
        return jsonify(page([page_view(r) for r in rows], total, limit, offset))

    @bp.get("/barriers")
    @paged
    def browse_barriers():
        """Barriers, most recently changed first, filtered by `category` and `tag`."""
        return listing("barrier")

    @bp.get("/solutions")
    @paged
    def browse_solutions():
        """Solutions, most recently changed first, filtered by `category` (of their barriers) and `tag`."""
        return listing("solution")

    @bp.get("/barriers/<uuid:barrier_id>")
    def read_barrier(barrier_id):
        """A barrier's page: its current revision, solutions, endorsements, photos, evidence, discussion."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = require_page(cur, "barrier", str(barrier_id))
            solutions = cur.execute(SOLUTIONS_OF, [str(barrier_id)]).fetchall()
            evidence = cur.execute("SELECT pilot_id, pilot_title, organisation, solution_id, solution_title, at"
                                   " FROM kb_evidence WHERE barrier_id = %s ORDER BY at", [str(barrier_id)]).fetchall()
            extras = carried(cur, str(barrier_id))
        return jsonify(page_view(row) | {"solutions": solutions, "evidence": evidence} | extras)

    @bp.get("/solutions/<uuid:solution_id>")
    def read_solution(solution_id):
        """A solution's page: its current revision, barriers, endorsements, photos, discussion."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = require_page(cur, "solution", str(solution_id))
            barriers = cur.execute("SELECT item_id AS barrier_id, title, category FROM kb_pages p"
                                   " WHERE p.item_id = ANY(%s) AND NOT p.hidden AND p.revision IS NOT NULL"
                                   " ORDER BY title", [row["barrier_ids"]]).fetchall()
            extras = carried(cur, str(solution_id))
        return jsonify(page_view(row) | {"barriers": barriers} | extras)

    @bp.get("/search")
    @paged
    def search():
        """Full-text search of barriers and solutions, ranked, filtered by `category`, `tag` and `kind`."""
        q = request.args.get("q", "").strip()
        if not 1 <= len(q) <= 200:
            raise RequestRefused(400, "invalid_query", "q must be 1 to 200 characters of search words",
                                 {"q": ["give 1 to 200 characters"]})
        limit, offset = page_args()
        f = filters() | {"q": q, "limit": limit, "offset": offset}
        sql = SEARCH.format(where=" AND ".join(filter_clauses(f)))
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(sql + " LIMIT %(limit)s OFFSET %(offset)s", f).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM ({sql}) found", f))["n"]
        return jsonify(page(rows, total, limit, offset) | {"q": q})

    return bp
