"""A service's append-only event store in its own PostgreSQL schema."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from . import migrations
from .db import one
from .envelope import CommandMeta, IdempotencyClaim, new_envelope
from .events import Event, EventRegistry, replay
from .hashchain import chain_hash
from .signing import Signer

S = TypeVar("S")

CLAIM = (
    "INSERT INTO {}.idempotency_keys (actor, key, request_hash, attempt, stream_id, version, position)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (actor, key) DO UPDATE SET actor = EXCLUDED.actor RETURNING attempt"
)


class AlreadyApplied(Exception):
    """Another attempt of the same idempotent command has already appended: nothing more was written."""

    def __init__(self, actor: str, key: str) -> None:
        super().__init__(f"the command with Idempotency-Key {key!r} was already applied")
        self.actor, self.key = actor, key


class ConcurrencyConflict(Exception):
    """The stream moved on since the writer read it: nothing was written (HTTP 409)."""

    status = 409

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id} is at version {actual}, not {expected}")
        self.message = str(self)
        self.field = None
        self.expected, self.actual = expected, actual


def retry_on_conflict(handler: Callable[..., AppendResult], attempts: int = 3) -> Callable[..., AppendResult]:
    """Re-run a load-decide-append handler when a concurrent writer got there first.

    Safe because each attempt reloads the stream and the domain decides again on what is there
    now: two people rating one draft at once both succeed, while a decision the newer state
    forbids is refused as it should be. Nothing is ever written on a stale view.
    """

    @functools.wraps(handler)
    def run(*args: Any, **kwargs: Any) -> AppendResult:
        for attempt in range(attempts):
            try:
                return handler(*args, **kwargs)
            except ConcurrencyConflict:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    return run


@dataclass(frozen=True)
class AppendResult:
    """Where an append landed: the stream's new version and the store position of its last event."""

    stream_id: str
    version: int
    position: int


