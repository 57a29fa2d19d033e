"""Applying events to a read model exactly once and in stream order, from an at-least-once log."""

from __future__ import annotations

import contextlib
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from . import metrics, migrations, parking
from .eventstore import ConcurrencyConflict
from .upcasting import upcast

Handler = Callable[[psycopg.Connection, dict[str, Any]], None]
# Worth retrying the same batch, never a reason to park: the database went away, a deadline passed, the pool ran
# dry, or a handler appending to a store met a concurrent writer.
TRANSIENT = (psycopg.OperationalError, PoolTimeout, ConcurrencyConflict)

class Projection:
    """Applies envelopes through per-type handlers into one schema, idempotently by (stream_id, version).

    A duplicate (version at or below the stream's checkpoint) is skipped. An event arriving ahead
    of its predecessor is held back in `held_events` — in the same transaction, so a restart
    cannot lose it — and applied the moment the gap fills. Each batch's read-model changes, its
    checkpoints and its held events commit in one transaction: a crash leaves either all or none.

    An event a handler refuses (anything but a transient database failure), or one outside the
    published contract when `contract` is given, is parked (see shared/parking.py): its stream
    stops there, its later events are held behind it, and every other stream flows on.
    """

    def __init__(self, pool: ConnectionPool | None, schema: str, handlers: Mapping[str, Handler], *,
                 consumer: str = "", contract: Callable[[dict], str | None] | None = None) -> None:
        self._pool, self.schema, self.handlers = pool, schema, handlers  # no pool: one that only migrates
        self.consumer = consumer or schema
        self.contract = contract
        self._t = sql.Identifier(schema)
        # Advisory locks of the two-key form, first key the schema's: apart from the one-key locks the event
        # stores and relays take, and from another schema's streams.
        self._lock_space = _int4(zlib.crc32(f"projection:{schema}".encode()))

    @property
    def pool(self) -> ConnectionPool:
        if self._pool is None:
            raise RuntimeError(f"the {self.schema} projection was made without a pool: it can only migrate")
        return self._pool

    def migrate(self, conn: psycopg.Connection) -> None:
        """Create the bookkeeping tables if missing: checkpoints, held and parked events, heartbeats.

        This builds them in a schema made afresh (a read model's, rebuilt from the log and swapped in,
        or a scratch one), recording nothing there. A service's own long-lived schema applies the same
        files as numbered migrations instead: `shared.migrations.migrate(conn, schema, *CONSUMER)`.
        """
        migrations.build(conn, self.schema, *migrations.CONSUMER)

    def apply(self, envelopes: Iterable[dict[str, Any]]) -> int:
        """Apply a batch in one transaction; returns how many events changed the read model."""
        envelopes = list(envelopes)
        if not envelopes:
            return 0
        with self.pool.connection() as conn:
            try:
                return self._apply(conn, _by_stream(envelopes), careful=False)
            except TRANSIENT:
                raise
            except Exception:  # noqa: BLE001 - some handler refused an event: find which, one savepoint each
                conn.rollback()
            return self._apply(conn, _by_stream(envelopes), careful=True)

    def resolve_requests(self) -> int:
        """Carry out what operators asked of parked events (retry or skip); returns how many were handled."""
        with self.pool.connection() as conn:
            requests = parking.requested(conn, self.schema, self.consumer)
            for parked_id, stream_id, version, envelope, action in requests:
                if action == "skip":
                    conn.execute(sql.SQL(
                        "INSERT INTO {}.stream_checkpoints (stream_id, version) VALUES (%s, %s) ON CONFLICT"
                        " (stream_id) DO UPDATE SET version = greatest(stream_checkpoints.version, excluded.version)")
                        .format(self._t), [stream_id, version])
                    parking.resolve(conn, self.schema, parked_id, "skipped")
                    self._apply(conn, {stream_id: {}}, careful=True)
                else:
                    self._apply(conn, {stream_id: {version: envelope}}, careful=True, releasing=(stream_id, version))
                    if self.stream_version(conn, stream_id) >= version:
                        parking.resolve(conn, self.schema, parked_id, "retried")
                # One transaction per request: holding one stream's lock while waiting for the next could deadlock
                # with a copy applying a batch (which takes its locks all at once, in order).
                conn.commit()
        return len(requests)

    def _apply(self, conn: psycopg.Connection, by_stream: dict[str, dict[int, dict]], *, careful: bool,
               releasing: tuple[str, int] | None = None) -> int:
        ids = list(by_stream)
        # Copies of a consumer share its group, and while partitions move between them (a rebalance, a copy
        # dying mid-batch) two copies can hold the same events at once: both would read a stream's
        # checkpoint v and both apply v+1. So each transaction first locks the streams it touches, until it
        # ends; the second copy waits, and its checkpoint read (a statement after the lock, so a snapshot
        # taken after the first copy committed) sees v+1 and skips it as a duplicate. Keys are taken in
        # ascending order, so two batches over the same streams never deadlock. Sent in one pipeline with
        # the read, the lock costs no extra round trip.
        with conn.pipeline():
            conn.execute("SELECT pg_advisory_xact_lock(%s, k) FROM unnest(%s::int[]) WITH ORDINALITY AS u(k, i)"
                         " ORDER BY i", [self._lock_space, _lock_keys(ids)])
            checkpoints = conn.execute(sql.SQL(
                "SELECT stream_id, version FROM {}.stream_checkpoints WHERE stream_id = ANY(%s)").format(self._t),
                [ids])
        versions: dict[str, int] = dict(checkpoints.fetchall())
        blocked = parking.open_positions(conn, self.schema, ids) - {releasing}
        held_since: dict[tuple[str, int], Any] = {}
        for stream_id, version, env, held_at in conn.execute(
            sql.SQL("DELETE FROM {}.held_events WHERE stream_id = ANY(%s) RETURNING stream_id, version, envelope,"
                    " held_at").format(self._t), [ids],
        ):
            by_stream[stream_id].setdefault(version, env)
            held_since[(stream_id, version)] = held_at
        applied = 0
        advanced: list[tuple[str, int]] = []  # streams whose checkpoint moves, and to which version
        held: list[tuple[str, int, Jsonb, Any]] = []
        positions: dict[str, int] = {}
        by_producer: defaultdict[str, int] = defaultdict(int)
        with conn.pipeline() if not careful else contextlib.nullcontext():
            for stream_id, pending in by_stream.items():
                start = current = versions.get(stream_id, 0)
                while (stream_id, current + 1) not in blocked and (env := pending.pop(current + 1, None)) is not None:
                    if not self._handle(conn, env, careful):
                        blocked.add((stream_id, current + 1))
                        break
                    current, applied = current + 1, applied + 1
                    positions[env["producer"]] = max(positions.get(env["producer"], 0), env["position"])
                    by_producer[env["producer"]] += 1
                if current != start:
                    advanced.append((stream_id, current))
                held += [(stream_id, v, Jsonb(e), held_since.get((stream_id, v))) for v, e in pending.items()
                         if v > current and (stream_id, v) not in blocked]
            self._save(conn, advanced, held, positions)
        metrics.applied(self.consumer, by_producer)
        return applied

    def _handle(self, conn: psycopg.Connection, env: dict[str, Any], careful: bool) -> bool:
        """Apply one event; False when it was parked instead (only in careful mode, or outside the contract)."""
        if self.contract is not None and (why := self.contract(env)) is not None:
            parking.park(conn, self.schema, self.consumer, env, "contract", why)
            return False
        handler = self.handlers.get(env["type"])
        if handler is None:
            return True
        newest = upcast(env)  # handlers read every event at its newest version; parking keeps it as stored
        if not careful:
            handler(conn, newest)
            return True
        try:
            with conn.transaction():
                handler(conn, newest)
        except TRANSIENT:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a handler raises on bad data, it must not stop the rest
            parking.park(conn, self.schema, self.consumer, env, _name(handler), f"{type(exc).__name__}: {exc}")
            return False
        return True

    def _save(self, conn: psycopg.Connection, checkpoints: list[tuple[str, int]],
              held: list[tuple[str, int, Jsonb, Any]], positions: dict[str, int]) -> None:
        with conn.cursor() as cur:
            if checkpoints:
                cur.executemany(sql.SQL(
                    "INSERT INTO {}.stream_checkpoints (stream_id, version) VALUES (%s, %s)"
                    " ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version").format(self._t), checkpoints)
            if held:
                cur.executemany(sql.SQL(
                    "INSERT INTO {}.held_events (stream_id, version, envelope, held_at)"
                    " VALUES (%s, %s, %s, coalesce(%s, now())) ON CONFLICT DO NOTHING").format(self._t), held)
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

    def gap_waited_s(self, conn: psycopg.Connection, producers: Iterable[str] | None = None) -> float:
        """How long the oldest event held behind a gap (not behind a parked event) has waited; 0 if none does.

        With `producers`, only events from those services count.
        """
        row = conn.execute(sql.SQL(
            "SELECT coalesce(extract(epoch FROM now() - min(h.held_at))::float, 0) FROM {}.held_events h"
            " WHERE (%(any)s OR h.envelope->>'producer' = ANY(%(producers)s)) AND NOT EXISTS ("
            " SELECT 1 FROM {}.parked_events p WHERE p.stream_id = h.stream_id AND p.resolved_at IS NULL)"
        ).format(self._t, self._t), {"any": producers is None, "producers": list(producers or [])}).fetchone()
        return float(row[0]) if row else 0.0

    def producer_positions(self, conn: psycopg.Connection) -> dict[str, int]:
        """The highest store position applied from each producing service."""
        return dict(conn.execute(sql.SQL("SELECT producer, position FROM {}.producer_positions").format(self._t)))


def _by_stream(envelopes: list[dict[str, Any]]) -> dict[str, dict[int, dict]]:
    by_stream: dict[str, dict[int, dict]] = defaultdict(dict)
    for env in envelopes:
        by_stream[env["stream_id"]][env["version"]] = env
    return by_stream


def _int4(n: int) -> int:
    return n - (1 << 32) if n >= 1 << 31 else n


def _lock_keys(stream_ids: Iterable[str]) -> list[int]:
    """The distinct advisory-lock keys of these streams, ascending (one lock order for every transaction)."""
    return sorted({_int4(zlib.crc32(s.encode())) for s in stream_ids})


def _name(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"
