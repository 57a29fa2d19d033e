"""Sign-in lockout (per e-mail and per client address) and a cap on each account's writes, kept in PostgreSQL.

Counting in the database, not in process memory, makes the limits hold across gunicorn workers and
gateway instances, and across restarts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from shared.db import one


@dataclass(frozen=True)
class Limit:
    """At most `max_count` within `window_s` seconds; past it, wait `lockout_s` seconds."""

    max_count: int
    window_s: int
    lockout_s: int = 0


class SignInLimiter:
    """Failed sign-ins per key ("email:<keyed hash>", "ip:<address>"); too many lock the key for a while."""

    def __init__(self, pool: ConnectionPool, limits: dict[str, Limit]) -> None:
        self.pool, self.limits = pool, limits

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until the longest lockout among these keys ends; 0 when none is locked."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT max(extract(epoch FROM locked_until - now())) FROM signin_failures"
                               " WHERE key = ANY(%s) AND locked_until > now()", [keys]).fetchone()
        return math.ceil(row[0]) if row and row[0] else 0

    def failed(self, keys: list[str]) -> None:
        """Count a failed sign-in against each key, locking those that reached their limit."""
        with self.pool.connection() as conn:
            for key in keys:
                limit = self.limits[key.split(":", 1)[0]]
                conn.execute(FAILED, {"key": key, "window": limit.window_s, "max": limit.max_count,
                                      "lockout": limit.lockout_s})

    def succeeded(self, email_key: str) -> None:
        """Forget the e-mail's failures (the address keeps its count: one address, many accounts)."""
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM signin_failures WHERE key = %s", [email_key])


# One statement, so concurrent failures each count: a new window when the old one has passed.
FAILED = """
INSERT INTO signin_failures AS f (key, failures, window_started_at) VALUES (%(key)s, 1, now())
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN f.window_started_at < now() - %(window)s * interval '1 second' THEN 1 ELSE f.failures + 1 END,
    window_started_at = CASE WHEN f.window_started_at < now() - %(window)s * interval '1 second'
                             THEN now() ELSE f.window_started_at END,
    locked_until = CASE WHEN f.window_started_at >= now() - %(window)s * interval '1 second'
                             AND f.failures + 1 >= %(max)s
                        THEN now() + %(lockout)s * interval '1 second' ELSE f.locked_until END
"""


class WriteLimiter:
    """Writes per account in fixed windows; answers how long to wait once the window's cap is reached."""

    def __init__(self, pool: ConnectionPool, limit: Limit) -> None:
        self.pool, self.limit = pool, limit

    def admit(self, account_id: str) -> int:
        """Count one write; 0 when admitted, else the seconds until the account's window ends."""
        with self.pool.connection() as conn:
            window, writes, remaining = one(conn.execute(COUNT_WRITE, {"account": account_id, "w": self.limit.window_s}
                                                     ))
            if writes == 1:  # the first write of a window sweeps the account's old windows
                conn.execute("DELETE FROM write_counts WHERE account_id = %s AND window_start < %s",
                             [account_id, window])
        return 0 if writes <= self.limit.max_count else max(math.ceil(remaining), 1)


COUNT_WRITE = """
INSERT INTO write_counts (account_id, window_start, writes)
VALUES (%(account)s, to_timestamp(floor(extract(epoch FROM now()) / %(w)s) * %(w)s), 1)
ON CONFLICT (account_id, window_start) DO UPDATE SET writes = write_counts.writes + 1
RETURNING window_start, writes, extract(epoch FROM window_start + %(w)s * interval '1 second' - now())
"""
