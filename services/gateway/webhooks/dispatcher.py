"""The webhook dispatcher: `python -m services.gateway.webhooks.dispatcher`.

One process, two loops: the intake consumes every topic in its own consumer group and queues a
delivery per matching subscription (enqueue.py); the sender sends what is due (sender.py). They
meet only in `gateway_hooks`, so either can stop and restart without losing or repeating a delivery.
"""

from __future__ import annotations

import logging
import signal
import threading

from shared import kafka, subscription
from shared.config import TOPICS, Settings
from shared.db import connect_pool
from shared.logging import configure
from shared.projection import Projection

from . import enqueue, sender
from .schema import SCHEMA

log = logging.getLogger(__name__)
GROUP = "gateway-webhooks"


def main() -> None:
    """Run the dispatcher until SIGTERM or SIGINT; in-flight deliveries finish first."""
    settings = Settings.from_env()
    configure("webhook-dispatcher", settings.log_level)
    pool = connect_pool(settings.database_url, max_size=settings.webhook_concurrency + 2, name=GROUP)
    consumer = kafka.consumer(settings.kafka_bootstrap_servers, list(TOPICS.values()), GROUP)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sending = threading.Thread(target=sender.run, args=(pool, settings, stop), name="sender")
    sending.start()
    log.info("webhook dispatcher started", extra={"fields": {"group": GROUP}})
    try:
        subscription.run(consumer, Projection(pool, SCHEMA, enqueue.handlers()), stop)
    finally:
        stop.set()
        sending.join()
        consumer.close()
        pool.close()


if __name__ == "__main__":
    main()
