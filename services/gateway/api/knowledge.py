"""Queries of the knowledge base: browse barriers and solutions, read a page, search."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from marshmallow import Schema, fields, validate
from psycopg.rows import dict_row

from shared.contract.vocabulary import CATEGORIES
from shared.db import one
from shared.openapi import ANYONE, Blueprint
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_of
from ..readmodels.knowledge_reads import (
    KINDS,
    NO_NUL,
    PAGE,
    SEARCH,
    SOLUTIONS_OF,
    BarrierSummary,
    BrowseQuery,
    Carried,
    FilterQuery,
    SolutionSummary,
    carried,
    filter_clauses,
    filters,
    page_view,
    require_page,
)

AREA = "Knowledge base"


class SearchQuery(FilterQuery):
    """A search: its words, and the page and filters of any list."""

    # Blanks only are a search for nothing, which finds nothing: a rule the document could not state is not made.
    q = fields.String(required=True, validate=[validate.Length(min=1, max=200), NO_NUL], metadata={
        "description": "the search words (web search syntax: quotes, `or`, `-word`)", "example": "captioning"})


class SolutionOfBarrier(Schema):
    """A solution to the barrier, most endorsed first."""

    solution_id = fields.String(required=True)
    title = fields.String(required=True)
    organisations = fields.List(fields.String(), required=True, allow_none=True)
    endorsement_count = fields.Integer(required=True)


class Evidence(Schema):
    """A pilot's evidence that the barrier was removed, and the solution it used if it named one."""

    pilot_id = fields.String(required=True)
    pilot_title = fields.String(required=True)
    organisation = fields.String(required=True)
    solution_id = fields.String(required=True, allow_none=True)
    solution_title = fields.String(required=True, allow_none=True)
    at = fields.DateTime(required=True)


class BarrierPage(BarrierSummary, Carried):
    """A barrier's page: its current revision, solutions, evidence from pilots, and what people added."""

    solutions = fields.List(fields.Nested(SolutionOfBarrier), required=True)
    evidence = fields.List(fields.Nested(Evidence), required=True)


class BarrierSolved(Schema):
    """A visible barrier the solution solves."""

    barrier_id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


class SolutionPage(SolutionSummary, Carried):
    """A solution's page: its current revision, the barriers it solves, and what people added."""

    barriers = fields.List(fields.Nested(BarrierSolved), required=True)


class Found(Schema):
    """A page the search found, best match first."""

    item_id = fields.String(required=True, metadata={"description": "the barrier's or solution's id"})
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KINDS.values())))
    title = fields.String(required=True)
    category = fields.String(required=True, allow_none=True, metadata={
        "description": "a barrier's category; null for a solution"})
    tags = fields.List(fields.String(), required=True)
    revision = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)
    excerpt = fields.String(required=True, metadata={"description": "the start of its text"})
    rank = fields.Float(required=True, metadata={"description": "how well it matches: higher is better"})


class SearchResults(page_of(Found, "SearchPage")):  # type: ignore[misc]
    """A page of search results, and the words searched for."""

    q = fields.String(required=True)


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the knowledge base's pages."""
    bp = Blueprint("knowledge_queries", __name__, url_prefix="/api/v1", area=AREA)
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    def listing(kind: str, query: dict[str, Any]):
        f = filters(query) | {"kind": kind, "limit": query["limit"], "offset": query["offset"]}
        where = " AND ".join(filter_clauses(f))
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"{PAGE} WHERE {where} ORDER BY p.updated_at DESC, p.item_id"
                               " LIMIT %(limit)s OFFSET %(offset)s", f).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM kb_pages p WHERE {where}", f))["n"]
        return jsonify(page([page_view(r) for r in rows], total, query["limit"], query["offset"]))

    @bp.get("/barriers")
    @bp.arguments(BrowseQuery, location="query")
    @bp.response(200, page_of(BarrierSummary, "BarrierList"), description="a page of barriers")
    @bp.requires(ANYONE)
    def browse_barriers(query):
        """Browse barriers

        The visible barriers, most recently changed first, optionally of one `category` or with one
        `tag`. Anyone may read.
        """
        return listing("barrier", query)

    @bp.get("/solutions")
    @bp.arguments(BrowseQuery, location="query")
    @bp.response(200, page_of(SolutionSummary, "SolutionList"), description="a page of solutions")
    @bp.requires(ANYONE)
    def browse_solutions(query):
        """Browse solutions

        The visible solutions, most recently changed first, optionally in one `category` (that of a
        barrier they solve) or with one `tag`. Anyone may read.
        """
        return listing("solution", query)

    @bp.get("/barriers/<uuid:barrier_id>")
    @bp.response(200, BarrierPage, description="the barrier's page")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def read_barrier(barrier_id):
        """Read a barrier

        A visible barrier's page: its current revision, the solutions to it, evidence from pilots that
        removed it, endorsements, photos, protection and discussion. 404 `not_found` for a hidden or
        unknown barrier. Anyone may read.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = require_page(cur, "barrier", str(barrier_id))
            solutions = cur.execute(SOLUTIONS_OF, [str(barrier_id)]).fetchall()
            evidence = cur.execute("SELECT pilot_id, pilot_title, organisation, solution_id, solution_title, at"
                                   " FROM kb_evidence WHERE barrier_id = %s ORDER BY at", [str(barrier_id)]).fetchall()
            extras = carried(cur, str(barrier_id))
        return jsonify(page_view(row) | {"solutions": solutions, "evidence": evidence} | extras)

    @bp.get("/solutions/<uuid:solution_id>")
    @bp.response(200, SolutionPage, description="the solution's page")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def read_solution(solution_id):
        """Read a solution

        A visible solution's page: its current revision, the visible barriers it solves, endorsements,
        photos, protection and discussion. 404 `not_found` for a hidden or unknown solution. Anyone may read.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = require_page(cur, "solution", str(solution_id))
            barriers = cur.execute("SELECT item_id AS barrier_id, title, category FROM kb_pages p"
                                   " WHERE p.item_id = ANY(%s) AND NOT p.hidden AND p.revision IS NOT NULL"
                                   " ORDER BY title", [row["barrier_ids"]]).fetchall()
            extras = carried(cur, str(solution_id))
        return jsonify(page_view(row) | {"barriers": barriers} | extras)

    @bp.get("/search")
    @bp.arguments(SearchQuery, location="query")
    @bp.response(200, SearchResults, description="the matching pages, best first")
    @bp.requires(ANYONE)
    def search(query):
        """Search the knowledge base

        Full-text search of the visible barriers and solutions for `q`, ranked, optionally filtered by
        `category`, `tag` and `kind`. Anyone may read.
        """
        q = query["q"].strip()
        f = filters(query) | {"q": q, "limit": query["limit"], "offset": query["offset"]}
        sql = SEARCH.format(where=" AND ".join(filter_clauses(f)))
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(sql + " LIMIT %(limit)s OFFSET %(offset)s", f).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM ({sql}) found", f))["n"]
        return jsonify(page(rows, total, query["limit"], query["offset"]) | {"q": q})

    return bp
