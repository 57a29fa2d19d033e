import time

import pytest
from psycopg import sql

from shared import parking
from shared.contract import unpublished
from shared.health import schema_report
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


def test_an_event_a_handler_refuses_is_parked_and_holds_its_stream_while_others_flow(projection):
    applied = projection.apply([env("s", 1, 1), env("t", 1, -1), env("t", 2, 2), env("u", 1, 1)])

    assert applied == 2
    assert seen(projection) == [("s", 1), ("u", 1)]
    with projection.pool.connection() as conn:
        parked = parking.listing(conn, projection.schema)
        assert projection.stream_version(conn, "t") == 0
    assert [(p["stream_id"], p["version"], p["status"], p["attempts"]) for p in parked] == [("t", 1, "parked", 1)]
    assert parked[0]["error"] == "RuntimeError: a handler failure" and "on_noted" in parked[0]["handler"]


def test_a_redelivered_parked_event_is_not_tried_again_and_later_ones_wait_behind_it(projection):
    projection.apply([env("t", 1, -1)])

    projection.apply([env("t", 1, -1), env("t", 2, 2), env("t", 3, 3)])

    assert seen(projection) == []
    with projection.pool.connection() as conn:
        assert [p["attempts"] for p in parking.listing(conn, projection.schema)] == [1]


def test_a_skipped_event_lets_the_held_events_of_its_stream_through_with_the_reason_recorded(projection):
    projection.apply([env("t", 1, -1), env("t", 2, 2)])
    with projection.pool.connection() as conn:
        parked_id = parking.listing(conn, projection.schema)[0]["parked_id"]
        parking.request(conn, projection.schema, parked_id, "skip", by="ops@example.org", reason="a known bad import")

    assert projection.resolve_requests() == 1

    assert seen(projection) == [("t", 2)]
    with projection.pool.connection() as conn:
        assert parking.listing(conn, projection.schema) == []
        done = parking.listing(conn, projection.schema, include_resolved=True)
    assert [(d["status"], d["requested_by"], d["reason"]) for d in done] == [
        ("skipped", "ops@example.org", "a known bad import")]


def test_a_retried_event_that_now_applies_is_resolved_and_one_that_still_fails_stays_parked(projection):
    projection.apply([env("t", 1, -1), env("t", 2, 2)])
    with projection.pool.connection() as conn:
        parked_id = parking.listing(conn, projection.schema)[0]["parked_id"]
        parking.request(conn, projection.schema, parked_id, "retry", by="ops")
    projection.resolve_requests()
    with projection.pool.connection() as conn:
        still = parking.listing(conn, projection.schema)
    fixed = Projection(projection.pool, projection.schema, {"Noted": lambda conn, e: projection.handlers["Noted"](
        conn, e | {"data": {"n": abs(e["data"]["n"])}})})
    with projection.pool.connection() as conn:
        parking.request(conn, projection.schema, parked_id, "retry", by="ops")

    fixed.resolve_requests()

    assert [(p["status"], p["attempts"]) for p in still] == [("parked", 2)]
    assert seen(projection) == [("t", 1), ("t", 2)]
    with projection.pool.connection() as conn:
        assert parking.listing(conn, projection.schema) == []


def test_a_skip_needs_a_reason_and_an_unknown_id_is_refused(projection):
    projection.apply([env("t", 1, -1)])
    with projection.pool.connection() as conn:
        parked_id = parking.listing(conn, projection.schema)[0]["parked_id"]

        with pytest.raises(parking.ParkedRequestRefused) as no_reason:
            parking.request(conn, projection.schema, parked_id, "skip", by="ops", reason="  ")
        with pytest.raises(parking.ParkedRequestRefused) as unknown:
            parking.request(conn, projection.schema, parked_id + 1000, "retry", by="ops")

    assert no_reason.value.code == "reason_required" and unknown.value.status == 404


def test_an_event_outside_the_contract_is_parked_not_ignored(pool, schema):
    p = Projection(pool, schema, {}, contract=unpublished)
    with pool.connection() as conn:
        p.migrate(conn)
    known = env("s", 1, 1) | {"producer": "pledge", "type": "CharterCreated", "schema_version": 1}
    unknown = env("u", 1, 1) | {"producer": "pledge", "type": "NoSuchEvent", "schema_version": 1}
    newer = env("v", 1, 1) | {"producer": "pledge", "type": "CharterCreated", "schema_version": 99}

    p.apply([known, unknown, newer])

    with pool.connection() as conn:
        parked = {r["stream_id"]: r["error"] for r in parking.listing(conn, schema)}
        assert p.stream_version(conn, "s") == 1
    assert set(parked) == {"u", "v"} and "NoSuchEvent" in parked["u"] and "99" in parked["v"]


def test_an_event_held_behind_a_gap_keeps_the_moment_it_began_to_wait_while_later_ones_arrive(projection):
    projection.apply([env("s", 1, 1), env("s", 3, 3)])
    with projection.pool.connection() as conn:
        first = schema_report(conn, projection.schema)["held"]
    time.sleep(1.2)

    projection.apply([env("s", 4, 4)])

    with projection.pool.connection() as conn:
        later = schema_report(conn, projection.schema)["held"]
    assert first["events"] == 1 and later["events"] == 2
    assert later["oldest_s"] >= 1.0
