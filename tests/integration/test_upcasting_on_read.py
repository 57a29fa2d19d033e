"""Consumers read old events upcast; what they keep or pass on, and what is parked, is the event as stored."""

import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

from shared import upcasting
from shared.projection import Projection


def noted(version: int, schema_version: int, data: dict) -> dict:
    return {"stream_id": "s", "version": version, "type": "Noted", "schema_version": schema_version,
            "producer": "p", "position": version, "data": data, "hash": "h"}


@pytest.fixture
def upcasters(monkeypatch):
    monkeypatch.setattr(upcasting, "UPCASTERS", {})
    upcasting.upcaster("Noted", 1)(lambda d: {"n": d.pop("count")})


def test_handlers_read_an_old_event_at_the_newest_version_and_a_keeper_stores_it_as_written(pool, schema, upcasters):
    read, kept = [], []

    def read_model(conn, env):
        read.append((env["schema_version"], env["data"]))

    def feed(conn, env):
        kept.append(upcasting.as_stored(env))
        conn.execute(sql.SQL("INSERT INTO {}.feed VALUES (%s)").format(sql.Identifier(schema)), [Jsonb(kept[-1])])

    both = {"Noted": lambda conn, env: (read_model(conn, env), feed(conn, env))}
    projection = Projection(pool, schema, both)
    with pool.connection() as conn:
        projection.migrate(conn)
        conn.execute(sql.SQL("CREATE TABLE {}.feed (envelope jsonb)").format(sql.Identifier(schema)))
    old, new = noted(1, 1, {"count": 3}), noted(2, 2, {"n": 4})

    projection.apply([old, new])

    assert read == [(2, {"n": 3}), (2, {"n": 4})]
    assert kept == [old, new] and kept[0] is old
    with pool.connection() as conn:
        stored = [r[0] for r in conn.execute(sql.SQL("SELECT envelope FROM {}.feed").format(sql.Identifier(schema)))]
    assert stored == [old, new]


def test_an_event_a_handler_refuses_is_parked_as_stored_not_as_upcast(pool, schema, upcasters):
    def refuse(conn, env):
        raise ValueError(f"no thanks: {env['data']}")

    projection = Projection(pool, schema, {"Noted": refuse})
    with pool.connection() as conn:
        projection.migrate(conn)
    old = noted(1, 1, {"count": 3})

    projection.apply([old])

    with pool.connection() as conn:
        rows = conn.execute(sql.SQL("SELECT envelope, error FROM {}.parked_events").format(
            sql.Identifier(schema))).fetchall()
    assert [r[0] for r in rows] == [old]
    assert "{'n': 3}" in rows[0][1]
