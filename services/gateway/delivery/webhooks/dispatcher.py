"""The webhook dispatcher: `python -m services.gateway.delivery.webhooks.dispatcher`.

One process, two loops: the intake consumes every topic in its own consumer group and queues a
delivery per matching subscription (enqueue.py); the sender sends what is due (sender.py). They
meet only in `gateway_hooks`, so either can stop and restart without losing or repeating a delivery.
"""

from __future__ import annotations

import logging
import threading

from shared import kafka, metrics, process, subscription
from shared.config import TOPICS, Settings
from shared.contract import refusal
from shared.heartbeat import Heartbeat
from shared.logging import configure
from shared.projection import Projection
from shared.signing import Keyring

from . import enqueue, sender
from .schema import SCHEMA

log = logging.getLogger(__name__)
GROUP = "gateway-webhooks"


def main() -> None:
    """Run the dispatcher until SIGTERM or SIGINT; in-flight deliveries finish first."""
    settings = Settings.from_env()
    configure("webhook-dispatcher", settings.log_level)
    stop = process.stop_on_signals()
    pool = process.open_pool(settings, GROUP, stop, max_size=settings.webhook_concurrency + 2)
    if pool is None:
        return
    beat = Heartbeat(settings.database_url, SCHEMA, GROUP, settings.heartbeat_s, topics=list(TOPICS.values())).start()
    sending = threading.Thread(target=sender.run, args=(pool, settings, stop), name="sender")
    sending.start()
    metrics.serve(settings, sender.queue_depth(pool))
    log.info("webhook dispatcher started", extra={"fields": {"group": GROUP}})
    try:
        topics = list(TOPICS.values())
        projection = Projection(pool, SCHEMA, enqueue.handlers(), consumer=GROUP,
                                contract=refusal(Keyring.load(settings.trusted_keys_file)))
        subscription.follow(lambda: kafka.consumer(settings.kafka_bootstrap_servers, topics, GROUP), projection,
                            stop, beat, rewinds=subscription.Rewinds.of(projection, topics, settings))
    finally:
        stop.set()
        sending.join()
        beat.stop()
        pool.close()

if __name__ == "__main__":
    main()
