import random
import threading
import time
import uuid
from collections import defaultdict

import pytest

from shared.hashchain import first_broken_link
from shared.outbox import Relay

from .helpers import META, noted
from .topics import read_topic


@pytest.fixture
def relay(store, broker):
    r = Relay(store, broker.bootstrap, f"test.{store.schema}.v1", broker_check_s=0.5)
    r.start()
    yield r
    r.close()


def drain(relay: Relay, until_position: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while relay.position < until_position and time.monotonic() < deadline:
        if relay.run_once() == 0:
            time.sleep(0.02)
    assert relay.position >= until_position


def test_an_event_committed_after_a_later_append_was_attempted_is_still_published(store, relay, pool, broker):
    conn_a = pool.getconn()
    store.append("thing", "stream-a", 0, noted(1), META, conn=conn_a)  # A appends, stays open
    b_done = threading.Event()
    threading.Thread(target=lambda: (store.append("thing", "stream-b", 0, noted(2), META), b_done.set())).start()

    published_while_a_open = relay.run_once()
    conn_a.commit()
    pool.putconn(conn_a)
    assert b_done.wait(5)
    drain(relay, 2)

    assert published_while_a_open == 0
    envelopes = read_topic(broker.bootstrap, relay.topic, 2)
    assert [e["stream_id"] for e in sorted(envelopes, key=lambda e: e["position"])] == ["stream-a", "stream-b"]


def test_concurrent_writers_events_reach_a_fresh_consumer_exactly_once_in_stream_order(store, relay, broker):
    streams = [str(uuid.uuid4()) for _ in range(40)]
    locks = {s: threading.Lock() for s in streams}
    versions = defaultdict(int)
    stop = threading.Event()
    relay_thread = threading.Thread(target=relay.run, args=(stop, 0.01))
    relay_thread.start()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(50):
            stream = rng.choice(streams)
            with locks[stream], store.pool.connection() as conn:
                store.append("thing", stream, versions[stream], noted(1, 2, 3, 4, 5), META, conn=conn)
                time.sleep(rng.random() * 0.004)  # a random delay before the commit
                versions[stream] += 5

    writers = [threading.Thread(target=writer, args=(seed,)) for seed in range(8)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    deadline = time.monotonic() + 60
    while relay.position < 2000 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    relay_thread.join()

    envelopes = read_topic(broker.bootstrap, relay.topic, 2000)
    assert len(envelopes) == 2000
    assert len({e["event_id"] for e in envelopes}) == 2000
    per_stream = defaultdict(list)
    for e in envelopes:
        per_stream[e["stream_id"]].append(e["version"])
    assert all(vs == list(range(1, len(vs) + 1)) for vs in per_stream.values())
    assert first_broken_link(sorted(envelopes, key=lambda e: e["position"])) is None


def test_after_the_broker_restarts_empty_the_relay_republishes_everything(store, relay, broker):
    for _ in range(30):
        store.append("thing", str(uuid.uuid4()), 0, noted(1, 2), META)
    drain(relay, 60)
    assert len(read_topic(broker.bootstrap, relay.topic, 60)) == 60

    broker.restart()
    stop = threading.Event()
    relay_thread = threading.Thread(target=relay.run, args=(stop, 0.01))
    relay_thread.start()
    try:
        envelopes = read_topic(broker.bootstrap, relay.topic, 60, timeout_s=60)
    finally:
        stop.set()
        relay_thread.join()

    assert sorted(e["position"] for e in envelopes) == list(range(1, 61))
