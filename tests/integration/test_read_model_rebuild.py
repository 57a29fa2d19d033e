"""A release whose read models differ rebuilds them from the log into a fresh schema and swaps it in whole."""

import json
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from services.gateway.audit.replay import drop, rebuild
from services.gateway.readmodels import rebuilds

from ..fixtures.read_models import dump

LOG = [json.loads(line) for line in
       (Path(__file__).resolve().parents[1] / "fixtures" / "log_v1.jsonl").read_text().splitlines()]


def log_of(envelopes):
    """A log source as the migration reads the stores: what was stored after each producer's position."""
    return lambda after: [e for e in envelopes if e["position"] > after.get(e["producer"], 0)]


@pytest.fixture
def live(database_url):
    schema = f"live_{uuid.uuid4().hex[:8]}"
    yield schema
    for name in (schema, f"{schema}_next", f"{schema}_retired"):
        drop(database_url, name)


def schemas_like(database_url, prefix):
    with psycopg.connect(database_url) as conn:
        return {r[0] for r in conn.execute(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s", [prefix + "%"])}


def feed_seqs(database_url, schema):
    with psycopg.connect(database_url) as conn:
        return dict(conn.execute(sql.SQL("SELECT event_id::text, seq FROM {}").format(sql.Identifier(schema, "feed"))))


def test_read_models_of_an_older_release_are_rebuilt_beside_the_live_ones_and_swapped_in(database_url, live):
    older, later = LOG[: len(LOG) // 2], LOG[len(LOG) // 2:]
    rebuilds.build(database_url, older, live)
    with psycopg.connect(database_url, autocommit=True) as conn:  # what the older release left: its own shape
        conn.execute(sql.SQL("UPDATE {} SET fingerprint = '0-older'").format(
            sql.Identifier(live, "read_model_version")))
        conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN legacy integer").format(sql.Identifier(live, "charters")))
        # Live delivery order is not a replay's: the projector applies partitions in any order.
        conn.execute(sql.SQL("UPDATE {} SET seq = seq + 1000").format(sql.Identifier(live, "feed")))
    seqs_before = feed_seqs(database_url, live)

    outcome = rebuilds.migrate(database_url, live, log_of(older))

    expected = rebuild(database_url, older)
    try:
        assert outcome == "rebuilt"
        assert dump(database_url, live) == dump(database_url, expected)  # no legacy column, the same rows
        assert feed_seqs(database_url, live) == seqs_before  # live-stream clients resume where they were
        assert schemas_like(database_url, live) == {live}  # nothing half-built or retired is left behind
        assert rebuilds.migrate(database_url, live, log_of(older)) == "current"
    finally:
        drop(database_url, expected)
    rebuilds.build(database_url, later, live)  # the projector carries on into the swapped-in schema
    after = feed_seqs(database_url, live)
    assert set(after) == {e["event_id"] for e in LOG}
    assert min(after[e["event_id"]] for e in later) > max(seqs_before.values())


def test_events_stored_while_the_rebuild_ran_are_in_the_swapped_in_schema(database_url, live):
    rebuilds.build(database_url, LOG[:10], live)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("UPDATE {} SET fingerprint = '0-older'").format(
            sql.Identifier(live, "read_model_version")))
    calls = []

    def growing_log(after):
        calls.append(dict(after))
        # The first read sees what was stored when the rebuild began; by the top-up, the rest had been stored.
        return log_of(LOG[:-20] if len(calls) == 1 else LOG)(after)

    assert rebuilds.migrate(database_url, live, growing_log) == "rebuilt"

    assert len(calls) == 2 and calls[1]  # the top-up asked only for what came after the first read
    assert set(feed_seqs(database_url, live)) == {e["event_id"] for e in LOG}
    expected = rebuild(database_url, LOG)
    try:
        assert dump(database_url, live) == dump(database_url, expected)
    finally:
        drop(database_url, expected)


def test_a_missing_schema_is_created_empty_and_a_current_one_left_alone(database_url, live):
    assert rebuilds.migrate(database_url, live, log_of(LOG)) == "created"
    assert feed_seqs(database_url, live) == {}
    rebuilds.build(database_url, LOG[:5], live)

    assert rebuilds.migrate(database_url, live, log_of(LOG)) == "current"
    assert len(feed_seqs(database_url, live)) == 5
