"""Two copies of a consumer applying the same events at once (as during a rebalance): each applied once, in order."""

import random
import threading
import time

import pytest
from psycopg import sql

from shared.projection import Projection


def env(stream: str, version: int) -> dict:
    return {"stream_id": stream, "version": version, "type": "Noted", "producer": "p", "position": version,
            "data": {}}


@pytest.fixture
def projection(pool, schema):
    table = sql.Identifier(schema, "seen")

    def on_noted(conn, e):
        conn.execute(sql.SQL("INSERT INTO {} (stream_id, version) VALUES (%s, %s)").format(table),
                     [e["stream_id"], e["version"]])
        time.sleep(0.0005)  # a handler that takes a moment widens the window two copies could meet in

    p = Projection(pool, schema, {"Noted": on_noted})
    with pool.connection() as conn:
        p.migrate(conn)
        conn.execute(sql.SQL("CREATE TABLE {} (seq bigserial PRIMARY KEY, stream_id text, version int)").format(table))
    return p


def copy_of_consumer(projection: Projection, streams: list[str], versions: int, seed: int, start: threading.Barrier):
    """Every event of `streams`, in batches of random overlapping windows (the redelivery a rebalance causes)."""
    rng = random.Random(seed)
    batches = []
    for low in range(1, versions + 1, 4):
        chosen = rng.sample(streams, k=len(streams) // 2) + streams[: 2]
        batches.append([env(s, v) for s in chosen for v in range(max(1, low - 2), min(low + 4, versions + 1))])
    batches.append([env(s, v) for s in streams for v in range(1, versions + 1)])  # at the end, everything
    start.wait()
    for batch in batches:
        rng.shuffle(batch)
        projection.apply(batch)


def test_two_copies_applying_overlapping_batches_at_once_apply_each_event_exactly_once_in_order(projection):
    streams, versions = [f"s{i}" for i in range(24)], 20
    start = threading.Barrier(2)
    copies = [threading.Thread(target=copy_of_consumer, args=(projection, streams, versions, seed, start))
              for seed in (1, 2)]

    for c in copies:
        c.start()
    for c in copies:
        c.join(60)

    with projection.pool.connection() as conn:
        rows = conn.execute(sql.SQL("SELECT stream_id, version FROM {} ORDER BY seq")
                            .format(sql.Identifier(projection.schema, "seen"))).fetchall()
        checkpoints = {s: projection.stream_version(conn, s) for s in streams}
    applied: dict[str, list[int]] = {}
    for stream_id, version in rows:
        applied.setdefault(stream_id, []).append(version)
    assert not any(c.is_alive() for c in copies)
    assert applied == {s: list(range(1, versions + 1)) for s in streams}
    assert checkpoints == dict.fromkeys(streams, versions)
