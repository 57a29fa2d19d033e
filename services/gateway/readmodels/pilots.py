"""Read model of pilots, from `charter.pilots.v1`: the dashboard row, the barriers targeted, the milestones.

Counters on the dashboard row are recounted from the detail tables in the same statement, so a
replay or a re-import can never drift them.
"""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from shared.projection import Handler

from .sealed import opened

SPONSOR = ("sponsor_name", "sponsor_role")  # sealed for the pilot's data subject from PilotProposed v2

DDL = """
CREATE TABLE pilots (
    pilot_id          text PRIMARY KEY,
    organisation_id   text NOT NULL,
    organisation_name text NOT NULL,
    organisation_type text NOT NULL,
    title             text NOT NULL,
    aims              text NOT NULL,
    sponsor_name      text NOT NULL,
    sponsor_role      text NOT NULL,
    leads             jsonb NOT NULL,
    start_date        date NOT NULL,
    planned_end_date  date NOT NULL,
    status            text NOT NULL,
    proposed_by       text NOT NULL,
    proposed_at       timestamptz NOT NULL,
    approved_by       text,
    started_on        date,
    ended_on          date,
    stop_reason       text,
    milestones_total  integer NOT NULL DEFAULT 0,
    milestones_done   integer NOT NULL DEFAULT 0,
    barriers_targeted integer NOT NULL DEFAULT 0,
    barriers_removed  integer NOT NULL DEFAULT 0,
    latest_report     jsonb,
    outcome           jsonb
);
CREATE INDEX pilots_by_proposal ON pilots (proposed_at, pilot_id);
CREATE INDEX pilots_by_organisation ON pilots (organisation_id);
CREATE TABLE pilot_barriers (
    pilot_id       text NOT NULL,
    barrier_id     text NOT NULL,
    barrier_title  text NOT NULL,
    status         text NOT NULL,
    notes          jsonb NOT NULL,
    solution_id    text,
    solution_title text,
    targeted_on    date NOT NULL,
    removed_on     date,
    PRIMARY KEY (pilot_id, barrier_id)
);
CREATE TABLE pilot_milestones (
    pilot_id     text NOT NULL,
    milestone_id text NOT NULL,
    title        text NOT NULL,
    due_date     date NOT NULL,
    done_date    date,
    PRIMARY KEY (pilot_id, milestone_id)
);
"""

RECOUNT_MILESTONES = """
UPDATE pilots SET
    milestones_total = (SELECT count(*) FROM pilot_milestones m WHERE m.pilot_id = %(p)s),
    milestones_done = (SELECT count(*) FROM pilot_milestones m WHERE m.pilot_id = %(p)s AND m.done_date IS NOT NULL)
WHERE pilot_id = %(p)s
"""
RECOUNT_BARRIERS = """
UPDATE pilots SET
    barriers_targeted = (SELECT count(*) FROM pilot_barriers b WHERE b.pilot_id = %(p)s),
    barriers_removed = (SELECT count(*) FROM pilot_barriers b WHERE b.pilot_id = %(p)s AND b.status = 'removed')
WHERE pilot_id = %(p)s
"""
UPSERT_MILESTONE = (
    "INSERT INTO pilot_milestones (pilot_id, milestone_id, title, due_date, done_date) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (pilot_id, milestone_id) DO UPDATE SET title = excluded.title, due_date = excluded.due_date,"
    " done_date = excluded.done_date"
)


def on_proposed(conn, env: dict[str, Any]) -> None:
    d = env["data"] | sponsor(env)
    conn.execute(
        "INSERT INTO pilots (pilot_id, organisation_id, organisation_name, organisation_type, title, aims,"
        " sponsor_name, sponsor_role, leads, start_date, planned_end_date, status, proposed_by, proposed_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'proposed', %s, %s)",
        [d["pilot_id"], d["organisation_id"], d["organisation_name"], d["organisation_type"], d["title"], d["aims"],
         d["sponsor_name"], d["sponsor_role"], Jsonb(d["leads"]), d["start_date"], d["planned_end_date"],
         d["proposed_by"], env["occurred_at"]],
    )


