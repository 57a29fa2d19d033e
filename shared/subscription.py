"""A consumer of topics: its own consumer group feeding a Projection, surviving whatever its servers do.

The loop the gateway's projector runs, for a domain service that keeps its own view of foreign
events (pilots' signatories) or reacts to them (knowledge's removal evidence). Offsets are only a
shortcut: the Projection's checkpoints, committed with the handlers' writes, make redelivery harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from . import kafka, metrics
from .backoff import Backoff, every
from .config import TOPICS, Settings
from .contract import refusal
from .heartbeat import Heartbeat
from .logging import configure
from .process import open_pool, stop_on_signals
from .projection import TRANSIENT, Handler, Projection
from .signing import Keyring

log = logging.getLogger(__name__)
COMMIT_TIMEOUT_MS = 3000


def apply_until_done(projection: Projection, envelopes: list[dict[str, Any]], stop: threading.Event) -> bool:
    """Apply one batch, retrying it whole after a transient failure (its transaction rolled back).

    Returns False only when told to stop before the batch could be applied. The caller must then
    not commit the batch's offsets: a batch polled but never applied, its offsets committed, would
    be skipped by the next consumer of the group, and every later event of its streams held back
    behind the gap for ever.
    """
    backoff = Backoff(0.1, 5.0)
    while True:
        try:
            projection.apply(envelopes)
            return True
        except TRANSIENT as exc:
            delay = backoff.next_s()
            log.warning("batch failed, retrying", extra={"fields": {"error": repr(exc), "retry_s": round(delay, 2)}})
            if stop.wait(delay):
                return False


class Rewinds:
    """When a consumer should read its topics again from the start, which the checkpoints make harmless.

    Two things call for it. A topic re-created on a fresh broker (seen by `watch`, at most every few seconds):
    the consumer's positions belong to the lost topic, and the group's committed offsets may be ones reached on
    the new topic from those positions before anyone noticed; resuming from either would skip records the relays
    republished from the start. And an event waiting behind a gap (not behind a parked event) for `gap_s`:
    whatever moved a consumer past its predecessor, that predecessor lies behind the consumer's position, so a
    rewind fills the gap. A gap a rewind cannot fill costs little: further rewinds wait twice as long each time.

    The consumer is sought back, never replaced: closing one in the middle of a join leaves the embedded broker's
    group led by a member that has gone, and a new consumer then waits for an assignment that never comes.
    """

    def __init__(self, projection: Projection, topics: list[str], gap_s: float = 15.0, check_s: float = 5.0,
                 watch: kafka.TopicWatch | None = None) -> None:
        by_topic = {topic: producer for producer, topic in TOPICS.items()}
        self.projection, self.gap_s, self.watch, self._check = projection, gap_s, watch, every(check_s)
        self.producers = [by_topic[t] for t in topics] if all(t in by_topic for t in topics) else None
        self._requested, self._interval, self._next = False, gap_s, 0.0

    @classmethod
    def of(cls, projection: Projection, topics: list[str], settings: Settings) -> Rewinds:
        """A process's rewinds over `topics`: watching them on its brokers, a gap counting after its lag grace."""
        return cls(projection, topics, settings.lag_grace_s,
                   watch=kafka.TopicWatch(settings.kafka_bootstrap_servers, topics, settings.broker_check_s))

    def carry_out(self, consumer: Any) -> None:
        """Seek `consumer` to the start of its partitions if a rewind is due (once it has been assigned some)."""
        if not self._requested and self.watch is not None and self.watch.changed():
            log.warning("a topic was re-created: consuming it again from the start")
            self._requested = True
        if not self._requested and self._check() and time.monotonic() >= self._next:
            with self.projection.pool.connection() as conn:
                waited = self.projection.gap_waited_s(conn, self.producers)
            if waited >= self.gap_s:
                log.warning("an event waits behind a gap: reading the topics again from the start",
                            extra={"fields": {"waited_s": round(waited, 1)}})
                self._requested, self._next = True, time.monotonic() + self._interval
                self._interval = min(self._interval * 2, 3600.0)
        if self._requested and (assigned := consumer.assignment()):
            consumer.seek_to_beginning()
            # A rebalance soon after (the group re-forming on a fresh broker) would resume from the group's
            # committed offsets, past what this rewind is for: the start is committed too, so it survives one.
            try:
                starts = consumer.beginning_offsets(list(assigned))
                consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in starts.items()})
            except KafkaError as exc:  # the group is re-forming: the seek stands, the next rewind check follows
                log.warning("could not commit the rewind's start", extra={"fields": {"error": str(exc)}})
            self._requested = False

    def close(self) -> None:
        if self.watch is not None:
            self.watch.close()


