"""Queries of pilots and the organisations running them, answered from the gateway's read models."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from psycopg.rows import dict_row

from shared.contract.organisations import canonical_organisation
from shared.http import RequestRefused, error
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_args, paged
from ..readmodels import organisation_reads, pilot_reads
from ..readmodels.organisation_reads import status_arg


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the pilots dashboard, pilot pages, organisations and figures."""
    bp = Blueprint("pilot_queries", __name__, url_prefix="/api/v1")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/pilots")
    @paged
    def dashboard():
        """The pilots dashboard, newest first, filtered by `?status=` and `?organisation_id=`."""
        limit, offset = page_args()
        organisation = request.args.get("organisation_id")
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items, total = pilot_reads.dashboard(cur, status_arg(), organisation and canonical_organisation(
                organisation), limit, offset)
        return jsonify(page(items, total, limit, offset))

    @bp.get("/pilots/<uuid:pilot_id>")
    def pilot_page(pilot_id):
        """A pilot's page: its barriers, milestones, reports, outcome, warnings and timeline."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            found = pilot_reads.pilot_page(cur, str(pilot_id))
        if found is None:
            return error(404, "not_found", "no pilot with this id", {"pilot_id": ["unknown pilot"]})
        return jsonify(found)

    @bp.get("/pilots/<uuid:pilot_id>/metrics")
    def metrics(pilot_id):
        """Each of a pilot's metrics over time, oldest reading first: what a chart plots."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            series = pilot_reads.metric_series(cur, str(pilot_id))
        return jsonify({"pilot_id": str(pilot_id), "metrics": series})

    @bp.get("/pilots/figures")
    def figures():
        """Overall figures: pilots by status and by organisation type, and barriers removed."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return jsonify(organisation_reads.figures(cur))

    @bp.get("/organisations")
    @paged
    def organisations():
        """Organisations with a record or signed for: signature standing, verified domains, pilots, barriers removed.

        `q` finds organisations by part of their name, under any spelling (case, spacing, full-width letters).
        """
        limit, offset = page_args()
        q = request.args.get("q") or None
        if q is not None and len(q) > 200:
            raise RequestRefused(400, "invalid_query", "q must be at most 200 characters",
                                 {"q": ["at most 200 characters"]})
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items, total = organisation_reads.organisations(cur, limit, offset, q)
        return jsonify(page(items, total, limit, offset))

    @bp.get("/organisations/<path:organisation>")
    def organisation_page(organisation):
        """One organisation (any spelling of its name): its signatures, pilots and barriers removed."""
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            found = organisation_reads.organisation_page(cur, canonical_organisation(organisation))
        if found is None:
            return error(404, "not_found", "no organisation with this id", {"organisation_id": ["unknown"]})
        return jsonify(found)

    return bp
