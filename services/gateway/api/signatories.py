"""Public queries of who signed: the signatory list, counts by organisation type, the signing timeline.

Only verified, unwithdrawn signatures are public; no e-mail, hash or token is ever selected.
"""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate
from psycopg.rows import dict_row

from shared.contract.vocabulary import ORGANISATION_TYPES
from shared.db import one
from shared.http import RequestRefused
from shared.openapi import ANYONE, Blueprint
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import PageQuery, page
from ..readmodels import pledge_reads as reads
from ..readmodels.pledge_reads import COUNTS, PUBLIC, TIMELINE
from . import pledge_replies as replies

VERSION = fields.Integer(validate=validate.Range(1, reads.MAX_INT),
                         metadata={"description": "an adopted version of the charter; the current one if absent"})


class VersionQuery(Schema):
    """`?version=`: which adopted version's signatures to read."""

    version = VERSION


class SignatoriesQuery(PageQuery):
    """`?version=` picks the version, `?limit=&offset=` page its signatories."""

    version = VERSION


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the signatures read model; `?version=` picks a version, else the current one."""
    bp = Blueprint("signatory_queries", __name__, url_prefix="/api/v1/charters/<uuid:charter_id>/signatories",
                   area="Pledge")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("")
    @bp.arguments(SignatoriesQuery, location="query")
    @bp.response(200, replies.Signatories, description="A page of the version's signatories.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def list_signatories(query: dict, charter_id):
        """List a charter's signatories

        The organisations whose signature of the version (the current one unless `version` names another)
        is verified and not withdrawn, first verified first; paged with `limit` and `offset`. Names no
        e-mail address. Anyone may read it.
        """
        limit, offset = query["limit"], query["offset"]
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            version = _version(cur, str(charter_id), query.get("version"))
            items = cur.execute(PUBLIC + " ORDER BY verified_at, signature_id LIMIT %s OFFSET %s",
                                [str(charter_id), version, limit, offset]).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM ({PUBLIC}) s", [str(charter_id), version]))["n"]
        return jsonify(page(items, total, limit, offset) | {"version": version})

    @bp.get("/counts")
    @bp.arguments(VersionQuery, location="query")
    @bp.response(200, replies.SignatoryCounts, description="Signatures of the version by organisation type.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def counts_by_type(query: dict, charter_id):
        """Count a charter's signatories by type

        How many organisations of each type stand signed to the version (the current one unless `version`
        names another). Anyone may read it.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            version = _version(cur, str(charter_id), query.get("version"))
            rows = cur.execute(COUNTS, [str(charter_id), version]).fetchall()
        by_type = {t: 0 for t in ORGANISATION_TYPES} | {r["organisation_type"]: r["n"] for r in rows}
        return jsonify({"version": version, "by_type": by_type, "total": sum(by_type.values())})

    @bp.get("/timeline")
    @bp.arguments(VersionQuery, location="query")
    @bp.response(200, replies.SigningTimeline, description="The version's signing, day by day.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def timeline(query: dict, charter_id):
        """Chart a charter's signing over time

        For each UTC day with signing activity: signatures verified, signatures withdrawn, and the running
        total standing, for the version (the current one unless `version` names another). Anyone may read it.
        """
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            version = _version(cur, str(charter_id), query.get("version"))
            days = cur.execute(TIMELINE, [str(charter_id), version]).fetchall()
        return jsonify({"version": version, "days": days})

    return bp


def _version(cur, charter_id: str, asked: int | None) -> int | None:
    """The version asked for, else the charter's current one (None before any adoption)."""
    reads.require_charter(cur, charter_id)
    if asked is None:
        current = reads.version(cur, charter_id)
        return current["version"] if current else None
    if reads.version(cur, charter_id, asked) is None:
        raise RequestRefused(404, "not_found", f"version {asked} was never adopted", {"version": ["never adopted"]})
    return asked