def run(consumer: kafka.KafkaConsumer, projection: Projection, stop: threading.Event,
        heartbeat: Heartbeat | None = None) -> None:
    """Poll, apply each batch in one transaction, then commit the offsets, until `stop` is set."""
    follow(lambda: consumer, projection, stop, heartbeat, close_consumer=False)


def follow(connect: Callable[[], Any], projection: Projection, stop: threading.Event,
           heartbeat: Heartbeat | None = None, close_consumer: bool = True,
           rewinds: Rewinds | None = None) -> None:
    """Consume with a consumer from `connect()` until `stop`, making a new one whenever the broker fails.

    Neither a broker nor a database outage ends the loop: the batch in hand is retried until it is
    applied (its offsets are committed only then), a failed consumer is closed and made again with
    capped, jittered backoff, and operators' requests on parked events are carried out on the way.
    With `rewinds`, the consumer reads its topics again from the start when one was re-created or an event waits
    behind a gap (see `Rewinds`).
    """
    consumer, backoff, check_requests = None, Backoff(0.2, 5.0), every(1.0)
    while not stop.is_set():
        try:
            if consumer is None:
                consumer = connect()
            records = consumer.poll(timeout_ms=200)
            envelopes = [kafka.decode(r.value) for batch in records.values() for r in batch]
            if envelopes:
                if not apply_until_done(projection, envelopes, stop):
                    break
                _commit(consumer)
            if rewinds is not None:
                rewinds.carry_out(consumer)
            if check_requests():
                projection.resolve_requests()
            backoff.reset()
            if heartbeat is not None:
                heartbeat.progress(state="consuming", last_error=None)
        except (KafkaError, *TRANSIENT) as exc:
            delay = backoff.next_s()
            log.warning("dependency unavailable, retrying", extra={"fields": {"error": repr(exc),
                                                                               "retry_s": round(delay, 2)}})
            if heartbeat is not None:
                heartbeat.progress(state="retrying", last_error=type(exc).__name__)
            if isinstance(exc, KafkaError) and consumer is not None:
                _close(consumer)
                consumer = None
            stop.wait(delay)
    if consumer is not None and close_consumer:
        _close(consumer)
    if rewinds is not None:
        rewinds.close()


def _commit(consumer: kafka.KafkaConsumer) -> None:
    # Offsets are a shortcut (checkpoints are the truth), so a commit to a broker that went away is given
    # up after a few seconds: kafka-python's own wait, its request timeout, would hold the loop for minutes.
    try:
        consumer.commit(timeout_ms=COMMIT_TIMEOUT_MS)
    except KafkaError as exc:
        log.warning("offset commit failed; events will be redelivered and skipped",
                    extra={"fields": {"error": repr(exc)}})


def _close(consumer: kafka.KafkaConsumer) -> None:
    try:
        consumer.close(autocommit=False)
    except Exception:  # noqa: BLE001 - closing a consumer of a dead broker may fail; it is being discarded
        log.debug("error closing consumer", exc_info=True)


def main(group: str, schema: str, topics: list[str], handlers: Mapping[str, Handler],
         search_path: str | None = None, per_topic: bool = False, **consumer_options: Any) -> None:
    """Run a subscription process: consumer group `group` over `topics` (with any `consumer_options`), applied
    into `schema`. With `per_topic`, each topic has a consumer and a thread of its own (group `group.<topic>`),
    so a backlog on one topic never delays the others."""
    settings = Settings.from_env()
    configure(group, settings.log_level)
    stop = stop_on_signals()
    pool = open_pool(settings, group, stop, max_size=2 + (len(topics) if per_topic else 0), search_path=search_path)
    if pool is None:
        return
    lanes = [(f"{group}.{t}", [t]) for t in topics] if per_topic else [(group, topics)]
    heartbeats = [Heartbeat(settings.database_url, schema, name, settings.heartbeat_s, topics=ts).start()
                  for name, ts in lanes]
    projection = Projection(pool, schema, handlers, consumer=group,
                            contract=refusal(Keyring.load(settings.trusted_keys_file)))
    metrics.serve(settings)
    log.info("subscription started", extra={"fields": {"topics": topics, "per_topic": per_topic}})

    def lane(name: str, lane_topics: list[str], beat: Heartbeat) -> None:
        follow(lambda: kafka.consumer(settings.kafka_bootstrap_servers, lane_topics, name, **consumer_options),
               projection, stop, beat, rewinds=Rewinds.of(projection, lane_topics, settings))

    threads = [threading.Thread(target=lane, args=(name, ts, beat), name=name)
               for (name, ts), beat in zip(lanes, heartbeats, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for beat in heartbeats:
        beat.stop()
    pool.close()
