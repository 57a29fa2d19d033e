"""Signing attempts counted per canonical e-mail and per client address, in `pledge.signing_attempts`."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import psycopg
from psycopg import sql

from shared.db import one

from .domain.abuse import RateLimits, check_rate_limit


class SigningGuard:
    """Admits a signing request while its e-mail and client address have attempts left in the window."""

    def __init__(self, schema: str, salt: str, limits: RateLimits | None = None) -> None:
        self._table = sql.SQL("{}.signing_attempts").format(sql.Identifier(schema))
        self.salt, self.limits = salt, limits or RateLimits()

    def admit(self, conn: psycopg.Connection, email_hash: str, client_ip: str, now: datetime) -> None:
        """Count this attempt, or raise RateLimited (429) and let the caller's transaction roll back.

        Call it after the event store's append in the same transaction: the append holds the store's
        lock until commit, so concurrent requests count one after another and none slips past the limit.
        """
        # The address is keyed-hashed like the e-mail: the table never holds who connected from where.
        ip_hash = hmac.new(self.salt.encode(), client_ip.encode(), hashlib.sha256).hexdigest()
        since = now - self.limits.window
        by_email, by_ip, email_oldest, ip_oldest = one(conn.execute(
            sql.SQL(
                "SELECT count(*) FILTER (WHERE email_hash = %s), count(*) FILTER (WHERE ip_hash = %s),"
                " min(attempted_at) FILTER (WHERE email_hash = %s), min(attempted_at) FILTER (WHERE ip_hash = %s)"
                " FROM {} WHERE attempted_at > %s AND (email_hash = %s OR ip_hash = %s)"
            ).format(self._table),
            [email_hash, ip_hash, email_hash, ip_hash, since, email_hash, ip_hash],
        ))
        # One more attempt is admitted once the oldest in the window leaves it: that is the wait a 429 names.
        check_rate_limit(by_email, by_ip, self.limits, email_wait_s=_wait(email_oldest, since),
                         ip_wait_s=_wait(ip_oldest, since))
        conn.execute(sql.SQL("DELETE FROM {} WHERE attempted_at <= %s").format(self._table), [since])
        conn.execute(
            sql.SQL("INSERT INTO {} (email_hash, ip_hash, attempted_at) VALUES (%s, %s, %s)").format(self._table),
            [email_hash, ip_hash, now],
        )


def _wait(oldest: datetime | None, since: datetime) -> float | None:
    """Seconds until the attempt made at `oldest` falls out of the window that now starts at `since`."""
    return None if oldest is None else (oldest - since).total_seconds()
