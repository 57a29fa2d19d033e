"""Read model of pilots' progress, from `charter.pilots.v1`: reports, metric readings over time, outcomes."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from .pilots import from_pilots

DDL = """
CREATE TABLE pilot_reports (
    pilot_id    text NOT NULL,
    report_id   text NOT NULL,
    reported_on date NOT NULL,
    text        text NOT NULL,
    metrics     jsonb NOT NULL,
    reported_by text NOT NULL,
    PRIMARY KEY (pilot_id, report_id)
);
CREATE TABLE pilot_metrics (
    pilot_id    text NOT NULL,
    metric      text NOT NULL,
    reported_on date NOT NULL,
    value       jsonb NOT NULL,
    unit        text NOT NULL,
    PRIMARY KEY (pilot_id, metric, reported_on)
);
"""

# One reading per metric and day, as in the domain: an imported reading replaces the one held.
UPSERT_METRIC = (
    "INSERT INTO pilot_metrics (pilot_id, metric, reported_on, value, unit) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (pilot_id, metric, reported_on) DO UPDATE SET value = excluded.value, unit = excluded.unit"
)


def on_progress_reported(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    report = {"report_id": d["report_id"], "reported_on": d["reported_on"], "text": d["text"],
              "metrics": d["metrics"], "reported_by": d["reported_by"]}
    conn.execute("INSERT INTO pilot_reports (pilot_id, report_id, reported_on, text, metrics, reported_by)"
                 " VALUES (%s, %s, %s, %s, %s, %s)", [d["pilot_id"], d["report_id"], d["reported_on"], d["text"],
                                                      Jsonb(d["metrics"]), d["reported_by"]])
    # A report may be filed for an earlier day: the latest is the one for the latest day (of those, the last filed).
    conn.execute("UPDATE pilots SET latest_report = %s WHERE pilot_id = %s"
                 " AND (latest_report IS NULL OR latest_report->>'reported_on' <= %s)",
                 [Jsonb(report), d["pilot_id"], d["reported_on"]])
    with conn.cursor() as cur:
        cur.executemany(UPSERT_METRIC, [(d["pilot_id"], m["name"], d["reported_on"], Jsonb(m["value"]), m["unit"])
                                        for m in d["metrics"]])


def on_progress_imported(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    with conn.cursor() as cur:
        cur.executemany(UPSERT_METRIC, [(d["pilot_id"], r["metric"], r["reported_on"], Jsonb(r["value"]), r["unit"])
                                        for r in d["readings"]])


def on_outcome_recorded(conn, env: dict[str, Any]) -> None:
    # A revised outcome needs verifying afresh, so it replaces any earlier verification.
    d = env["data"]
    outcome = {k: d[k] for k in ("what_worked", "what_did_not", "lessons", "completion", "recorded_by",
                                 "recorded_on")} | {"verified_by": None, "verified_on": None, "comment": None}
    conn.execute("UPDATE pilots SET outcome = %s WHERE pilot_id = %s", [Jsonb(outcome), d["pilot_id"]])


def on_outcome_verified(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    verified = {"verified_by": d["verified_by"], "verified_on": d["verified_on"], "comment": d["comment"]}
    conn.execute("UPDATE pilots SET outcome = outcome || %s WHERE pilot_id = %s", [Jsonb(verified), d["pilot_id"]])


HANDLERS = from_pilots({
    "ProgressReported": on_progress_reported,
    "ProgressImported": on_progress_imported,
    "OutcomeRecorded": on_outcome_recorded,
    "OutcomeVerified": on_outcome_verified,
})
