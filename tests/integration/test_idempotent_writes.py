"""Idempotency keys against a real PostgreSQL: an append records its key in its own transaction, so a second
attempt under the key writes nothing; the gateway's claim tells a repeat, a reuse and one in flight apart."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

import psycopg
import pytest

from services.gateway.identity.idempotency import IdempotencyKeys, Seen
from shared.envelope import IdempotencyClaim
from shared.eventstore import AlreadyApplied

from .helpers import META, noted


def attempt(key: str, request_hash: str = "h1"):
    return replace(META, idempotency=IdempotencyClaim(key, request_hash, str(uuid.uuid4())))


def test_a_second_attempt_under_an_applied_key_writes_nothing(store):
    key, stream = str(uuid.uuid4()), str(uuid.uuid4())
    store.append("thing", stream, 0, noted(1), attempt(key))

    with pytest.raises(AlreadyApplied):
        store.append("thing", str(uuid.uuid4()), 0, noted(2), attempt(key))

    assert store.head_position() == 1


def test_two_attempts_at_once_under_one_key_write_once(store, pool):
    key, results, errors = str(uuid.uuid4()), [], []
    holder = pool.getconn()
    holder.execute("SELECT 1")  # the first attempt's transaction, held open while the second tries
    first = attempt(key)
    store.append("thing", str(uuid.uuid4()), 0, noted(1), first, conn=holder)

    def second():
        try:
            results.append(store.append("thing", str(uuid.uuid4()), 0, noted(2), attempt(key)))
        except AlreadyApplied as exc:
            errors.append(exc)

    racing = threading.Thread(target=second)
    racing.start()
    racing.join(0.5)
    holder.commit()
    pool.putconn(holder)
    racing.join(10)

    assert results == [] and len(errors) == 1
    assert store.head_position() == 1


def test_one_attempt_may_append_twice_under_its_key(store):
    mine = attempt(str(uuid.uuid4()))

    store.append("thing", str(uuid.uuid4()), 0, noted(1), mine)
    store.append("thing", str(uuid.uuid4()), 0, noted(2), mine)

    assert store.head_position() == 2


def test_a_rolled_back_append_leaves_its_key_free(store, pool):
    key = str(uuid.uuid4())
    with pool.connection() as conn, pytest.raises(psycopg.errors.DivisionByZero), conn.transaction():
        store.append("thing", str(uuid.uuid4()), 0, noted(1), attempt(key), conn=conn)
        conn.execute("SELECT 1 / 0")

    store.append("thing", str(uuid.uuid4()), 0, noted(2), attempt(key))

    assert store.head_position() == 1


def test_the_gateway_tells_a_repeat_a_reuse_and_a_request_in_flight_apart(auth_pool):
    keys, key = IdempotencyKeys(auth_pool, 3600), str(uuid.uuid4())

    claimed = keys.claim("acct-1", key, "h1", 30)
    in_flight = keys.claim("acct-1", key, "h1", 30)
    keys.answer("acct-1", key, 201, {"charter_id": "c1"})
    repeat, reuse = keys.claim("acct-1", key, "h1", 30), keys.claim("acct-1", key, "h2", 30)
    someone_else = keys.claim("acct-2", key, "h2", 30)

    assert claimed is None and someone_else is None
    assert in_flight == Seen(True, None, None)
    assert repeat == Seen(True, 201, {"charter_id": "c1"})
    assert reuse.same_request is False


def test_a_released_or_lapsed_claim_is_claimed_again(auth_pool):
    keys, released, lapsed = IdempotencyKeys(auth_pool, 3600), str(uuid.uuid4()), str(uuid.uuid4())
    keys.claim("acct-1", released, "h1", 30)
    keys.claim("acct-1", lapsed, "h1", 0)

    keys.release("acct-1", released)

    assert keys.claim("acct-1", released, "h1", 30) is None
    assert keys.claim("acct-1", lapsed, "h1", 30) is None