def sponsor(env: dict[str, Any]) -> dict[str, Any]:
    """A PilotProposed's sponsor, opened from its sealed value (or in the clear before v2); "erased" once erased."""
    return opened(env, env["data"]["pilot_id"], SPONSOR)


def _status(status: str, **columns: str):
    sets = "".join(f", {column} = %({key})s" for column, key in columns.items())

    def handler(conn, env: dict[str, Any]) -> None:
        conn.execute(f"UPDATE pilots SET status = '{status}'{sets} WHERE pilot_id = %(pilot_id)s", env["data"])

    return handler


def on_barrier_targeted(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO pilot_barriers (pilot_id, barrier_id, barrier_title, status, notes, targeted_on)"
        " VALUES (%s, %s, %s, 'encountered', %s, %s)",
        [d["pilot_id"], d["barrier_id"], d["barrier_title"], Jsonb([d["notes"]] if d["notes"] else []),
         d["targeted_on"]],
    )
    conn.execute(RECOUNT_BARRIERS, {"p": d["pilot_id"]})


def _barrier_status(status: str):
    def handler(conn, env: dict[str, Any]) -> None:
        d = env["data"]
        conn.execute(
            "UPDATE pilot_barriers SET status = %(status)s, notes = notes || %(note)s,"
            " solution_id = coalesce(%(solution_id)s, solution_id),"
            " solution_title = coalesce(%(solution_title)s, solution_title), removed_on = %(removed_on)s"
            " WHERE pilot_id = %(pilot_id)s AND barrier_id = %(barrier_id)s",
            {"status": status, "note": Jsonb([d["notes"]] if d["notes"] else []), "solution_id": d.get("solution_id"),
             "solution_title": d.get("solution_title"), "removed_on": d.get("removed_on"),
             "pilot_id": d["pilot_id"], "barrier_id": d["barrier_id"]},
        )
        conn.execute(RECOUNT_BARRIERS, {"p": d["pilot_id"]})

    return handler


def on_milestone_added(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(UPSERT_MILESTONE, [d["pilot_id"], d["milestone_id"], d["title"], d["due_date"], None])
    conn.execute(RECOUNT_MILESTONES, {"p": d["pilot_id"]})


def on_milestone_done(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE pilot_milestones SET done_date = %s WHERE pilot_id = %s AND milestone_id = %s",
                 [d["done_date"], d["pilot_id"], d["milestone_id"]])
    conn.execute(RECOUNT_MILESTONES, {"p": d["pilot_id"]})


def on_milestones_imported(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    with conn.cursor() as cur:
        cur.executemany(UPSERT_MILESTONE, [(d["pilot_id"], m["milestone_id"], m["title"], m["due_date"],
                                            m["done_date"]) for m in d["milestones"]])
    conn.execute(RECOUNT_MILESTONES, {"p": d["pilot_id"]})


def from_pilots(handlers: dict[str, Handler]) -> dict[str, Handler]:
    """Handlers applied only to the pilots service's events: type names may repeat across services."""

    def only_pilots(handler: Handler) -> Handler:
        def apply(conn, env: dict[str, Any]) -> None:
            if env["producer"] == "pilots":
                handler(conn, env)

        return apply

    return {name: only_pilots(handler) for name, handler in handlers.items()}


HANDLERS = from_pilots({
    "PilotProposed": on_proposed,
    "PilotApproved": _status("approved", approved_by="approved_by"),
    "PilotStarted": _status("active", started_on="started_on"),
    "PilotCompleted": _status("completed", ended_on="completed_on"),
    "PilotStopped": _status("stopped", ended_on="stopped_on", stop_reason="reason"),
    "BarrierTargeted": on_barrier_targeted,
    "BarrierWorkStarted": _barrier_status("in_progress"),
    "BarrierRemoved": _barrier_status("removed"),
    "BarrierNotRemoved": _barrier_status("not_removed"),
    "MilestoneAdded": on_milestone_added,
    "MilestoneDone": on_milestone_done,
    "MilestonesImported": on_milestones_imported,
})
