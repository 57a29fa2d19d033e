"""The SQL behind organisation pages and the overall pilot figures."""

from __future__ import annotations

from typing import Any

from shared.contract.organisations import canonical_organisation
from shared.db import DictCursor, one
from shared.http import RequestRefused

from .pilot_reads import PILOT, dashboard_item

Row = dict[str, Any]
STATUSES = ("proposed", "approved", "active", "completed", "stopped")

ORGANISATIONS = """
SELECT o.organisation_id, o.name, o.organisation_type AS type, o.recorded, o.domains,
       CASE WHEN bool_or(s.status = 'verified') THEN 'signed'
            WHEN bool_or(s.status = 'withdrawn') THEN 'withdrawn'
            WHEN bool_or(s.status = 'pending') THEN 'pending' ELSE 'none' END AS signature,
       (SELECT count(*) FROM pilots p WHERE p.organisation_id = o.organisation_id) AS pilots,
       (SELECT count(*) FROM pilot_barriers b JOIN pilots p USING (pilot_id)
         WHERE p.organisation_id = o.organisation_id AND b.status = 'removed') AS barriers_removed
  FROM organisations o LEFT JOIN organisation_signatures s USING (organisation_id)
 WHERE (%(organisation_id)s::text IS NULL OR o.organisation_id = %(organisation_id)s)
   AND (%(q)s::text IS NULL OR strpos(o.organisation_id, %(q)s) > 0)
 GROUP BY o.organisation_id
"""
REMOVED = """
SELECT b.barrier_id, b.barrier_title, b.solution_id, b.solution_title, b.removed_on, p.pilot_id, p.title AS pilot_title
  FROM pilot_barriers b JOIN pilots p USING (pilot_id)
 WHERE p.organisation_id = %s AND b.status = 'removed'
 ORDER BY b.removed_on, b.barrier_id
"""


def organisations(cur: DictCursor, limit: int, offset: int, q: str | None = None) -> tuple[list[Row], int]:
    """Recorded organisations and those signed for, with their signature standing, pilots and barriers removed.

    `q`, compared in the canonical form, finds an organisation under any spelling of part of its name.
    """
    q = canonical_organisation(q) if q else None
    args = {"organisation_id": None, "q": q, "limit": limit, "offset": offset}
    items = cur.execute(ORGANISATIONS + " ORDER BY o.name, o.organisation_id LIMIT %(limit)s OFFSET %(offset)s",
                        args).fetchall()
    total = one(cur.execute(f"SELECT count(*) AS n FROM ({ORGANISATIONS}) o", args))["n"]
    return items, total


def organisation_page(cur: DictCursor, organisation_id: str) -> Row | None:
    """One organisation: its signatures, its pilots and the barriers its pilots removed; None if unknown."""
    found = cur.execute(ORGANISATIONS, {"organisation_id": organisation_id, "q": None}).fetchone()
    pilots = cur.execute(PILOT + " WHERE organisation_id = %s ORDER BY proposed_at, pilot_id",
                         [organisation_id]).fetchall()
    if found is None and not pilots:
        return None
    signatures = cur.execute(
        "SELECT o.charter_id, o.version, o.status, o.requested_at, o.verified_at, o.withdrawn_at, s.assurance"
        " FROM organisation_signatures o LEFT JOIN signatures s USING (signature_id)"
        " WHERE o.organisation_id = %s ORDER BY o.requested_at", [organisation_id]).fetchall()
    removed = cur.execute(REMOVED, [organisation_id]).fetchall()
    domain_changes = cur.execute(
        "SELECT domain, change, note, changed_by, changed_at FROM organisation_domain_changes"
        " WHERE organisation_id = %s ORDER BY changed_at, domain", [organisation_id]).fetchall()
    members = cur.execute(
        "SELECT membership_id, account_id AS member, assurance, since FROM organisation_members"
        " WHERE organisation_id = %s AND status = 'member' ORDER BY since, membership_id", [organisation_id]).fetchall()
    head = found or {"organisation_id": organisation_id, "name": pilots[0]["organisation_name"],
                     "type": pilots[0]["organisation_type"], "recorded": False, "domains": [],
                     "signature": "unknown"}
    return head | {"signatures": signatures, "pilots": [dashboard_item(p) for p in pilots],
                   "barriers_removed": removed, "domain_changes": domain_changes, "members": members}


def membership(cur: DictCursor, membership_id: str) -> Row | None:
    """One membership or claim, with its organisation's name; None if unknown."""
    return cur.execute(
        "SELECT m.membership_id, m.organisation_id, o.name, m.account_id, m.status FROM organisation_members m"
        " JOIN organisations o USING (organisation_id) WHERE m.membership_id = %s", [membership_id]).fetchone()


def vouchable(cur: DictCursor, organisation_id: str) -> list[Row]:
    """The organisation's signatures a steward may vouch for: confirmed, and self-declared."""
    return cur.execute(
        "SELECT signature_id, charter_id, version, signatory_name, signatory_role FROM signatures"
        " WHERE organisation_id = %s AND status = 'verified' AND assurance = 'self-declared'"
        " ORDER BY verified_at, signature_id", [organisation_id]).fetchall()


def pending_claim(cur: DictCursor, organisation_id: str, account_id: str) -> str | None:
    """The id of the account's unconfirmed claim to belong to the organisation, if it made one."""
    row = cur.execute("SELECT membership_id FROM organisation_members WHERE organisation_id = %s AND account_id = %s"
                      " AND status = 'claimed'", [organisation_id, account_id]).fetchone()
    return row["membership_id"] if row else None


def memberships_of(cur: DictCursor, account_id: str) -> list[Row]:
    """The organisations an account belongs to now, by name."""
    return cur.execute(
        "SELECT m.membership_id, m.organisation_id, o.name, m.assurance, m.since FROM organisation_members m"
        " JOIN organisations o USING (organisation_id) WHERE m.account_id = %s AND m.status = 'member'"
        " ORDER BY o.name, m.organisation_id", [account_id]).fetchall()


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


def pilot_status(status: str | None) -> str | None:
    """A page's `status` filter as sent (None: absent), or a 400 naming it when it is not a pilot status."""
    if status is not None and status not in STATUSES:
        raise RequestRefused(400, "invalid_query", f"status must be one of {', '.join(STATUSES)}",
                             {"status": ["not a pilot status"]})
    return status