class EventStore:
    """Append-only, hash-chained events of one service, in one PostgreSQL schema."""

    def __init__(self, pool: ConnectionPool | None, schema: str, clock: Callable[[], datetime] | None = None,
                 producer: str | None = None, signer: Signer | None = None) -> None:
        self._pool = pool  # None: a store that only migrates, or appends on connections it is given
        self.schema = schema
        self.signer = signer  # None: a store that only reads or migrates; appending needs one
        # A service's store is named for it; only a benchmark's scratch store writes as another producer.
        self.producer = producer or schema
        self._clock = clock or (lambda: datetime.now(UTC))
        self._t = sql.Identifier(schema)
        self._lock_key = zlib.crc32(f"eventstore:{schema}".encode())
        self.channel = f"{schema}_appended"

    @property
    def pool(self) -> ConnectionPool:
        if self._pool is None:
            raise RuntimeError(f"the {self.schema} store was made without a pool: pass it a connection")
        return self._pool

    def migrate(self, conn: psycopg.Connection) -> None:
        """Create the schema and apply the store's numbered migrations it lacks (shared/migrations/eventstore/)."""
        migrations.migrate(conn, self.schema, migrations.EVENT_STORE)

    def append(
        self, stream_type: str, stream_id: str, expected_version: int, events: Sequence[Event],
        meta: CommandMeta, conn: psycopg.Connection | None = None,
    ) -> AppendResult:
        """Append events to a stream that must be at `expected_version`, atomically.

        Guarantees: all or none of the events are written; a stale expected version raises
        ConcurrencyConflict and writes nothing; positions are gap-free and become visible in
        exactly their order; each event is signed and its hash chains to the previous one. With `conn`, the
        append joins the caller's open transaction and commits with it. With an idempotency
        claim in `meta`, the key is recorded in the same transaction, and an append under a key
        another attempt has already recorded raises AlreadyApplied and writes nothing.
        """
        if self.signer is None:
            raise RuntimeError(f"the {self.schema} store was made without a signer: it cannot append")
        if conn is not None:
            return self._append(conn, self.signer, stream_type, stream_id, expected_version, events, meta)
        with self.pool.connection() as own:
            return self._append(own, self.signer, stream_type, stream_id, expected_version, events, meta)

    def _append(self, conn: psycopg.Connection, signer: Signer, stream_type: str, stream_id: str,
                expected_version: int, events: Sequence[Event], meta: CommandMeta) -> AppendResult:
        # Positions come from the head row under a transaction-scoped advisory lock, not from a
        # sequence. With a sequence, a transaction that commits later can hold a lower position,
        # so a relay reading "after position N" would skip it forever (the bug event stores keep
        # re-fixing). Serialising appends per store means position N+1 cannot exist until N has
        # committed — the lock is released only after commit has made N visible — and the hash
        # chain needs exactly this serial order anyway. Civic write volumes are far below the
        # few thousand appends per second one lock allows.
        with conn.pipeline():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [self._lock_key])
            head = conn.execute(sql.SQL("SELECT position, hash FROM {}.head").format(self._t))
            current = conn.execute(
                sql.SQL("SELECT coalesce(max(version), 0) FROM {}.events WHERE stream_id = %s").format(self._t),
                [stream_id],
            )
        position, prev_hash = one(head)
        actual = one(current)[0]
        if actual != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, actual)
        if meta.idempotency is not None:
            self._claim(conn, meta.actor, meta.idempotency, stream_id, expected_version + len(events),
                        position + len(events))
        now = self._clock()
        rows = []
        for offset, event in enumerate(events, start=1):
            env = new_envelope(
                event, stream_type=stream_type, stream_id=stream_id, version=expected_version + offset,
                position=position + offset, occurred_at=now, producer=self.producer, meta=meta, prev_hash=prev_hash,
            )
            env["signature"] = signer.sign(env)
            env["hash"] = prev_hash = chain_hash(prev_hash, env)
            rows.append((env["position"], env["event_id"], stream_type, stream_id, env["version"],
                         env["type"], now, Jsonb(env)))
        with conn.pipeline(), conn.cursor() as cur:
            cur.executemany(
                sql.SQL(
                    "INSERT INTO {}.events (position, event_id, stream_type, stream_id, version, type,"
                    " occurred_at, envelope) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                ).format(self._t),
                rows,
            )
            cur.execute(sql.SQL("UPDATE {}.head SET position = %s, hash = %s").format(self._t),
                        [position + len(rows), prev_hash])
            # Delivered at commit, so a listening relay wakes exactly when there is something to publish.
            cur.execute(sql.SQL("NOTIFY {}").format(sql.Identifier(self.channel)))
        return AppendResult(stream_id, expected_version + len(rows), position + len(rows))

    def _claim(self, conn: psycopg.Connection, actor: str, claim: IdempotencyClaim, stream_id: str, version: int,
               position: int) -> None:
        # Recorded in the append's own transaction: after a timeout the first attempt may have committed,
        # and then its key is there for the retry to find; if it rolled back, so did the key. The key's
        # row lock makes a concurrent second attempt wait for the first to commit, then refuse.
        owner = one(conn.execute(sql.SQL(CLAIM).format(self._t), [
            actor, claim.key, claim.request_hash, claim.attempt, stream_id, version, position]))[0]
        if owner != claim.attempt:
            raise AlreadyApplied(actor, claim.key)

    def read_stream(self, stream_id: str) -> list[dict[str, Any]]:
        """Every envelope of one stream, in version order."""
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute(
                sql.SQL("SELECT envelope FROM {}.events WHERE stream_id = %s ORDER BY version").format(self._t),
                [stream_id],
            )]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        """Committed envelopes after a position, in position order; never one out of order."""
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute(
                sql.SQL("SELECT envelope FROM {}.events WHERE position > %s ORDER BY position LIMIT %s")
                .format(self._t),
                [after_position, limit],
            )]

    def read_all_text(self, after_position: int = 0, limit: int = 1000) -> list[tuple[int, str, str]]:
        """Like `read_all`, as (position, stream_id, envelope JSON text): what a relay sends, unparsed."""
        with self.pool.connection() as conn:
            return conn.execute(
                sql.SQL("SELECT position, stream_id, envelope::text FROM {}.events WHERE position > %s"
                        " ORDER BY position LIMIT %s").format(self._t),
                [after_position, limit],
            ).fetchall()

    def head_position(self) -> int:
        """The position of the last committed event (0 for an empty store)."""
        with self.pool.connection() as conn:
            return one(conn.execute(sql.SQL("SELECT position FROM {}.head").format(self._t)))[0]

    def load(self, registry: EventRegistry, evolve: Callable[[S | None, Event], S | None],
             stream_id: str) -> tuple[S | None, int]:
        """An aggregate's state rebuilt from its stream, and the stream's version (0 if new)."""
        envelopes = self.read_stream(stream_id)
        events = (registry.from_envelope(e) for e in envelopes)  # upcast to the code's versions
        initial: S | None = None  # a new stream: no state yet
        return replay(evolve, events, initial), len(envelopes)
