"""Server-side sessions: the cookie holds a random id, the table only its SHA-256, with a CSRF token."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from .credentials import digest, new_secret


@dataclass(frozen=True)
class Session:
    account_id: str
    csrf_token: str


class Sessions:
    """Sessions in `gateway_auth`, each expiring `ttl_s` seconds after sign-in."""

    def __init__(self, pool: ConnectionPool, ttl_s: int) -> None:
        self.pool, self.ttl_s = pool, ttl_s

    def start(self, account_id: str, replacing: str | None = None) -> tuple[str, Session]:
        """A new session id and its session for the account; the session the request came with (if any) ends.

        Always a fresh id, never the one presented: an attacker who planted a session id in a
        victim's browser must not find it signed in afterwards (session fixation).
        """
        session_id, session = new_secret(), Session(account_id, new_secret())
        with self.pool.connection() as conn:
            if replacing:
                conn.execute("DELETE FROM sessions WHERE session_hash = %s", [digest(replacing)])
            conn.execute(
                "INSERT INTO sessions (session_hash, account_id, csrf_token, expires_at)"
                " VALUES (%s, %s, %s, now() + %s * interval '1 second')",
                [digest(session_id), account_id, session.csrf_token, self.ttl_s])
            # Expired sessions are swept as new ones start: no timer process needed.
            conn.execute("DELETE FROM sessions WHERE account_id = %s AND expires_at < now()", [account_id])
        return session_id, session

    def find(self, session_id: str) -> Session | None:
        """The live session with this id, or None when unknown or expired."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT account_id, csrf_token FROM sessions WHERE session_hash = %s"
                               " AND expires_at > now()", [digest(session_id)]).fetchone()
        return Session(*row) if row else None

    def end(self, session_id: str) -> None:
        """Sign the session out."""
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM sessions WHERE session_hash = %s", [digest(session_id)])

    def end_others(self, account_id: str, keeping: str | None) -> None:
        """Sign out every session of the account but `keeping` (all of them when it is None)."""
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM sessions WHERE account_id = %s AND session_hash IS DISTINCT FROM %s",
                         [account_id, digest(keeping) if keeping else None])
