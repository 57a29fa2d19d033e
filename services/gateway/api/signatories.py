"""Public queries of who signed: the signatory list, counts by organisation type, the signing timeline.

Only verified, unwithdrawn signatures are public; no e-mail, hash or token is ever selected.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from psycopg.rows import dict_row

from shared.contract.vocabulary import ORGANISATION_TYPES
from shared.db import one
from shared.http import RequestRefused
from shared.projection import Projection

from ..edge.consistency import reads_your_writes
from ..edge.paging import page, page_args, paged
from ..readmodels import pledge_reads as reads
from ..readmodels.pledge_reads import COUNTS, PUBLIC, TIMELINE


def blueprint(projection: Projection, consistency_timeout_s: float) -> Blueprint:
    """Read routes of the signatures read model; `?version=` picks a version, else the current one."""
    bp = Blueprint("signatory_queries", __name__, url_prefix="/api/v1/charters/<uuid:charter_id>/signatories")
    pool = projection.pool

    reads_your_writes(bp, projection, consistency_timeout_s)

    @bp.get("")
    @paged
    def list_signatories(charter_id):
        limit, offset = page_args()
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            version = _version(cur, str(charter_id))
            items = cur.execute(PUBLIC + " ORDER BY verified_at, signature_id LIMIT %s OFFSET %s",
                                [str(charter_id), version, limit, offset]).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM ({PUBLIC}) s", [str(charter_id), version]))["n"]
        return jsonify(page(items, total, limit, offset) | {"version": version})

    @bp.get("/counts")
    def counts_by_type(charter_id):
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            version = _version(cur, str(charter_id))
            rows = cur.execute(COUNTS, [str(charter_id), version]).fetchall()
        by_type = {t: 0 for t in ORGANISATION_TYPES} | {r["organisation_type"]: r["n"] for r in rows}
        return jsonify({"version": version, "by_type": by_type, "total": sum(by_type.values())})

    @bp.get("/timeline")
    def timeline(charter_id):
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            version = _version(cur, str(charter_id))
            days = cur.execute(TIMELINE, [str(charter_id), version]).fetchall()
        return jsonify({"version": version, "days": days})

    return bp


def _version(cur, charter_id: str) -> int | None:
    """The version asked for, else the charter's current one (None before any adoption)."""
    reads.require_charter(cur, charter_id)
    asked = reads.positive_int_arg("version")
    if asked is None:
        current = reads.version(cur, charter_id)
        return current["version"] if current else None
    if reads.version(cur, charter_id, asked) is None:
        raise RequestRefused(404, "not_found", f"version {asked} was never adopted", {"version": ["never adopted"]})
    return asked
