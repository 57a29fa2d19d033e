"""Applying events to a read model exactly once and in stream order, from an at-least-once log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

Handler = Callable[[psycopg.Connection, dict[str, Any]], None]

DDL = """
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {schema}.stream_checkpoints (
    stream_id text PRIMARY KEY,
    version   integer NOT NULL
);
CREATE TABLE IF NOT EXISTS {schema}.held_events (
    stream_id text NOT NULL,
    version   integer NOT NULL,
    envelope  jsonb NOT NULL,
    PRIMARY KEY (stream_id, version)
);
CREATE TABLE IF NOT EXISTS {schema}.producer_positions (
    producer text PRIMARY KEY,
    position bigint NOT NULL
);
"""


class Projection:
    """Applies envelopes through per-type handlers into one schema, idempotently by (stream_id, version).

    A duplicate (version at or below the stream's checkpoint) is skipped. An event arriving ahead
    of its predecessor is held back in `held_events` — in the same transaction, so a restart
    cannot lose it — and applied the moment the gap fills. Each batch's read-model changes, its
    checkpoints and its held events commit in one transaction: a crash leaves either all or none.
    """

    def __init__(self, pool: ConnectionPool, schema: str, handlers: Mapping[str, Handler]) -> None:
        self.pool, self.schema, self.handlers = pool, schema, handlers
        self._t = sql.Identifier(schema)

    def migrate(self, conn: psycopg.Connection) -> None:
        """Create the bookkeeping tables if missing."""
        conn.execute(sql.SQL(DDL).format(schema=self._t))

    def apply(self, envelopes: Iterable[dict[str, Any]]) -> int:
        """Apply a batch in one transaction; returns how many events changed the read model."""
        by_stream: dict[str, dict[int, dict]] = defaultdict(dict)
        for env in envelopes:
            by_stream[env["stream_id"]][env["version"]] = env
        if not by_stream:
            return 0
        with self.pool.connection() as conn:
            applied = self._apply(conn, by_stream)
        return applied

    def _apply(self, conn: psycopg.Connection, by_stream: dict[str, dict[int, dict]]) -> int:
        ids = list(by_stream)
        versions = dict(conn.execute(
            sql.SQL("SELECT stream_id, version FROM {}.stream_checkpoints WHERE stream_id = ANY(%s)").format(self._t),
            [ids],
        ).fetchall())
        for stream_id, version, env in conn.execute(
            sql.SQL("DELETE FROM {}.held_events WHERE stream_id = ANY(%s) RETURNING stream_id, version, envelope")
            .format(self._t), [ids],
        ):
            by_stream[stream_id].setdefault(version, env)
        applied, checkpoints, held, positions = 0, [], [], {}
        with conn.pipeline():
            for stream_id, pending in by_stream.items():
                start = current = versions.get(stream_id, 0)
                while (env := pending.pop(current + 1, None)) is not None:
                    handler = self.handlers.get(env["type"])
                    if handler is not None:
                        handler(conn, env)
                    current, applied = current + 1, applied + 1
                    positions[env["producer"]] = max(positions.get(env["producer"], 0), env["position"])
                if current != start:
                    checkpoints.append((stream_id, current))
                held += [(stream_id, v, Jsonb(e)) for v, e in pending.items() if v > current]
            self._save(conn, checkpoints, held, positions)
        return applied

    def _save(self, conn, checkpoints, held, positions) -> None:
        with conn.cursor() as cur:
            if checkpoints:
                cur.executemany(sql.SQL(
                    "INSERT INTO {}.stream_checkpoints (stream_id, version) VALUES (%s, %s)"
                    " ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version").format(self._t), checkpoints)
            if held:
                cur.executemany(sql.SQL(
                    "INSERT INTO {}.held_events (stream_id, version, envelope) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING").format(self._t), held)
            if positions:
                cur.executemany(sql.SQL(
                    "INSERT INTO {}.producer_positions (producer, position) VALUES (%s, %s) ON CONFLICT (producer)"
                    " DO UPDATE SET position = greatest(producer_positions.position, excluded.position)")
                    .format(self._t), list(positions.items()))

    def stream_version(self, conn: psycopg.Connection, stream_id: str) -> int:
        """How far a stream has been applied (0 if not at all)."""
        row = conn.execute(
            sql.SQL("SELECT version FROM {}.stream_checkpoints WHERE stream_id = %s").format(self._t), [stream_id]
        ).fetchone()
        return row[0] if row else 0

    def producer_positions(self, conn: psycopg.Connection) -> dict[str, int]:
        """The highest store position applied from each producing service."""
        return dict(conn.execute(sql.SQL("SELECT producer, position FROM {}.producer_positions").format(self._t)))
