"""Commands never hang and never lie: a lock held on an event store longer than the service's deadline gets a
503 with Retry-After in time, writes nothing, and a retry with the same Idempotency-Key writes exactly once."""

from __future__ import annotations

import time
import uuid

import psycopg

CHARTER = {"title": "Interactive Charter", "purpose": "Make government interactive"}


def charters_created_by(conn: psycopg.Connection, actor: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT stream_id FROM pledge.events WHERE envelope ->> 'actor' = %s AND type = 'CharterCreated'", [actor])]


def create_charter(person, key: str):
    return person.request("POST", "/api/v1/charters", CHARTER, headers={"Idempotency-Key": key})


def test_a_command_behind_a_held_table_lock_answers_503_in_time_and_its_retry_writes_once(
        fault_stack, fault_settings, fault_web):
    steward, key = fault_web.as_user("steward"), str(uuid.uuid4())
    assert steward.actor  # the account is opened before the lock is taken

    with psycopg.connect(fault_settings.database_url) as holder:
        holder.execute("LOCK TABLE pledge.events IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        blocked = create_charter(steward, key)
        took = time.monotonic() - started
        written_while_locked = charters_created_by(holder, steward.actor)
    retried = create_charter(steward, key)
    repeated = create_charter(steward, key)

    assert blocked.status in (503, 504), blocked.body
    assert blocked.body["code"] in ("unavailable", "outcome_unknown"), blocked.body
    assert int(blocked.headers["Retry-After"]) > 0
    assert took < fault_settings.service_deadline_s, took
    assert written_while_locked == []
    assert retried.status == 201, retried.body
    assert repeated.status == 201 and repeated.body == retried.body
    with psycopg.connect(fault_settings.database_url) as conn:
        assert charters_created_by(conn, steward.actor) == [retried.body["charter_id"]]


def test_a_command_to_a_stopped_service_is_not_delivered_and_its_retry_once_back_writes_once(
        fault_stack, fault_settings, fault_web):
    steward, key = fault_web.as_user("steward"), str(uuid.uuid4())
    assert steward.actor

    fault_stack.stop("pledge")
    try:
        undelivered = create_charter(steward, key)
    finally:
        fault_stack.start("pledge")
    retried = create_charter(steward, key)

    assert undelivered.status == 503, undelivered.body
    assert undelivered.body["code"] == "not_delivered"
    assert int(undelivered.headers["Retry-After"]) > 0
    assert retried.status == 201, retried.body
    with psycopg.connect(fault_settings.database_url) as conn:
        assert charters_created_by(conn, steward.actor) == [retried.body["charter_id"]]
