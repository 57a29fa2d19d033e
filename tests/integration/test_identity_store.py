"""The gateway's identity store against a real PostgreSQL: limits, sessions and tokens as kept at rest."""

import pytest

from services.gateway.identity.accounts import Accounts, EmailTaken
from services.gateway.identity.limits import Limit, SignInLimiter, WriteLimiter
from services.gateway.identity.sessions import Sessions
from services.gateway.identity.tokens import ApiTokens


def test_an_account_past_its_write_limit_is_told_how_long_to_wait(auth_pool):
    limiter = WriteLimiter(auth_pool, Limit(max_count=3, window_s=60))

    waits = [limiter.admit("account-1") for _ in range(4)]

    assert waits[:3] == [0, 0, 0] and 0 < waits[3] <= 60
    assert limiter.admit("account-2") == 0


def test_failed_sign_ins_lock_a_key_once_they_reach_the_limit_and_success_clears_the_e_mail(auth_pool):
    limiter = SignInLimiter(auth_pool, {"email": Limit(3, 900, 600), "ip": Limit(10, 900, 600)})
    keys = ["email:abc", "ip:192.0.2.1"]

    limiter.failed(keys)
    limiter.failed(keys)
    before = limiter.retry_after(keys)
    limiter.failed(keys)
    locked = limiter.retry_after(keys)
    limiter.succeeded("email:abc")

    assert before == 0 and 590 < locked <= 600
    assert limiter.retry_after(["email:abc"]) == 0 and limiter.retry_after(["ip:192.0.2.1"]) == 0


def test_e_mails_are_unique_whatever_their_case(auth_pool):
    accounts = Accounts(auth_pool)
    accounts.create("Sam@Example.org", "a long enough password")

    with pytest.raises(EmailTaken):
        accounts.create("sam@example.org", "another long password")


def test_sessions_and_tokens_are_stored_only_as_hashes(auth_pool):
    account_id = Accounts(auth_pool).create("kim@example.org", "a long enough password")
    session_id, _ = Sessions(auth_pool, ttl_s=60).start(account_id)
    _, token = ApiTokens(auth_pool).create(account_id, "crm")

    with auth_pool.connection() as conn:
        stored = conn.execute("SELECT session_hash FROM sessions").fetchall() + conn.execute(
            "SELECT token_hash FROM api_tokens").fetchall()

    assert all(session_id.encode() not in bytes(h) and token.encode() not in bytes(h) for (h,) in stored)


def test_an_expired_session_is_not_found(auth_pool):
    account_id = Accounts(auth_pool).create("lee@example.org", "a long enough password")
    sessions = Sessions(auth_pool, ttl_s=-1)

    session_id, _ = sessions.start(account_id)

    assert sessions.find(session_id) is None
