"""Heartbeats of a process running as several copies: a row per copy, old rows of dead copies forgotten."""

import time

import psycopg
from psycopg import sql

from shared import heartbeat
from shared.heartbeat import Heartbeat


def rows(database_url: str, schema: str) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return [(b["process"], b["instance"]) for b in heartbeat.beats(conn, schema)]


def wait_for(condition, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_copies_of_a_process_each_keep_a_row_and_a_dead_copys_old_row_is_forgotten(database_url, schema):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        heartbeat.migrate(conn, schema)
        conn.execute(sql.SQL("INSERT INTO {} (process, instance, pid, host, started_at, beat_at, progress_at)"
                             " VALUES ('relay', 'gone:1', 1, 'gone', now(), now() - interval '2 minutes', now())")
                     .format(sql.Identifier(schema, "heartbeats")))
    copies = [Heartbeat(database_url, schema, "relay", 0.1) for _ in range(2)]
    copies[1].instance = "other-host:2"

    for c in copies:
        c.start()
    try:
        wait_for(lambda: len(rows(database_url, schema)) == 2)
    finally:
        for c in copies:
            c.stop()

    assert sorted(rows(database_url, schema)) == sorted(("relay", c.instance) for c in copies)


def test_a_heartbeats_table_keyed_by_process_alone_is_keyed_by_instance_too(database_url, schema):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {s}; CREATE TABLE {s}.heartbeats (process text PRIMARY KEY, pid integer"
                             " NOT NULL, host text NOT NULL, started_at timestamptz NOT NULL, beat_at timestamptz"
                             " NOT NULL, progress_at timestamptz NOT NULL, details jsonb NOT NULL DEFAULT '{{}}')")
                     .format(s=sql.Identifier(schema)))

        heartbeat.migrate(conn, schema)
        heartbeat.migrate(conn, schema)

        key = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
                           " AND contype = 'p'", [f"{schema}.heartbeats"]).fetchall()
    assert key == [("PRIMARY KEY (process, instance)",)]
