"""Queries of pilots and the organisations running them, answered from the gateway's read models."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from psycopg.rows import dict_row

from shared.contract.organisations import canonical_organisation
from shared.http import error
from shared.openapi import ANYONE, Blueprint
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import page
from ..readmodels import organisation_reads, pilot_reads
from . import pilot_replies as r

ORGANISATIONS = ["Pledge"]  # organisations are the pledge's records; these reads of them are documented there


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the pilots dashboard, pilot pages, organisations and figures."""
    bp = Blueprint("pilot_queries", __name__, url_prefix="/api/v1", area="Pilots")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("/pilots")
    @bp.arguments(r.PilotsQuery, location="query", error_status_code=400)
    @bp.response(200, r.PilotList, description="A page of pilots.")
    @bp.requires(ANYONE)
    def dashboard(query: dict[str, Any]):
        """List pilots

        The pilots dashboard, newest proposal first, paged: optionally only the pilots in one `status`, or of
        one organisation (`organisation_id`, its name in any spelling). Open to everyone.
        """
        organisation = query.get("organisation_id") or None
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items, total = pilot_reads.dashboard(cur, query.get("status"), organisation and canonical_organisation(
                organisation), query["limit"], query["offset"])
        return jsonify(page(items, total, query["limit"], query["offset"]))

    @bp.get("/pilots/<uuid:pilot_id>")
    @bp.response(200, r.PilotPage, description="The pilot.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def pilot_page(pilot_id):
        """Read a pilot

        Everything about one pilot: its details, the barriers it targets, its milestones (with the overdue
        ones marked), reports, outcome, warnings and the timeline of its events. Open to everyone.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            found = pilot_reads.pilot_page(cur, str(pilot_id))
        if found is None:
            return _no_pilot()
        return jsonify(found)

    @bp.get("/pilots/<uuid:pilot_id>/metrics")
    @bp.response(200, r.PilotMetrics, description="The pilot's metrics.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def metrics(pilot_id):
        """Read a pilot's metrics over time

        Each metric the pilot reports, with its unit and its readings oldest first: what a chart plots.
        Open to everyone.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            series = pilot_reads.metric_series(cur, str(pilot_id))
            if not series and pilot_reads.pilot_page(cur, str(pilot_id)) is None:
                return _no_pilot()
        return jsonify({"pilot_id": str(pilot_id), "metrics": series})

    @bp.get("/pilots/figures")
    @bp.response(200, r.PilotFigures, description="The figures.")
    @bp.requires(ANYONE)
    def figures():
        """Read the pilots' overall figures

        Pilots by status and by organisation type, and totals: pilots, organisations piloting, barriers
        targeted and removed, signatory organisations. Open to everyone.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return jsonify(organisation_reads.figures(cur))

    @bp.get("/organisations", tags=ORGANISATIONS)
    @bp.arguments(r.OrganisationsQuery, location="query", error_status_code=400)
    @bp.response(200, r.OrganisationList, description="A page of organisations.")
    @bp.requires(ANYONE)
    def organisations(query: dict[str, Any]):
        """List organisations

        Organisations with a record or signed for, by name, paged: their signature standing, verified
        domains, pilots and barriers removed. `q` finds organisations by part of their name, under any
        spelling (case, spacing, full-width letters). Open to everyone.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            items, total = organisation_reads.organisations(cur, query["limit"], query["offset"],
                                                            query.get("q") or None)
        return jsonify(page(items, total, query["limit"], query["offset"]))

    @bp.get("/organisations/<path:organisation_id>", tags=ORGANISATIONS)
    @bp.response(200, r.OrganisationPage, description="The organisation.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def organisation_page(organisation_id):
        """Read an organisation

        One organisation, named by any spelling of its name: its record, signatures, pilots, the barriers
        they removed, its verified domains and their changes, and its members. Open to everyone.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            found = organisation_reads.organisation_page(cur, canonical_organisation(organisation_id))
        if found is None:
            return error(404, "not_found", "no organisation with this id", {"organisation_id": ["unknown"]})
        return jsonify(found)

    return bp


def _no_pilot():
    return error(404, "not_found", "no pilot with this id", {"pilot_id": ["unknown pilot"]})
