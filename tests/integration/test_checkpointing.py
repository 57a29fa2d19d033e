"""A store's relay signs checkpoints of what it published into the store's own log (shared/checkpointing.py)."""

from __future__ import annotations

import threading

import pytest

from shared.checkpointing import Checkpointer
from shared.checkpoints import Checkpoint, checkpoint_stream
from shared.merkle import MerkleTree
from shared.outbox import Relay
from shared.signing import Keyring

from .helpers import META, noted
from .test_relay_heals import wait_for


@pytest.fixture
def relaying(store, broker):
    relay = Relay(store, broker.bootstrap, f"test.{store.schema}.v1", broker_check_s=0.5,
                  checkpointer=Checkpointer(store, every_events=5, every_s=3600))
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop, 0.2), daemon=True)
    thread.start()
    yield relay
    stop.set()
    thread.join(15)


def checkpoints(store) -> list[dict]:
    return [e for e in store.read_all(0, 10_000) if e["type"] == "CheckpointPublished"]


def keyring_of(store) -> Keyring:
    return Keyring([store.signer.public_key()])


def test_the_relay_signs_a_checkpoint_every_n_events_and_never_one_of_its_own_checkpoint(store, relaying):
    store.append("note", "s-1", 0, noted(*range(12)), META)
    wait_for(lambda: len(checkpoints(store)) == 1 and relaying.position == 13)
    store.append("note", "s-2", 0, noted(1, 2, 3), META)
    wait_for(lambda: relaying.position == 16)
    assert len(checkpoints(store)) == 1, "three events, and the checkpoint itself, are not five new events"
    store.append("note", "s-2", 3, noted(4, 5), META)
    wait_for(lambda: len(checkpoints(store)) == 2)

    first, second = checkpoints(store)
    assert (first["position"], first["data"]["tree_size"]) == (13, 12)
    assert (second["stream_id"], second["version"]) == (checkpoint_stream(store.schema), 2)
    assert second["data"]["tree_size"] == 18  # everything published before it, the first checkpoint included
    events = store.read_all(0, 10_000)
    for published in (first, second):
        size = published["data"]["tree_size"]
        tree = MerkleTree(bytes.fromhex(e["hash"]) for e in events[:size])
        assert published["data"]["root_hash"] == tree.root().hex()
        assert published["data"]["timestamp"] == events[size - 1]["occurred_at"]
        head = Checkpoint(store.schema, size, published["data"]["root_hash"], published["data"]["timestamp"])
        ring = keyring_of(store)
        assert ring.bytes_problem(published["data"]["key_id"], store.schema, head.signed_bytes(),
                                  published["data"]["signature"]) is None
        assert ring.problem(published) is None  # and the event carrying it is signed like any other


def test_a_relay_started_again_goes_on_from_the_last_checkpoint_in_the_log(store, broker):
    store.append("note", "s-1", 0, noted(*range(6)), META)
    for _ in range(2):  # the second relay must find the first one's checkpoint, not sign the same tree again
        relay = Relay(store, broker.bootstrap, f"test.{store.schema}.v1", broker_check_s=0.5,
                      checkpointer=Checkpointer(store, every_events=5, every_s=3600))
        relay.start()
        try:
            while relay.run_once():
                relay._checkpoint()
            relay._checkpoint()
        finally:
            relay.close()
    assert [c["data"]["tree_size"] for c in checkpoints(store)] == [6]
