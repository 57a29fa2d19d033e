"""The SQL and shapes behind the pilots queries: dashboard rows, the pilot page, organisations, figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.db import DictCursor, one

from ..identity.names import shown
from .people_reads import names_of

Row = dict[str, Any]

PILOT = (
    "SELECT pilot_id, title, status, organisation_id, organisation_name, organisation_type, sponsor_name,"
    " sponsor_role, start_date, planned_end_date, milestones_done, milestones_total, barriers_removed,"
    " barriers_targeted, latest_report, aims, leads, proposed_by, proposed_at, approved_by, started_on, ended_on,"
    " stop_reason, outcome FROM pilots"
)
FILTER = (
    " WHERE (%(status)s::text IS NULL OR status = %(status)s)"
    " AND (%(organisation_id)s::text IS NULL OR organisation_id = %(organisation_id)s)"
)
LIVE_SIGNATURES = "SELECT count(*) AS n FROM organisation_signatures WHERE organisation_id = %s AND status = 'verified'"

SUMMARIES = {
    "PilotProposed": "Proposed for {organisation_name}, sponsored by {sponsor_name} ({sponsor_role})",
    "PilotApproved": "Approved by {approved_by_name}",
    "PilotStarted": "Started",
    "PilotCompleted": "Completed",
    "PilotStopped": "Stopped: {reason}",
    "BarrierTargeted": "Targeted the barrier “{barrier_title}”",
    "BarrierWorkStarted": "Work started on the barrier “{barrier}”",
    "BarrierRemoved": "Removed the barrier “{barrier_title}”, using “{solution}”",
    "BarrierNotRemoved": "The barrier “{barrier}” was not removed",
    "MilestoneAdded": "Milestone planned: {title}, due {due_date}",
    "MilestoneDone": "Milestone done: {milestone}",
    "MilestonesImported": "Milestones imported from CSV ({count})",
    "ProgressReported": "Progress reported",
    "ProgressImported": "Progress metrics imported from CSV ({count})",
    "OutcomeRecorded": "Outcome recorded: {completion} (self-reported)",
    "OutcomeVerified": "Outcome verified by {verified_by_name}",
    "ErasureCompleted": "The sponsor's name and role were erased on request",
}
# The summaries name these people by their display names (read from the accounts now, never kept in events).
PEOPLE_IN_SUMMARIES = ("approved_by", "verified_by")
DAY = "%-d %b %Y"  # a day in a summary as the web's `when` macro shows one: "1 Mar 2025"


def today() -> date:
    """The day overdue milestones are judged on (UTC)."""
    return datetime.now(UTC).date()


def dashboard_item(row: Row) -> Row:
    """A pilot as the dashboard lists it."""
    return {
        "pilot_id": row["pilot_id"], "title": row["title"], "status": row["status"],
        "organisation": {"organisation_id": row["organisation_id"], "name": row["organisation_name"],
                         "type": row["organisation_type"]},
        "sponsor": {"name": row["sponsor_name"], "role": row["sponsor_role"]},
        "start_date": row["start_date"], "planned_end_date": row["planned_end_date"],
        "progress": {k: row[k] for k in ("milestones_done", "milestones_total", "barriers_removed",
                                         "barriers_targeted")},
        "latest_report": row["latest_report"],
    }


def dashboard(cur: DictCursor, status: str | None, organisation_id: str | None, limit: int, offset: int):
    """Pilots newest first, filtered, and how many match."""
    args = {"status": status, "organisation_id": organisation_id, "limit": limit, "offset": offset}
    rows = cur.execute(PILOT + FILTER + " ORDER BY proposed_at DESC, pilot_id LIMIT %(limit)s OFFSET %(offset)s",
                       args).fetchall()
    total = one(cur.execute("SELECT count(*) AS n FROM pilots" + FILTER, args))["n"]
    return [dashboard_item(r) for r in rows], total


def pilot_page(cur: DictCursor, pilot_id: str) -> Row | None:
    """Everything the pilot page shows, or None for an unknown pilot."""
    row = cur.execute(PILOT + " WHERE pilot_id = %s", [pilot_id]).fetchone()
    if row is None:
        return None
    barriers = cur.execute(
        "SELECT barrier_id, barrier_title, status, notes, solution_id, solution_title, targeted_on, removed_on"
        " FROM pilot_barriers WHERE pilot_id = %s ORDER BY targeted_on, barrier_id", [pilot_id]).fetchall()
    milestones = cur.execute("SELECT milestone_id, title, due_date, done_date FROM pilot_milestones"
                             " WHERE pilot_id = %s ORDER BY due_date, milestone_id", [pilot_id]).fetchall()
    reports = cur.execute("SELECT report_id, reported_on, text, metrics, reported_by FROM pilot_reports"
                          " WHERE pilot_id = %s ORDER BY reported_on DESC, report_id", [pilot_id]).fetchall()
    timeline = cur.execute("SELECT version, occurred_at, type, actor, data FROM pilot_timeline WHERE pilot_id = %s"
                           " ORDER BY version", [pilot_id]).fetchall()
    live = one(cur.execute(LIVE_SIGNATURES, [row["organisation_id"]]))["n"]
    names = names_of(cur, [e["data"].get(k) for e in timeline for k in PEOPLE_IN_SUMMARIES])
    day = today()
    for m in milestones:
        m["status"] = "done" if m["done_date"] else "overdue" if m["due_date"] < day else "open"
    details = {k: row[k] for k in ("aims", "leads", "proposed_by", "proposed_at", "approved_by", "started_on",
                                   "ended_on", "stop_reason")}
    return dashboard_item(row) | details | {
        "barriers": barriers, "milestones": milestones, "reports": reports, "outcome": _outcome(row["outcome"]),
        "timeline": [_entry(e, barriers, milestones, names) for e in timeline],
        "warnings": _warnings(row, live, milestones),
    }


def _outcome(outcome: Row | None) -> Row | None:
    if outcome is None:
        return None
    return outcome | {"assessment": "verified" if outcome.get("verified_by") else "self-reported"}


def _warnings(pilot: Row, live_signatures: int, milestones: list[Row]) -> list[Row]:
    found = []
    if live_signatures == 0:
        found.append({"code": "signature_withdrawn",
                      "message": f"{pilot['organisation_name']} no longer holds a live signature of the charter"})
    overdue = sum(1 for m in milestones if m["status"] == "overdue")
    if overdue:
        found.append({"code": "milestones_overdue",
                      "message": f"{overdue} milestone{'' if overdue == 1 else 's'} overdue"})
    return found


def _entry(entry: Row, barriers: list[Row], milestones: list[Row], names: dict[str, str]) -> Row:
    d = entry["data"]
    titles = {b["barrier_id"]: b["barrier_title"] for b in barriers}
    names = {m["milestone_id"]: m["title"] for m in milestones}
    values = d | {
        "barrier": titles.get(d.get("barrier_id"), d.get("barrier_id")),
        "solution": d.get("solution_title") or d.get("solution_id"),
        "milestone": names.get(d.get("milestone_id"), d.get("milestone_id")),
        "count": len(d.get("milestones") or d.get("readings") or ()),
        "due_date": date.fromisoformat(d["due_date"]).strftime(DAY) if d.get("due_date") else None,
        "completion": (d.get("completion") or "").replace("_", " "),
    } | {f"{k}_name": shown(d.get(k), names) for k in PEOPLE_IN_SUMMARIES}
    kind: str = entry["type"]
    summary = SUMMARIES.get(kind, kind).format_map(values)
    return {k: entry[k] for k in ("version", "occurred_at", "type", "actor")} | {"summary": summary}


def metric_series(cur: DictCursor, pilot_id: str) -> list[Row]:
    """Each metric's readings over time, oldest first: what a chart plots."""
    rows = cur.execute("SELECT metric, reported_on, value, unit FROM pilot_metrics WHERE pilot_id = %s"
                       " ORDER BY metric, reported_on", [pilot_id]).fetchall()
    series: dict[str, Row] = {}
    for r in rows:
        s = series.setdefault(r["metric"], {"name": r["metric"], "unit": r["unit"], "points": []})
        s["points"].append({"reported_on": r["reported_on"], "value": r["value"]})
        s["unit"] = r["unit"]
    return list(series.values())
