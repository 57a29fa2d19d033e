"""Each account's `Idempotency-Key`s and the first final answer each got, kept at least `ttl_s` (24 h by default).

A key is claimed before its command is forwarded, so a concurrent second request with it is told the
first is still in flight (never sent on too); the claim expires after `hold_s`, so a gateway that died
mid-forward does not lock the key for ever. Only a final answer (below 500) is kept: after a 5xx or a
timeout the claim is released, and a retry is forwarded again, for the service to answer from its own
record if the first attempt was applied after all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from shared.db import one


@dataclass(frozen=True)
class Seen:
    """What a key already held: another request's, one still in flight (no status), or its first answer."""

    same_request: bool
    status: int | None
    body: dict[str, Any] | None


class IdempotencyKeys:
    """Keys in `gateway_auth.idempotency_keys`, per account."""

    def __init__(self, pool: ConnectionPool, ttl_s: int) -> None:
        self.pool, self.ttl_s = pool, ttl_s

    def claim(self, account_id: str, key: str, request_hash: str, hold_s: float) -> Seen | None:
        """Claim the key for this request (None: go ahead and send it), or say what the key already holds."""
        with self.pool.connection() as conn, conn.transaction():
            if random.random() < 0.01:
                conn.execute("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => %s)",
                             [self.ttl_s])
            # A key whose first use is older than the ttl, or whose claim lapsed unanswered, is claimed afresh.
            claimed = conn.execute(
                "INSERT INTO idempotency_keys AS k (account_id, key, request_hash, claimed_until)"
                " VALUES (%s, %s, %s, now() + make_interval(secs => %s))"
                " ON CONFLICT (account_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
                " claimed_until = EXCLUDED.claimed_until, created_at = now(), status = NULL, body = NULL"
                " WHERE k.created_at < now() - make_interval(secs => %s)"
                " OR (k.status IS NULL AND k.claimed_until < now() AND k.request_hash = EXCLUDED.request_hash)"
                " RETURNING 1", [account_id, key, request_hash, hold_s, self.ttl_s]).fetchone()
            if claimed:
                return None
            held, status, body = one(conn.execute(
                "SELECT request_hash, status, body FROM idempotency_keys WHERE account_id = %s AND key = %s",
                [account_id, key]))
            return Seen(held == request_hash, status, body)

    def answer(self, account_id: str, key: str, status: int, body: dict[str, Any]) -> None:
        """Keep the final answer the claimed request got, for its repeats."""
        with self.pool.connection() as conn:
            conn.execute("UPDATE idempotency_keys SET status = %s, body = %s WHERE account_id = %s AND key = %s",
                         [status, Jsonb(body), account_id, key])

    def release(self, account_id: str, key: str) -> None:
        """Give up a claim that got no final answer, so the next request with the key is sent on again."""
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM idempotency_keys WHERE account_id = %s AND key = %s AND status IS NULL",
                         [account_id, key])
