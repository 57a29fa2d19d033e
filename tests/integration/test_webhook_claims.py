"""Copies of the webhook dispatcher claiming at once: a delivery is leased to one of them at a time."""

import threading
import uuid
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from services.gateway.delivery.webhooks import schema, sender
from shared.db import connect_pool


@pytest.fixture
def hooks_pool(database_url):
    """A database of its own (the live stack's dispatcher sends what `gateway_hooks` holds in the shared one)."""
    name = f"hooks_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as conn:
        schema.migrate(conn)
    pool = connect_pool(url, max_size=10, name="hooks-test")
    yield pool
    pool.close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def queue(pool, deliveries: int) -> None:
    with pool.connection() as conn:
        for s in range(4):
            conn.execute("INSERT INTO gateway_hooks.subscriptions (subscription_id, owner, url, secret, topics,"
                         " types, start_positions) VALUES (%s, 'o', 'http://127.0.0.1:9/', 'k', '{}', '{}', '{}')",
                         [f"sub{s}"])
        conn.cursor().executemany(
            "INSERT INTO gateway_hooks.deliveries (subscription_id, event_id, type, stream_id, version, body)"
            " VALUES (%s, %s, 'Noted', %s, 1, '{}')",
            [(f"sub{i % 4}", str(uuid.uuid4()), f"stream-{i}") for i in range(deliveries)])


def test_copies_claiming_at_the_same_moment_never_lease_one_delivery_twice(hooks_pool):
    queue(hooks_pool, 200)
    claimed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def copy_claiming() -> None:
        start.wait()
        for _ in range(20):
            got = sender._claim(hooks_pool, 3, 100, 30.0)
            with lock:
                claimed.extend(c["delivery_id"] for c in got)

    copies = [threading.Thread(target=copy_claiming) for _ in range(8)]
    for c in copies:
        c.start()
    for c in copies:
        c.join(60)

    twice = {d: n for d, n in Counter(claimed).items() if n > 1}
    assert claimed and not twice, f"{len(twice)} deliveries leased twice while their lease held: {list(twice)[:5]}"
