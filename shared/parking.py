"""Parked events: each consumer's dead-letter table, and what operators may ask of it.

A parked event is one a consumer could not apply: its handler raised on it, or it lies outside the
published contract. It is kept whole (the envelope, the error, the handler, when, how many tries),
its stream is held behind it so order per stream is never broken, and every other stream flows.
Operators list parked events, ask for a retry (after fixing the cause) or a skip (with a reason);
the consumer itself carries the request out, with its own handlers, in its own transaction.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from . import metrics
from .db import table_exists

OPEN = ("parked", "retry", "skip")

class ParkedRequestRefused(Exception):
    """An operator's request cannot be taken: no such parked event, or it is no longer open."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message



def park(conn: psycopg.Connection, schema: str, consumer: str, env: dict[str, Any], handler: str, error: str) -> None:
    """Park an event (or count one more failed try of one parked already)."""
    conn.execute(sql.SQL(
        "INSERT INTO {}.parked_events (consumer, stream_id, version, event_id, type, envelope, handler, error)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (consumer, stream_id, version) WHERE resolved_at IS NULL DO UPDATE SET"
        " attempts = parked_events.attempts + 1, error = excluded.error, handler = excluded.handler,"
        " envelope = excluded.envelope, last_tried_at = now(), status = 'parked'"
    ).format(sql.Identifier(schema)), [consumer, env["stream_id"], env["version"], str(env.get("event_id", "")),
                                       str(env.get("type", "")), Jsonb(env), handler, error[:2000]])
    metrics.parked(consumer, env)


def open_positions(conn: psycopg.Connection, schema: str, stream_ids: list[str]) -> set[tuple[str, int]]:
    """(stream_id, version) of each open parked event among these streams: where those streams stop."""
    return set(conn.execute(sql.SQL(
        "SELECT stream_id, version FROM {}.parked_events WHERE resolved_at IS NULL AND stream_id = ANY(%s)"
    ).format(sql.Identifier(schema)), [stream_ids]).fetchall())


def requested(conn: psycopg.Connection, schema: str, consumer: str) -> list[tuple[int, str, int, dict, str]]:
    """Open requests for this consumer, locked for the caller's transaction: (id, stream, version, envelope, action)."""
    return conn.execute(sql.SQL(
        "SELECT parked_id, stream_id, version, envelope, status FROM {}.parked_events"
        " WHERE consumer = %s AND resolved_at IS NULL AND status IN ('retry', 'skip')"
        " ORDER BY parked_id FOR UPDATE SKIP LOCKED"
    ).format(sql.Identifier(schema)), [consumer]).fetchall()


def resolve(conn: psycopg.Connection, schema: str, parked_id: int, outcome: str) -> None:
    """Close a parked event as `retried` (applied at last) or `skipped`."""
    conn.execute(sql.SQL("UPDATE {}.parked_events SET status = %s, resolved_at = now() WHERE parked_id = %s")
                 .format(sql.Identifier(schema)), [outcome, parked_id])


def listing(conn: psycopg.Connection, schema: str, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Parked events of a schema, oldest first: open ones only unless `include_resolved`."""
    if not table_exists(conn, schema, "parked_events"):
        return []
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql.SQL(
            "SELECT parked_id, consumer, stream_id, version, event_id, type, handler, error, attempts, parked_at,"
            " last_tried_at, status, requested_by, reason, resolved_at, envelope->>'producer' AS producer,"
            " (envelope->>'position')::bigint AS position FROM {}.parked_events"
            " WHERE %s OR resolved_at IS NULL ORDER BY parked_id"
        ).format(sql.Identifier(schema)), [include_resolved]).fetchall()


def request(conn: psycopg.Connection, schema: str, parked_id: int, action: str, by: str, reason: str = "") -> None:
    """Ask the consumer to retry or skip an open parked event; a skip needs a reason, and both record who asked."""
    if action not in ("retry", "skip"):
        raise ParkedRequestRefused(422, "validation_failed", "action is retry or skip")
    if action == "skip" and not reason.strip():
        raise ParkedRequestRefused(422, "reason_required", "say why the event is skipped")
    row = conn.execute(sql.SQL(
        "UPDATE {}.parked_events SET status = %s, requested_by = %s, reason = nullif(%s, '')"
        " WHERE parked_id = %s AND resolved_at IS NULL RETURNING parked_id"
    ).format(sql.Identifier(schema)), [action, by, reason.strip(), parked_id]).fetchone()
    if row is None:
        raise ParkedRequestRefused(404, "not_found", f"no open parked event {parked_id}")


def open_count(conn: psycopg.Connection, schema: str) -> dict[str, int]:
    """How many events each consumer of this schema has parked and not yet resolved."""
    if not table_exists(conn, schema, "parked_events"):
        return {}
    return dict(conn.execute(sql.SQL(
        "SELECT consumer, count(*) FROM {}.parked_events WHERE resolved_at IS NULL GROUP BY consumer"
    ).format(sql.Identifier(schema))).fetchall())

