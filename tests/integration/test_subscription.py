"""A service's subscription never loses a batch it polled but could not apply."""

import threading
import time
import uuid

import psycopg
import pytest
from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata

from deploy.local.embedded import free_port
from shared import kafka, subscription
from shared.projection import Projection

from ..conftest import Broker


def publish(bootstrap: str, topic: str, stream_id: str, versions: range) -> None:
    kafka.ensure_topic(kafka.admin(bootstrap), topic, 1)
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


@pytest.fixture
def own_broker(workdir):
    """A broker of this test's own, which it kills and replaces without disturbing the session's."""
    b = Broker(free_port(), workdir / f"broker-{uuid.uuid4().hex[:8]}.log")
    b.start()
    yield b
    b.kill()


def test_a_topic_recreated_on_a_fresh_broker_is_read_from_its_start_whatever_offsets_were_reached(
        own_broker, pool, schema):
    # The old topic holds duplicates (a relay re-sends a batch whose acknowledgement it lost), so its offsets run
    # ahead of the republished topic's: a consumer resuming at its old offsets would skip versions 6 to 8.
    topic, group, stream_id = f"t-{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    bootstrap = own_broker.bootstrap
    publish(bootstrap, topic, stream_id, range(1, 6))
    publish(bootstrap, topic, stream_id, range(3, 6))
    projection = Projection(pool, schema, {"Noted": lambda conn, env: None})
    with pool.connection() as conn:
        projection.migrate(conn)
    stop = threading.Event()
    follower = threading.Thread(target=subscription.follow, kwargs=dict(
        connect=lambda: kafka.consumer(bootstrap, [topic], group), projection=projection, stop=stop,
        rewinds=subscription.Rewinds(projection, [topic], watch=kafka.TopicWatch(bootstrap, [topic], every_s=3.0))))
    follower.start()

    def version() -> int:
        with pool.connection() as conn:
            return projection.stream_version(conn, stream_id)

    try:
        wait_until(lambda: version() == 5)
        own_broker.kill()
        own_broker.start()
        publish(bootstrap, topic, stream_id, range(1, 13))
        wait_until(lambda: version() == 12, timeout_s=40)
    finally:
        stop.set()
        follower.join(30)
    assert not follower.is_alive()


def test_an_event_waiting_behind_a_gap_makes_the_consumer_read_its_topic_again_from_the_start(broker, pool, schema):
    # However a consumer got past an event (here its group's committed offset was moved beyond the first two),
    # the events after it wait behind the gap until a rewind brings the missing ones again.
    topic, group, stream_id = f"t-{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    publish(broker.bootstrap, topic, stream_id, range(1, 4))
    skipper = kafka.consumer(broker.bootstrap, [], group)
    skipper.assign([TopicPartition(topic, 0)])
    skipper.commit({TopicPartition(topic, 0): OffsetAndMetadata(2, "", -1)})
    skipper.close()
    projection = Projection(pool, schema, {"Noted": lambda conn, env: None})
    with pool.connection() as conn:
        projection.migrate(conn)

    def version() -> int:
        with pool.connection() as conn:
            return projection.stream_version(conn, stream_id)

    stop = threading.Event()
    follower = threading.Thread(target=subscription.follow, kwargs=dict(
        connect=lambda: kafka.consumer(broker.bootstrap, [topic], group), projection=projection, stop=stop,
        rewinds=subscription.Rewinds(projection, [topic], gap_s=1.0, check_s=0.2)))
    follower.start()
    try:
        wait_until(lambda: version() == 3)
        with pool.connection() as conn:
            assert projection.gap_waited_s(conn) == 0
    finally:
        stop.set()
        follower.join(30)


def wait_until(condition, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
