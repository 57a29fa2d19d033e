"""A service's subscription to other services' topics: its own consumer group feeding a Projection.

The loop the gateway's projector runs, for a domain service that keeps its own view of foreign
events (pilots' signatories) or reacts to them (knowledge's removal evidence). Offsets are only a
shortcut: the Projection's checkpoints, committed with the handlers' writes, make redelivery harmless.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Mapping
from typing import Any

import psycopg
from kafka.errors import KafkaError

from . import kafka
from .config import Settings
from .db import connect_pool
from .eventstore import ConcurrencyConflict
from .logging import configure
from .projection import Handler, Projection

log = logging.getLogger(__name__)

# Worth retrying the same batch: a concurrent writer moved a stream on, or the database blinked.
TRANSIENT = (ConcurrencyConflict, psycopg.OperationalError)


def apply_until_done(projection: Projection, envelopes: list[dict[str, Any]], stop: threading.Event) -> bool:
    """Apply one batch, retrying it whole after a transient failure (its transaction rolled back).

    Returns False only when told to stop before the batch could be applied. The caller must then
    not commit the batch's offsets: a batch polled but never applied, its offsets committed, would
    be skipped by the next consumer of the group, and every later event of its streams held back
    behind the gap for ever.
    """
    backoff = 0.1
    while True:
        try:
            projection.apply(envelopes)
            return True
        except TRANSIENT as exc:
            log.warning("batch failed, retrying", extra={"fields": {"error": repr(exc), "retry_s": backoff}})
            if stop.wait(backoff):
                return False
            backoff = min(backoff * 2, 5.0)


def run(consumer, projection: Projection, stop: threading.Event) -> None:
    """Poll, apply each batch in one transaction, then commit the offsets, until `stop` is set."""
    while not stop.is_set():
        records = consumer.poll(timeout_ms=200)
        envelopes = [kafka.decode(r.value) for batch in records.values() for r in batch]
        if not envelopes:
            continue
        if not apply_until_done(projection, envelopes, stop):
            return
        try:
            consumer.commit()
        except KafkaError as exc:
            log.warning("offset commit failed; events will be redelivered and skipped",
                        extra={"fields": {"error": repr(exc)}})


def main(group: str, schema: str, topics: list[str], handlers: Mapping[str, Handler],
         search_path: str | None = None, **consumer_options: Any) -> None:
    """Run a subscription process: consumer group `group` over `topics` (with any `consumer_options`), applied
    into `schema`."""
    settings = Settings.from_env()
    configure(group, settings.log_level)
    pool = connect_pool(settings.database_url, max_size=2, name=group, search_path=search_path)
    consumer = kafka.consumer(settings.kafka_bootstrap_servers, topics, group, **consumer_options)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("subscription started", extra={"fields": {"topics": topics}})
    run(consumer, Projection(pool, schema, handlers), stop)
    consumer.close()
    pool.close()
