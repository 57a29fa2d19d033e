"""Read model of each pilot's timeline: every event of its stream, in order, as the pilot page lists it."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from shared.contract.vocabulary import PILOT_EVENTS

from .pilots import from_pilots, sponsor

DDL = """
CREATE TABLE pilot_timeline (
    pilot_id    text NOT NULL,
    version     integer NOT NULL,
    occurred_at timestamptz NOT NULL,
    type        text NOT NULL,
    actor       text NOT NULL,
    data        jsonb NOT NULL,
    PRIMARY KEY (pilot_id, version)
);
"""


def on_pilot_event(conn, env: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO pilot_timeline (pilot_id, version, occurred_at, type, actor, data)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        [env["stream_id"], env["version"], env["occurred_at"], env["type"], env["actor"], Jsonb(shown(env))],
    )


def shown(env: dict[str, Any]) -> dict[str, Any]:
    """The event's data as the timeline keeps it: a proposal's sponsor opened, never its sealed value."""
    if env["type"] != "PilotProposed":
        return env["data"]
    kept = {k: v for k, v in env["data"].items() if k not in ("subject_id", "sealed")}
    return kept | sponsor(env)


HANDLERS = from_pilots(dict.fromkeys(PILOT_EVENTS, on_pilot_event))
