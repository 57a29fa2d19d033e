"""A service's subscription never loses a batch it polled but could not apply."""

import threading
import time
import uuid

import psycopg

from shared import kafka, subscription
from shared.projection import Projection


def publish(bootstrap: str, topic: str, stream_id: str, versions: range) -> None:
    producer = kafka.producer(bootstrap)
    for v in versions:
        producer.send(topic, key=stream_id.encode(), value=kafka.encode({
            "type": "Noted", "stream_id": stream_id, "version": v, "position": v, "producer": "test", "data": {}}))
    producer.flush()
    producer.close()


def run_until(consumer, projection: Projection, stop: threading.Event, timeout_s: float = 30) -> None:
    thread = threading.Thread(target=subscription.run, args=(consumer, projection, stop))
    thread.start()
    thread.join(timeout_s)
    stop.set()
    thread.join()
    consumer.close()


def test_a_batch_polled_but_not_applied_before_stopping_is_delivered_again_to_the_group(broker, pool, schema):
    topic, group, stream_id = f"t-{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    publish(broker.bootstrap, topic, stream_id, range(1, 4))
    stopping, stopped = threading.Event(), threading.Event()

    def database_gone_while_stopping(conn, env) -> None:
        stopping.set()
        raise psycopg.OperationalError("the database went away")

    failing = Projection(pool, schema, {"Noted": database_gone_while_stopping})
    with pool.connection() as conn:
        failing.migrate(conn)
    run_until(kafka.consumer(broker.bootstrap, [topic], group), failing, stopping)
    seen: list[int] = []

    def note(conn, env) -> None:
        seen.append(env["version"])
        if len(seen) == 3:
            stopped.set()

    started = time.monotonic()
    run_until(kafka.consumer(broker.bootstrap, [topic], group), Projection(pool, schema, {"Noted": note}), stopped)

    assert seen == [1, 2, 3], f"after {time.monotonic() - started:.1f}s"
