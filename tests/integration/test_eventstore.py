import contextlib
import threading
import uuid

import pytest

from shared.eventstore import ConcurrencyConflict
from shared.hashchain import first_broken_link

from .helpers import META, noted


def test_appended_events_are_read_back_in_version_order_with_their_envelope(store):
    stream = str(uuid.uuid4())

    result = store.append("thing", stream, 0, noted(1, 2, 3), META)

    envelopes = store.read_stream(stream)
    assert (result.version, result.position) == (3, 3)
    assert [e["data"]["n"] for e in envelopes] == [1, 2, 3]
    assert [e["version"] for e in envelopes] == [1, 2, 3]
    assert envelopes[0]["actor"] == "tester" and envelopes[0]["producer"] == store.schema


def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(store):
    stream = str(uuid.uuid4())
    store.append("thing", stream, 0, noted(1), META)

    with pytest.raises(ConcurrencyConflict):
        store.append("thing", stream, 0, noted(2, 3), META)

    assert len(store.read_stream(stream)) == 1
    assert store.head_position() == 1


def test_of_two_writers_with_the_same_expected_version_exactly_one_wins(store):
    stream = str(uuid.uuid4())
    store.append("thing", stream, 0, noted(0), META)
    barrier, outcomes = threading.Barrier(2), []

    def write(n):
        barrier.wait()
        try:
            store.append("thing", stream, 1, noted(n), META)
            outcomes.append("won")
        except ConcurrencyConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["conflict", "won"]
    assert len(store.read_stream(stream)) == 2


def test_read_all_returns_everything_after_a_position_and_the_chain_verifies(store):
    for _ in range(5):
        store.append("thing", str(uuid.uuid4()), 0, noted(1, 2), META)

    everything = store.read_all(0, 100)

    assert [e["position"] for e in store.read_all(6, 100)] == [7, 8, 9, 10]
    assert first_broken_link(everything) is None


def test_the_store_refuses_to_append_when_an_open_transaction_holds_the_order(store, pool):
    # The serialised order: a second writer waits for the first to commit; positions follow commit order.
    first = pool.getconn()
    store.append("thing", "a", 0, noted(1), META, conn=first)
    done = threading.Event()
    threading.Thread(target=lambda: (store.append("thing", "b", 0, noted(2), META), done.set())).start()

    assert not done.wait(0.3)
    first.commit()
    pool.putconn(first)

    assert done.wait(5)
    assert [(e["stream_id"], e["position"]) for e in store.read_all(0)] == [("a", 1), ("b", 2)]


def test_a_handler_retried_on_conflict_lets_two_concurrent_writers_both_succeed(store):
    from shared.eventstore import retry_on_conflict

    stream = str(uuid.uuid4())
    store.append("thing", stream, 0, noted(0), META)
    both_loaded = threading.Barrier(2)

    @retry_on_conflict
    def add_one(n):
        version = len(store.read_stream(stream))
        with contextlib.suppress(threading.BrokenBarrierError):
            both_loaded.wait(timeout=1)  # only the first attempts meet here
        return store.append("thing", stream, version, noted(n), META)

    threads = [threading.Thread(target=add_one, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(e["data"]["n"] for e in store.read_stream(stream)) == [0, 1, 2]
