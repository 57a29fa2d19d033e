"""The outbox relay: publishes a service's committed events to its topic, in position order."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time

import psycopg
from kafka.errors import KafkaError
from psycopg import sql

from . import kafka
from .config import TOPICS, Settings
from .db import connect_pool
from .eventstore import EventStore
from .logging import configure

log = logging.getLogger(__name__)

CHECKPOINT_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.relay_checkpoint (
    topic    text PRIMARY KEY,
    position bigint NOT NULL,
    topic_id text NOT NULL
);
"""


def migrate(conn, schema: str) -> None:
    """Create the relay's checkpoint table in the service's schema if missing."""
    conn.execute(sql.SQL(CHECKPOINT_DDL).format(schema=sql.Identifier(schema)))


class Relay:
    """Publishes every committed event exactly in position order, at least once, never skipping one.

    It never skips because the store makes positions visible only in commit order (see
    EventStore.append), so "everything after my checkpoint" is always complete. The checkpoint
    moves only after the broker acknowledged (acks=all) every event up to it.
    """

    def __init__(self, store: EventStore, bootstrap: str, topic: str, *, partitions: int = 3,
                 batch_size: int = 2000, broker_check_s: float = 2.0) -> None:
        self.store, self.bootstrap, self.topic = store, bootstrap, topic
        self.partitions, self.batch_size, self.broker_check_s = partitions, batch_size, broker_check_s
        self._t = sql.Identifier(store.schema)
        self._producer = None
        self._admin = None
        self._topic_id = ""
        self._next_check = 0.0
        self._acked: dict[int, int] = {}
        self.position = 0

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
        self.position, self._topic_id = row if row else (0, "")
        self._check_broker()

    def _check_broker(self) -> None:
        # The embedded broker keeps nothing across a restart, and any client's metadata request
        # re-creates a missing topic empty. Only the topic's id tells the old topic from the new,
        # so a changed id means the broker lost what we published: start again from position 0.
        current = kafka.ensure_topic(self._admin, self.topic, self.partitions)
        if current != self._topic_id:
            if self.position:
                log.warning("topic was recreated: republishing from the start",
                            extra={"fields": {"topic": self.topic, "from_position": self.position}})
            self._topic_id, self.position, self._acked = current, 0, {}
        self._next_check = time.monotonic() + self.broker_check_s

    def run_once(self) -> int:
        """Publish one batch after the checkpoint; returns how many events were acknowledged."""
        if time.monotonic() >= self._next_check:
            self._check_broker()
        batch = self.store.read_all_text(self.position, self.batch_size)
        if not batch:
            return 0
        futures = [self._producer.send(self.topic, key=stream_id.encode(), value=text.encode())
                   for _, stream_id, text in batch]
        self._producer.flush()
        for future in futures:
            meta = future.get()
            if meta.offset <= self._acked.get(meta.partition, -1):
                # Offsets restarted: the broker came back empty between two checks.
                self._topic_id = ""
                self._check_broker()
                return 0
            self._acked[meta.partition] = meta.offset
        self._save(batch[-1][0])
        return len(batch)

    def _save(self, position: int) -> None:
        self.position = position
        with self.store.pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "INSERT INTO {}.relay_checkpoint (topic, position, topic_id) VALUES (%s, %s, %s)"
                    " ON CONFLICT (topic) DO UPDATE SET position = excluded.position, topic_id = excluded.topic_id"
                ).format(self._t),
                [self.topic, position, self._topic_id],
            )

    def run(self, stop: threading.Event, idle_s: float = 0.5) -> None:
        """Relay until `stop` is set, reconnecting with backoff whenever the broker fails.

        When idle it sleeps on the store's NOTIFY channel (woken by each commit), at most `idle_s`.
        """
        backoff = 0.5
        with psycopg.connect(self.store.pool.conninfo, autocommit=True) as listener:
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.store.channel)))
            while not stop.is_set():
                backoff = self._step(listener, stop, idle_s, backoff)
        self.close()

    def _step(self, listener, stop: threading.Event, idle_s: float, backoff: float) -> float:
        try:
            if self._producer is None:
                self.start()
            if self.run_once() == 0:
                for _ in listener.notifies(timeout=idle_s, stop_after=1):
                    pass
            return 0.5
        except KafkaError as exc:
            log.warning("broker unavailable, retrying", extra={"fields": {"error": repr(exc), "retry_s": backoff}})
            self.close()
            stop.wait(backoff)
            return min(backoff * 2, 5.0)

    def close(self) -> None:
        """Close the broker clients (they are re-created on the next start)."""
        for client in (self._producer, self._admin):
            if client is not None:
                try:
                    client.close(timeout=1) if client is self._producer else client.close()
                except Exception:  # closing a client to a dead broker may fail; we are discarding it
                    log.debug("error closing client", exc_info=True)
        self._producer = self._admin = None


def main(argv: list[str] = sys.argv) -> None:
    """Run the relay of one service: `python -m shared.outbox pledge`."""
    service = argv[1]
    settings = Settings.from_env()
    configure(f"{service}-relay", settings.log_level)
    pool = connect_pool(settings.database_url, max_size=2, name=f"{service}-relay")
    relay = Relay(EventStore(pool, service), settings.kafka_bootstrap_servers, TOPICS[service],
                  partitions=settings.topic_partitions, batch_size=settings.relay_batch_size,
                  broker_check_s=settings.broker_check_s)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("relay started", extra={"fields": {"topic": relay.topic}})
    relay.run(stop, settings.relay_idle_s)
    pool.close()


if __name__ == "__main__":
    main()
