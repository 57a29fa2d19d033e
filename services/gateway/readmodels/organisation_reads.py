"""The SQL behind organisation pages and the overall pilot figures."""

from __future__ import annotations

from typing import Any

from flask import request

from shared.db import DictCursor, one
from shared.http import RequestRefused

from .pilot_reads import PILOT, dashboard_item

Row = dict[str, Any]
STATUSES = ("proposed", "approved", "active", "completed", "stopped")

ORGANISATIONS = """
SELECT o.organisation_id, o.name, o.type, o.signature,
       (SELECT count(*) FROM pilots p WHERE p.organisation_id = o.organisation_id) AS pilots,
       (SELECT count(*) FROM pilot_barriers b JOIN pilots p USING (pilot_id)
         WHERE p.organisation_id = o.organisation_id AND b.status = 'removed') AS barriers_removed
  FROM (SELECT organisation_id,
               (array_agg(organisation_name ORDER BY requested_at DESC))[1] AS name,
               (array_agg(organisation_type ORDER BY requested_at DESC))[1] AS type,
               CASE WHEN bool_or(status = 'verified') THEN 'signed'
                    WHEN bool_or(status = 'withdrawn') THEN 'withdrawn' ELSE 'pending' END AS signature
          FROM organisation_signatures
         WHERE %(organisation_id)s::text IS NULL OR organisation_id = %(organisation_id)s
         GROUP BY organisation_id) o
"""
REMOVED = """
SELECT b.barrier_id, b.barrier_title, b.solution_id, b.solution_title, b.removed_on, p.pilot_id, p.title AS pilot_title
  FROM pilot_barriers b JOIN pilots p USING (pilot_id)
 WHERE p.organisation_id = %s AND b.status = 'removed'
 ORDER BY b.removed_on, b.barrier_id
"""


def organisations(cur: DictCursor, limit: int, offset: int) -> tuple[list[Row], int]:
    """Organisations that signed or asked to, with their signature standing, pilots and barriers removed."""
    args = {"organisation_id": None, "limit": limit, "offset": offset}
    items = cur.execute(ORGANISATIONS + " ORDER BY o.name, o.organisation_id LIMIT %(limit)s OFFSET %(offset)s",
                        args).fetchall()
    total = one(cur.execute("SELECT count(DISTINCT organisation_id) AS n FROM organisation_signatures"))["n"]
    return items, total


def organisation_page(cur: DictCursor, organisation_id: str) -> Row | None:
    """One organisation: its signatures, its pilots and the barriers its pilots removed; None if unknown."""
    found = cur.execute(ORGANISATIONS, {"organisation_id": organisation_id}).fetchone()
    pilots = cur.execute(PILOT + " WHERE organisation_id = %s ORDER BY proposed_at, pilot_id",
                         [organisation_id]).fetchall()
    if found is None and not pilots:
        return None
    signatures = cur.execute(
        "SELECT charter_id, version, status, requested_at, verified_at, withdrawn_at FROM organisation_signatures"
        " WHERE organisation_id = %s ORDER BY requested_at", [organisation_id]).fetchall()
    removed = cur.execute(REMOVED, [organisation_id]).fetchall()
    head = found or {"organisation_id": organisation_id, "name": pilots[0]["organisation_name"],
                     "type": pilots[0]["organisation_type"], "signature": "unknown"}
    return head | {"signatures": signatures, "pilots": [dashboard_item(p) for p in pilots],
                   "barriers_removed": removed}


def figures(cur: DictCursor) -> Row:
    """Overall figures: pilots by status and by organisation type, and what they achieved."""
    by_status = dict.fromkeys(STATUSES, 0) | {
        r["status"]: r["n"] for r in cur.execute("SELECT status, count(*) AS n FROM pilots GROUP BY status")}
    by_type = {r["organisation_type"]: r["n"] for r in cur.execute(
        "SELECT organisation_type, count(*) AS n FROM pilots GROUP BY organisation_type ORDER BY organisation_type")}
    totals = one(cur.execute(
        "SELECT count(*) AS pilots, count(DISTINCT organisation_id) AS organisations_piloting,"
        " coalesce(sum(barriers_targeted), 0) AS barriers_targeted,"
        " coalesce(sum(barriers_removed), 0) AS barriers_removed FROM pilots"))
    signed = one(cur.execute("SELECT count(DISTINCT organisation_id) AS n FROM organisation_signatures"
                         " WHERE status = 'verified'"))["n"]
    return {"pilots_by_status": by_status, "pilots_by_organisation_type": by_type,
            "totals": totals | {"signatory_organisations": signed}}


def status_arg() -> str | None:
    """The `status` filter, or a 400 naming it when it is not a pilot status."""
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise RequestRefused(400, "invalid_query", f"status must be one of {', '.join(STATUSES)}",
                             {"status": ["not a pilot status"]})
    return status
