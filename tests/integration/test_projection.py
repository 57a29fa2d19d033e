import pytest
from psycopg import sql

from shared.projection import Projection


def env(stream: str, version: int, n: int, position: int = 1) -> dict:
    return {"stream_id": stream, "version": version, "type": "Noted", "producer": "p", "position": position,
            "data": {"n": n}}


@pytest.fixture
def projection(pool, schema):
    def on_noted(conn, e):
        if e["data"]["n"] < 0:
            raise RuntimeError("a handler failure")
        conn.execute(sql.SQL("INSERT INTO {}.seen (stream_id, version) VALUES (%s, %s)").format(sql.Identifier(schema)),
                     [e["stream_id"], e["version"]])

    p = Projection(pool, schema, {"Noted": on_noted})
    with pool.connection() as conn:
        p.migrate(conn)
        conn.execute(sql.SQL("CREATE TABLE {}.seen (stream_id text, version int)").format(sql.Identifier(schema)))
    return p


def seen(projection) -> list[tuple[str, int]]:
    with projection.pool.connection() as conn:
        return conn.execute(sql.SQL("SELECT stream_id, version FROM {}.seen ORDER BY stream_id, version")
                            .format(sql.Identifier(projection.schema))).fetchall()


def test_a_redelivered_event_is_applied_once(projection):
    projection.apply([env("s", 1, 1), env("s", 2, 2)])

    applied = projection.apply([env("s", 1, 1), env("s", 2, 2), env("s", 3, 3)])

    assert applied == 1
    assert seen(projection) == [("s", 1), ("s", 2), ("s", 3)]


def test_an_event_ahead_of_its_predecessor_waits_until_the_gap_fills(projection):
    projection.apply([env("s", 1, 1), env("s", 3, 3)])
    assert seen(projection) == [("s", 1)]

    projection.apply([env("s", 2, 2)])

    assert seen(projection) == [("s", 1), ("s", 2), ("s", 3)]


def test_held_back_events_survive_a_projector_restart(projection, pool):
    projection.apply([env("s", 2, 2)])
    restarted = Projection(pool, projection.schema, projection.handlers)

    restarted.apply([env("s", 1, 1)])

    assert seen(restarted) == [("s", 1), ("s", 2)]


def test_a_failing_batch_changes_neither_the_read_model_nor_the_checkpoints(projection):
    with pytest.raises(RuntimeError):
        projection.apply([env("s", 1, 1), env("t", 1, -1)])

    assert seen(projection) == []
    with projection.pool.connection() as conn:
        assert projection.stream_version(conn, "s") == 0
