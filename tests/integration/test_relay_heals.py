"""The relay outlives its database connections and refuses to publish a chain that does not verify."""

import threading
import time
import uuid

import psycopg
import pytest
from psycopg import sql

from shared.db import connect_pool
from shared.eventstore import EventStore
from shared.outbox import Relay
from shared.signing import Signer

from .helpers import META, noted
from .topics import read_topic


@pytest.fixture
def named_pool(database_url):
    """A pool whose every connection (the relay's listener included) carries an application name of its own."""
    name = f"relay-{uuid.uuid4().hex[:8]}"
    joiner = "&" if "?" in database_url else "?"
    pool = connect_pool(f"{database_url}{joiner}application_name={name}", max_size=3, name=name)
    yield pool, name
    pool.close()


@pytest.fixture
def store(named_pool, schema):
    pool, _ = named_pool
    s = EventStore(pool, schema, signer=Signer.generate(schema))
    with pool.connection() as conn:
        s.migrate(conn)
    return s


@pytest.fixture
def running_relay(store, broker):
    relay = Relay(store, broker.bootstrap, f"test.{store.schema}.v1", broker_check_s=0.5)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop, 0.2), daemon=True)
    thread.start()
    yield relay, thread
    stop.set()
    thread.join(15)


def wait_for(condition, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def terminate(database_url: str, application_name: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return len(conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                                [application_name]).fetchall())


def test_a_relay_whose_database_connections_are_cut_reconnects_and_publishes_what_came_after(
        store, running_relay, named_pool, database_url, broker):
    relay, thread = running_relay
    store.append("thing", "s", 0, noted(1, 2, 3), META)
    wait_for(lambda: relay.position == 3)

    cut = terminate(database_url, named_pool[1])
    time.sleep(0.5)
    store.append("thing", "s", 3, noted(4, 5), META)
    wait_for(lambda: relay.position == 5)

    assert cut >= 2  # at least the pooled connection and the listener
    assert thread.is_alive()
    assert sorted(e["version"] for e in read_topic(broker.bootstrap, relay.topic, 5)) == [1, 2, 3, 4, 5]


def tamper(store: EventStore, position: int, data: dict) -> None:
    with store.pool.connection() as conn:
        conn.execute(sql.SQL("UPDATE {}.events SET envelope = jsonb_set(envelope, '{{data}}', %s::jsonb)"
                             " WHERE position = %s").format(sql.Identifier(store.schema)),
                     [psycopg.types.json.Jsonb(data), position])


def halt(store: EventStore) -> tuple:
    with store.pool.connection() as conn:
        return conn.execute(sql.SQL("SELECT halted_at, halted_reason FROM {}.relay_checkpoint")
                            .format(sql.Identifier(store.schema))).fetchone()


def test_a_relay_publishes_up_to_a_broken_link_stops_there_and_resumes_once_the_store_is_restored(
        store, broker):
    store.append("thing", "s", 0, noted(1, 2, 3), META)
    tamper(store, 2, {"n": 200})
    relay = Relay(store, broker.bootstrap, f"test.{store.schema}.v1")
    relay.start()

    published = relay.run_once()
    again = relay.run_once()
    halted = halt(store)
    tamper(store, 2, {"n": 2})
    resumed = relay.run_once()
    relay.close()

    assert (published, again) == (1, 0)
    assert halted[0] == 2 and "hash" in halted[1]
    assert resumed == 2 and halt(store) == (None, None)
    assert sorted(e["data"]["n"] for e in read_topic(broker.bootstrap, relay.topic, 3)) == [1, 2, 3]


def test_a_relay_refuses_a_store_whose_rows_were_reordered(store, broker):
    store.append("thing", "s", 0, noted(1), META)
    store.append("thing", "t", 0, noted(2), META)
    with store.pool.connection() as conn:  # swap the two rows' positions, leaving each envelope intact
        t = sql.Identifier(store.schema)
        conn.execute(sql.SQL("UPDATE {}.events SET position = -position").format(t))
        conn.execute(sql.SQL("UPDATE {}.events SET position = 3 + position").format(t))
    relay = Relay(store, broker.bootstrap, f"test.{store.schema}.v1")
    relay.start()

    published = relay.run_once()
    relay.close()

    assert published == 0 and halt(store)[0] == 1
