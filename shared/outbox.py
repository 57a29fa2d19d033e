"""The outbox relay: publishes a service's committed events to its topic, in position order."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import zlib

import psycopg
from kafka.errors import KafkaError
from psycopg import sql
from psycopg_pool import PoolTimeout

from . import kafka, metrics, migrations
from .backoff import Backoff
from .checkpointing import Checkpointer
from .config import TOPICS, Settings
from .db import one
from .eventstore import EventStore
from .hashchain import GENESIS, chain_hash
from .heartbeat import Heartbeat
from .logging import configure
from .process import open_pool, stop_on_signals
from .signing import Signer

log = logging.getLogger(__name__)

def migrate(conn: psycopg.Connection, schema: str) -> None:
    """Apply the relay's checkpoint and the heartbeats migrations `schema` lacks (shared/migrations/)."""
    migrations.migrate(conn, schema, migrations.RELAY, migrations.HEARTBEATS)


def lease_key(schema: str) -> int:
    """The advisory-lock key of a store's relay lease: above 2**32, so never any EventStore's append lock key."""
    return (1 << 32) | zlib.crc32(f"relay:{schema}".encode())


class BrokenChain(Exception):
    """The store's hash chain does not verify at `position`: nothing from there on may be published."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"the hash chain breaks at position {position}: {reason}")
        self.position, self.reason = position, reason


class Relay:
    """Publishes every committed event exactly in position order, at least once, never skipping one.

    It never skips because the store makes positions visible only in commit order (see
    EventStore.append), so "everything after my checkpoint" is always complete. The checkpoint
    moves only after the broker acknowledged (acks=all) every event up to it.

    Any number of copies may run: one holds the store's lease and publishes, the others stand by (see `_holds`).

    It never publishes a broken chain: each event must sit at the next position, link to the hash
    of the one before (the last one published, or the store's) and hash to what it says. At the
    first event that does not, the relay publishes what came before, stops there and says so
    (`halted`, in its checkpoint row and its heartbeat); it checks again on every round, so a store
    restored from a good copy flows again by itself.
    """

    def __init__(self, store: EventStore, bootstrap: str, topic: str, *, partitions: int = 3,
                 batch_size: int = 2000, broker_check_s: float = 2.0, checkpointer: Checkpointer | None = None) -> None:
        self.store, self.bootstrap, self.topic = store, bootstrap, topic
        self.checkpointer = checkpointer
        self.partitions, self.batch_size, self.broker_check_s = partitions, batch_size, broker_check_s
        self._t = sql.Identifier(store.schema)
        self._producer: kafka.KafkaProducer | None = None
        self._admin: kafka.KafkaAdminClient | None = None
        self._topic_id = ""
        self._next_check = 0.0
        self._acked: dict[int, int] = {}
        self._last_hash = GENESIS
        self.position = 0
        self.halted: BrokenChain | None = None
        self.lease_key = lease_key(store.schema)
        self._leased = False

    def start(self) -> None:
        """Connect, and republish from the beginning if the topic is not the one we last published to."""
        self._producer = kafka.producer(self.bootstrap)
        self._admin = kafka.admin(self.bootstrap)
        with self.store.pool.connection() as conn:
            migrate(conn, self.store.schema)
            row = conn.execute(
                sql.SQL("SELECT position, topic_id FROM {}.relay_checkpoint WHERE topic = %s").format(self._t),
                [self.topic],
            ).fetchone()
            if self.checkpointer is not None:
                self.checkpointer.load(conn)
        self.position, self._topic_id = row if row else (0, "")
        self._last_hash = self._stored_hash(self.position)
        self._check_broker()

    def _stored_hash(self, position: int) -> str:
        if position == 0:
            return GENESIS
        with self.store.pool.connection() as conn:
            row = conn.execute(sql.SQL("SELECT envelope->>'hash' FROM {}.events WHERE position = %s")
                               .format(self._t), [position]).fetchone()
        return row[0] if row else ""

    def _check_broker(self) -> None:
        # The embedded broker keeps nothing across a restart, and any client's metadata request
        # re-creates a missing topic empty. Only the topic's id tells the old topic from the new,
        # so a changed id means the broker lost what we published: start again from position 0.
        current = kafka.ensure_topic(self._admin, self.topic, self.partitions)
        if current != self._topic_id:
            if self.position:
                log.warning("topic was recreated: republishing from the start",
                            extra={"fields": {"topic": self.topic, "from_position": self.position}})
            self._topic_id, self.position, self._acked, self._last_hash = current, 0, {}, GENESIS
        self._next_check = time.monotonic() + self.broker_check_s

    def run_once(self) -> int:
        """Publish one batch after the checkpoint; returns how many events were acknowledged."""
        if time.monotonic() >= self._next_check:
            self._check_broker()
        batch = self._verified(self.store.read_all_text(self.position, self.batch_size))
        if not batch:
            return 0
        if self._producer is None:
            raise RuntimeError("the relay publishes only after start()")
        futures = [self._producer.send(self.topic, key=stream_id.encode(), value=text.encode())
                   for _, stream_id, text, _ in batch]
        self._producer.flush()
        for future in futures:
            meta = future.get()
            if meta.offset <= self._acked.get(meta.partition, -1):
                # Offsets restarted: the broker came back empty between two checks.
                self._topic_id = ""
                self._check_broker()
                return 0
            self._acked[meta.partition] = meta.offset
        self._save(batch[-1][0], batch[-1][3])
        metrics.RELAY_PUBLISHED.labels(self.topic).inc(len(batch))
        return len(batch)

    def _verified(self, batch: list[tuple[int, str, str]]) -> list[tuple[int, str, str, str]]:
        """The leading part of `batch` whose chain verifies, each with its hash; records where it breaks."""
        good, prev, position = [], self._last_hash, self.position
        broken = None
        for pos, stream_id, text in batch:
            env = json.loads(text)
            if pos != position + 1:
                broken = BrokenChain(position + 1, f"position {pos} follows {position}")
            elif env.get("prev_hash") != prev:
                broken = BrokenChain(pos, "prev_hash does not match the previous event's hash")
            elif chain_hash(prev, env) != env.get("hash"):
                broken = BrokenChain(pos, "the event does not hash to its hash field")
            if broken is not None:
                break
            good.append((pos, stream_id, text, env["hash"]))
            prev, position = env["hash"], pos
        if broken is not None and (self.halted is None or self.halted.position != broken.position):
            log.error("stored hash chain is broken: publishing stops there",
                      extra={"fields": {"topic": self.topic, "position": broken.position, "reason": broken.reason}})
            self._record_halt(broken)
        elif broken is None and batch and self.halted is not None:
            log.warning("stored hash chain verifies again: publishing resumes", extra={"fields": {"topic": self.topic}})
            self._record_halt(None)
        return good

    def _record_halt(self, broken: BrokenChain | None) -> None:
        self.halted = broken
        with self.store.pool.connection() as conn:
            conn.execute(sql.SQL(
                "INSERT INTO {}.relay_checkpoint (topic, position, topic_id, halted_at, halted_reason)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (topic) DO UPDATE SET halted_at = excluded.halted_at,"
                " halted_reason = excluded.halted_reason").format(self._t),
                [self.topic, self.position, self._topic_id, broken and broken.position, broken and broken.reason])

    def _save(self, position: int, last_hash: str) -> None:
        self.position, self._last_hash = position, last_hash
        with self.store.pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "INSERT INTO {}.relay_checkpoint (topic, position, topic_id) VALUES (%s, %s, %s)"
                    " ON CONFLICT (topic) DO UPDATE SET position = excluded.position, topic_id = excluded.topic_id"
                ).format(self._t),
                [self.topic, position, self._topic_id],
            )

    def run(self, stop: threading.Event, idle_s: float = 0.5, heartbeat: Heartbeat | None = None,
            standby_poll_s: float = 1.0) -> None:
        """Relay until `stop` is set, reconnecting with backoff whenever the broker or the database fails.

        Only the copy holding the store's lease publishes (see `lease_key`); another copy stands by, asking
        for the lease every `standby_poll_s`. When idle it sleeps on the store's NOTIFY channel (woken by
        each commit), at most `idle_s`.
        """
        backoff, lease = Backoff(0.2, 5.0), None
        while not stop.is_set():
            try:
                if lease is None:
                    lease = self._listen()
                if not self._holds(lease):
                    self.close()  # the next holder starts afresh from the checkpoint row
                    if heartbeat is not None:
                        heartbeat.progress(state="standby", last_error=None)
                    stop.wait(standby_poll_s)
                    continue
                if self._producer is None:
                    self.start()
                published = self.run_once()
                self._checkpoint()
                if published == 0:
                    for _ in lease.notifies(timeout=idle_s, stop_after=1):
                        pass
                backoff.reset()
                if heartbeat is not None:
                    heartbeat.progress(state="halted" if self.halted else "publishing", position=self.position,
                                       halted_at=self.halted and self.halted.position, last_error=None)
            except (KafkaError, psycopg.Error, PoolTimeout) as exc:
                delay = backoff.next_s()
                log.warning("dependency unavailable, retrying",
                            extra={"fields": {"error": repr(exc), "retry_s": round(delay, 2)}})
                if heartbeat is not None:
                    heartbeat.progress(state="retrying", last_error=type(exc).__name__)
                self.close()
                if lease is not None:
                    lease.close()  # gives the lease up: the server releases a session's locks with it
                    lease = None
                self._leased = False
                stop.wait(delay)
        if lease is not None:
            lease.close()
        self.close()

    def _checkpoint(self) -> None:
        """Sign and append a checkpoint over what has been published, when one is due (see shared/checkpointing.py)."""
        if self.checkpointer is None:
            return
        with self.store.pool.connection() as conn:
            self.checkpointer.catch_up(conn, self.position)
        if self.checkpointer.due():
            self.checkpointer.publish()

    def _holds(self, lease: psycopg.Connection) -> bool:
        """Whether this copy holds the store's lease, taking it when it is free.

        The lease is a session-level advisory lock on `lease` (the connection that also LISTENs): the
        server holds it while that session lives and releases it the moment the session ends, however
        the holder died (SIGKILL, a cut connection, a lost host once TCP gives up), so a standby asking
        each second takes over within about a second of the server noticing. Two relays publishing one
        store at once would put every event on the topic twice and race each other's checkpoint; the
        store's positions and hash chain stay correct either way, but consumers and auditors would see
        the duplicates. Asking again while holding it costs one round trip per batch and proves the
        session, and so the lease, is still there before the batch goes out.
        """
        if self._leased:
            lease.execute("SELECT 1")
            return True
        self._leased = one(lease.execute("SELECT pg_try_advisory_lock(%s)", [self.lease_key]))[0]
        if self._leased:
            log.info("lease taken: this copy publishes", extra={"fields": {"topic": self.topic}})
        return self._leased

    def _listen(self) -> psycopg.Connection:
        conninfo = self.store.pool.conninfo  # a pool may be given a function that makes it
        listener = psycopg.connect(conninfo() if callable(conninfo) else conninfo, autocommit=True, connect_timeout=2)
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.store.channel)))
        return listener

    def close(self) -> None:
        """Close the broker clients (they are re-created on the next start)."""
        for client, options in ((self._producer, {"timeout": 1}), (self._admin, {})):
            if client is not None:
                try:
                    client.close(**options)
                except Exception:  # noqa: BLE001 - closing a client to a dead broker may fail; we are discarding it
                    log.debug("error closing client", exc_info=True)
        self._producer = self._admin = None


def main(argv: list[str] = sys.argv) -> None:
    """Run the relay of one service: `python -m shared.outbox pledge`."""
    service = argv[1]
    settings = Settings.from_env()
    configure(f"{service}-relay", settings.log_level)
    stop = stop_on_signals()
    pool = open_pool(settings, f"{service}-relay", stop, max_size=2)
    if pool is None:
        return
    store = EventStore(pool, service, signer=Signer.from_file(service, settings.signing_key_file))
    checkpointer = (Checkpointer(store, settings.checkpoint_every_events, settings.checkpoint_every_s)
                    if settings.checkpoint_every_events > 0 else None)
    relay = Relay(store, settings.kafka_bootstrap_servers, TOPICS[service], partitions=settings.topic_partitions,
                  batch_size=settings.relay_batch_size, broker_check_s=settings.broker_check_s,
                  checkpointer=checkpointer)
    beat = Heartbeat(settings.database_url, service, f"{service}-relay", settings.heartbeat_s).start()
    metrics.serve(settings, metrics.relay_backlog(pool, service, relay.topic))
    log.info("relay started", extra={"fields": {"topic": relay.topic}})
    relay.run(stop, settings.relay_idle_s, beat)
    beat.stop()
    pool.close()


if __name__ == "__main__":
    main()
