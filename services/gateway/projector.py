"""The projector: one consumer group over every topic, feeding the gateway's read models."""

from __future__ import annotations

import logging
import signal
import threading

from kafka.errors import KafkaError

from shared import kafka
from shared.config import TOPICS, Settings
from shared.db import connect_pool
from shared.logging import configure
from shared.projection import Projection

from . import projections

log = logging.getLogger(__name__)
GROUP = "gateway-projector"
SCHEMA = "gateway"


def build_projection(pool, schema: str = SCHEMA) -> Projection:
    """The projection of every read model into `schema`."""
    return Projection(pool, schema, projections.handlers())


def run(consumer, projection: Projection, stop: threading.Event) -> None:
    """Poll, apply each batch in one transaction, then commit the offsets, until `stop` is set."""
    while not stop.is_set():
        records = consumer.poll(timeout_ms=200)
        envelopes = [kafka.decode(r.value) for batch in records.values() for r in batch]
        if not envelopes:
            continue
        projection.apply(envelopes)
        try:
            consumer.commit()
        except KafkaError as exc:
            # Offsets are only a shortcut: the read model's own checkpoints skip any redelivery.
            log.warning(
                "offset commit failed; events will be redelivered and skipped", extra={"fields": {"error": repr(exc)}}
            )


def main() -> None:
    """Run the projector process."""
    settings = Settings.from_env()
    configure("projector", settings.log_level)
    pool = connect_pool(settings.database_url, max_size=2, name="projector", search_path=SCHEMA)
    consumer = kafka.consumer(settings.kafka_bootstrap_servers, list(TOPICS.values()), GROUP)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("projector started")
    run(consumer, build_projection(pool), stop)
    consumer.close()
    pool.close()


if __name__ == "__main__":
    main()
