"""Two relays of one store: one holds the lease and publishes, the other stands by and takes over when it dies."""

import threading
import time
from collections import Counter

import pytest

from shared.outbox import Relay

from .helpers import META, noted
from .topics import read_topic


class Beats:
    """Stands in for a Heartbeat: keeps what the relay's loop last said."""

    def __init__(self) -> None:
        self.details: dict = {}

    def progress(self, **details) -> None:
        self.details |= details


@pytest.fixture
def two_relays(store, broker):
    topic = f"test.{store.schema}.v1"
    running = [(Relay(store, broker.bootstrap, topic, broker_check_s=0.5), threading.Event(), Beats()) for _ in "ab"]
    running = [(relay, stop, threading.Thread(target=relay.run, args=(stop, 0.1, beats, 0.2), daemon=True), beats)
               for relay, stop, beats in running]
    for _, _, thread, _ in running:
        thread.start()
    yield running
    for _, stop, thread, _ in running:
        stop.set()
        thread.join(15)


def wait_for(condition, timeout_s: float = 20) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout_s, "timed out"
        time.sleep(0.05)
    return time.monotonic() - started


def test_of_two_relays_one_publishes_and_the_other_takes_over_within_seconds_of_its_death(store, two_relays, broker):
    store.append("thing", "s", 0, noted(1, 2, 3), META)
    wait_for(lambda: any(r.position == 3 for r, *_ in two_relays))
    active, standby = sorted(two_relays, key=lambda r: r[0].position == 3, reverse=True)
    # Each says what it is doing once it has gone round its loop after the batch.
    wait_for(lambda: active[3].details.get("state") == "publishing" and standby[3].details.get("state") == "standby")
    states = (active[3].details["state"], standby[3].details["state"])

    active[1].set()  # the active one goes: its session, and with it the lease, ends
    active[2].join(15)
    store.append("thing", "s", 3, noted(4, 5), META)
    took_over_s = wait_for(lambda: standby[0].position == 5 and standby[3].details.get("state") == "publishing",
                           timeout_s=10)

    assert states == ("publishing", "standby")
    assert took_over_s < 5
    published = read_topic(broker.bootstrap, active[0].topic, 5)
    assert Counter(e["version"] for e in published) == dict.fromkeys([1, 2, 3, 4, 5], 1)
