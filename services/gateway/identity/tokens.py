"""API tokens for systems: random, shown once, kept as SHA-256, listable without the secret, revocable."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from .credentials import TOKEN_PREFIX, digest, new_secret


@dataclass(frozen=True)
class TokenCheck:
    """What a presented token turned out to be: its account, or revoked (when), or unknown."""

    account_id: str | None
    revoked_at: datetime | None = None


class ApiTokens:
    """API tokens in `gateway_auth`."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def create(self, account_id: str, name: str) -> tuple[str, str]:
        """A new token for the account: (token_id, secret). The secret is not kept and cannot be shown again."""
        token_id, secret = str(uuid.uuid4()), new_secret(TOKEN_PREFIX)
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO api_tokens (token_id, token_hash, account_id, name) VALUES (%s, %s, %s, %s)",
                         [token_id, digest(secret), account_id, name])
        return token_id, secret

    def check(self, secret: str) -> TokenCheck:
        """Whose token this is; a live token's last use is recorded."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT token_id, account_id, revoked_at, coalesce(last_used_at < now() - interval '1 minute', true)"
                " FROM api_tokens WHERE token_hash = %s", [digest(secret)]).fetchone()
            if row is None:
                return TokenCheck(None)
            token_id, account_id, revoked_at, stale = row
            if revoked_at is None and stale:  # at most one write a minute per token, not one per request
                conn.execute("UPDATE api_tokens SET last_used_at = now() WHERE token_id = %s", [token_id])
        return TokenCheck(None, revoked_at) if revoked_at else TokenCheck(account_id)

    def list(self, account_id: str) -> list[dict[str, Any]]:
        """The account's tokens, without their secrets, oldest first."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute("SELECT token_id, name, created_at, last_used_at, revoked_at FROM api_tokens"
                               " WHERE account_id = %s ORDER BY created_at, token_id", [account_id]).fetchall()

    def revoke(self, account_id: str, token_id: str) -> bool:
        """Revoke one of the account's tokens; False when it has no such token."""
        with self.pool.connection() as conn:
            found = conn.execute("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())"
                                 " WHERE token_id = %s AND account_id = %s", [token_id, account_id]).rowcount
        return bool(found)
