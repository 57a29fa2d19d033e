"""Subscriptions and their delivery log in `gateway_hooks`, as their owners see and steer them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from shared.db import one

from ..filters import EventFilter
from .schema import REGISTRATION_LOCK

PUBLIC = "subscription_id AS webhook_id, url, topics, types, organisation, paused, created_at"
COUNTS = """SELECT status, count(*) AS n FROM gateway_hooks.deliveries WHERE subscription_id = %s GROUP BY status"""
DELIVERY = """subscription_id, delivery_id, event_id, type, stream_id, version, status, attempts,
    CASE WHEN status = 'pending' THEN next_attempt_at END AS next_attempt_at, last_response, last_error,
    delivered_at, dead_at, created_at"""
START = """SELECT producer, max(position) AS position FROM (
    SELECT producer, position FROM gateway_hooks.producer_positions
    UNION ALL SELECT producer, position FROM {}.producer_positions) p GROUP BY producer"""
ATTEMPTS = """SELECT delivery_id, attempt, attempted_at, response_code, error, duration_ms, retry_in_ms
    FROM gateway_hooks.attempts WHERE delivery_id = ANY(%s) ORDER BY delivery_id, attempt"""


def create(pool: ConnectionPool, owner: str, url: str, flt: EventFilter, secret: str, gateway_schema: str) -> dict:
    """Store a subscription receiving events from now on; returns its public view."""
    subscription_id = str(uuid.uuid4())
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        # "From now" is the highest position each producer's events reached the dispatcher or the read
        # models. The exclusive lock waits out any dispatcher transaction still enqueueing (it holds the
        # lock shared), so every event above these positions is enqueued after this subscription exists.
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [REGISTRATION_LOCK])
        rows = cur.execute(sql.SQL(START).format(sql.Identifier(gateway_schema))).fetchall()
        start = {r["producer"]: r["position"] for r in rows}
        return one(cur.execute(
            "INSERT INTO gateway_hooks.subscriptions (subscription_id, owner, url, secret, topics, types,"
            f" organisation, start_positions) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING {PUBLIC}",
            [subscription_id, owner, url, secret, list(flt.topics), list(flt.types), flt.organisation, Jsonb(start)],
        ))


def list_for(pool: ConnectionPool, owner: str, limit: int, offset: int) -> tuple[list[dict], int]:
    """The owner's subscriptions, oldest first, and how many there are."""
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        items = cur.execute(f"SELECT {PUBLIC} FROM gateway_hooks.subscriptions WHERE owner = %s ORDER BY"
                            " created_at, subscription_id LIMIT %s OFFSET %s", [owner, limit, offset]).fetchall()
        total = one(cur.execute("SELECT count(*) AS n FROM gateway_hooks.subscriptions WHERE owner = %s",
                            [owner]))["n"]
    return items, total


def get(pool: ConnectionPool, owner: str, subscription_id: str) -> dict | None:
    """One of the owner's subscriptions with its delivery counts, or None (also for someone else's)."""
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(f"SELECT {PUBLIC} FROM gateway_hooks.subscriptions WHERE subscription_id = %s"
                            " AND owner = %s", [subscription_id, owner]).fetchone()
        if found is None:
            return None
        counts = {r["status"]: r["n"] for r in cur.execute(COUNTS, [subscription_id])}
    return found | {"deliveries": {s: counts.get(s, 0) for s in ("pending", "delivered", "dead")}}


def set_paused(pool: ConnectionPool, owner: str, subscription_id: str, paused: bool) -> bool:
    """Pause or resume one of the owner's subscriptions; False when there is no such subscription."""
    with pool.connection() as conn:
        return conn.execute("UPDATE gateway_hooks.subscriptions SET paused = %s WHERE subscription_id = %s"
                            " AND owner = %s", [paused, subscription_id, owner]).rowcount == 1


def rotate_secret(pool: ConnectionPool, owner: str, subscription_id: str, secret: str,
                  previous_valid_for_s: int) -> datetime | None:
    """Replace the secret, keeping the old one valid for `previous_valid_for_s`; when that ends (None: no such)."""
    with pool.connection() as conn:
        # SET reads the row as it was, so the previous secret is the one being replaced.
        row = conn.execute("UPDATE gateway_hooks.subscriptions SET previous_secret = secret, secret = %s,"
                           " previous_secret_until = now() + make_interval(secs => %s)"
                           " WHERE subscription_id = %s AND owner = %s RETURNING previous_secret_until",
                           [secret, previous_valid_for_s, subscription_id, owner]).fetchone()
    return row[0] if row else None


def delete(pool: ConnectionPool, owner: str, subscription_id: str) -> bool:
    """Remove one of the owner's subscriptions and its delivery log; False when there is none."""
    with pool.connection() as conn:
        return conn.execute("DELETE FROM gateway_hooks.subscriptions WHERE subscription_id = %s AND owner = %s",
                            [subscription_id, owner]).rowcount == 1


def deliveries(pool: ConnectionPool, subscription_id: str, status: str | None, limit: int,
               offset: int) -> tuple[list[dict[str, Any]], int]:
    """A subscription's deliveries (newest first), each with its attempts, and how many there are."""
    where = "subscription_id = %s" + (" AND status = %s" if status else "")
    args = [subscription_id, *([status] if status else [])]
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        items = cur.execute(f"SELECT {DELIVERY} FROM gateway_hooks.deliveries WHERE {where}"
                            " ORDER BY delivery_id DESC LIMIT %s OFFSET %s", [*args, limit, offset]).fetchall()
        total = one(cur.execute(f"SELECT count(*) AS n FROM gateway_hooks.deliveries WHERE {where}", args))["n"]
        attempts: dict[int, list[dict]] = {}
        for a in cur.execute(ATTEMPTS, [[d["delivery_id"] for d in items]]):
            attempts.setdefault(a.pop("delivery_id"), []).append(a)
    return [{k: v for k, v in d.items() if k != "subscription_id"} | {"attempt_log": attempts.get(d["delivery_id"], [])}
            for d in items], total


def redeliver(pool: ConnectionPool, subscription_id: str, delivery_id: int | None) -> int:
    """Send dead letters again (one, or all when `delivery_id` is None); how many were queued."""
    where = "subscription_id = %s AND status = 'dead'" + (" AND delivery_id = %s" if delivery_id is not None else "")
    args = [subscription_id, *([delivery_id] if delivery_id is not None else [])]
    with pool.connection() as conn:
        return conn.execute("UPDATE gateway_hooks.deliveries SET status = 'pending', round_start = attempts, dead_at"
                            f" = NULL, next_attempt_at = now(), leased_until = NULL WHERE {where}", args).rowcount
