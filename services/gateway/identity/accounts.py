"""Accounts: an e-mail, an argon2 password hash, a public display name, the roles granted, and who granted or
revoked them (or reset a name) when."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.errors import UniqueViolation
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from . import names as display_names
from . import roles
from .credentials import hash_password, needs_rehash, normalise_email, verify_password


class EmailTaken(Exception):
    """An account with this e-mail already exists."""


@dataclass(frozen=True)
class Account:
    account_id: str
    roles: frozenset[str]
    created_at: datetime
    display_name: str = ""


class Accounts:
    """Accounts in `gateway_auth`; the pool's search_path selects that schema."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def create(self, email: str, password: str, display_name: str | None = None) -> str:
        """Open an account and return its id, or raise EmailTaken (NameRefused for an unusable name); with no
        name given it gets a neutral generated one."""
        account_id = str(uuid.uuid4())
        name = display_names.clean(display_name) if display_name is not None else display_names.neutral()
        try:
            with self.pool.connection() as conn:
                conn.execute("INSERT INTO accounts (account_id, email, password_hash, display_name)"
                             " VALUES (%s, %s, %s, %s)",
                             [account_id, normalise_email(email), hash_password(password), name])
        except UniqueViolation:
            raise EmailTaken() from None
        return account_id

    def find(self, email: str) -> str | None:
        """The id of the account with this e-mail, if any."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT account_id FROM accounts WHERE email = %s", [normalise_email(email)]).fetchone()
        return row[0] if row else None

    def authenticate(self, email: str, password: str) -> str | None:
        """The account id when the e-mail and password match, else None (in about the same time either way)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT account_id, password_hash FROM accounts WHERE email = %s",
                               [normalise_email(email)]).fetchone()
        account_id, password_hash = row if row else (None, None)
        if not verify_password(password_hash, password):
            return None
        if needs_rehash(password_hash):
            self.set_password(account_id, password)
        return account_id

    def check_password(self, account_id: str, password: str) -> bool:
        """Whether this is the account's current password."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT password_hash FROM accounts WHERE account_id = %s", [account_id]).fetchone()
        return verify_password(row[0] if row else None, password)

    def change_password(self, account_id: str, current: str, new: str) -> bool:
        """Replace the password if `current` is the account's password now; False (nothing changed) if not."""
        if not self.check_password(account_id, current):
            return False
        self.set_password(account_id, new)
        return True

    def email(self, account_id: str) -> str | None:
        """The account's e-mail, for its own holder's eyes only (never logged, never in events or reads)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT email FROM accounts WHERE account_id = %s", [account_id]).fetchone()
        return row[0] if row else None

    def names(self, account_ids: list[str]) -> dict[str, str]:
        """The display name of each of `account_ids` that names an account (the rest are left out)."""
        if not account_ids:
            return {}
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT account_id, display_name FROM accounts WHERE account_id = ANY(%s)",
                                [list(set(account_ids))]).fetchall()
        return dict(rows)

    def rename(self, account_id: str, display_name: str) -> str | None:
        """Change the account's display name as its owner (NameRefused if unusable); the name kept, or None
        when there is no such account."""
        name = display_names.clean(display_name)
        with self.pool.connection() as conn:
            changed = conn.execute("UPDATE accounts SET display_name = %s WHERE account_id = %s",
                                   [name, account_id]).rowcount
            if changed:
                self._record_name(conn, account_id, "changed", account_id, None)
        return name if changed else None

    def reset_name(self, account_id: str, by: str, reason: str) -> str | None:
        """Replace an abusive display name with a neutral one, recording who did it and why; the new name, or
        None when there is no such account."""
        name = display_names.neutral()
        with self.pool.connection() as conn:
            changed = conn.execute("UPDATE accounts SET display_name = %s WHERE account_id = %s",
                                   [name, account_id]).rowcount
            if changed:
                self._record_name(conn, account_id, "reset", by, reason)
        return name if changed else None

    def name_changes(self, account_id: str) -> list[dict[str, Any]]:
        """Every change of the account's display name after sign-up (not the names themselves), oldest first."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute("SELECT change, changed_by, reason, changed_at FROM name_changes"
                               " WHERE account_id = %s ORDER BY change_id", [account_id]).fetchall()

    def set_password(self, account_id: str, password: str) -> None:
        """Replace the account's password."""
        with self.pool.connection() as conn:
            conn.execute("UPDATE accounts SET password_hash = %s WHERE account_id = %s",
                         [hash_password(password), account_id])

    def missing(self, account_ids: list[str]) -> list[str]:
        """Those of `account_ids` that name no account, in the order given, each once."""
        wanted = list(dict.fromkeys(account_ids))
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT account_id FROM accounts WHERE account_id = ANY(%s)", [wanted]).fetchall()
        found = {row[0] for row in rows}
        return [account_id for account_id in wanted if account_id not in found]

    def get(self, account_id: str) -> Account | None:
        """The account with its effective roles, or None."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT a.created_at, coalesce(array_agg(r.role) FILTER (WHERE r.role IS NOT NULL), '{}'),"
                " a.display_name"
                " FROM accounts a LEFT JOIN account_roles r USING (account_id) WHERE a.account_id = %s"
                " GROUP BY a.account_id", [account_id]).fetchone()
        return Account(account_id, roles.effective(set(row[1])), row[0], row[2]) if row else None

    def grant(self, account_id: str, role: str, by: str) -> bool:
        """Grant a role, recording who did it; False when the account already held it."""
        with self.pool.connection() as conn:
            added = conn.execute("INSERT INTO account_roles (account_id, role) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                                 [account_id, role]).rowcount
            if added:
                self._record(conn, account_id, role, "granted", by)
        return bool(added)

    def revoke(self, account_id: str, role: str, by: str) -> bool:
        """Revoke a role, recording who did it; False when the account did not hold it."""
        with self.pool.connection() as conn:
            removed = conn.execute("DELETE FROM account_roles WHERE account_id = %s AND role = %s",
                                   [account_id, role]).rowcount
            if removed:
                self._record(conn, account_id, role, "revoked", by)
        return bool(removed)

    def role_changes(self, account_id: str) -> list[dict[str, Any]]:
        """Every grant and revocation of the account's roles, oldest first."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute("SELECT role, change, changed_by, changed_at FROM role_changes WHERE account_id = %s"
                               " ORDER BY change_id", [account_id]).fetchall()

    @staticmethod
    def _record_name(conn, account_id: str, change: str, by: str, reason: str | None) -> None:
        conn.execute("INSERT INTO name_changes (account_id, change, changed_by, reason) VALUES (%s, %s, %s, %s)",
                     [account_id, change, by, reason])

    @staticmethod
    def _record(conn, account_id: str, role: str, change: str, by: str) -> None:
        conn.execute("INSERT INTO role_changes (account_id, role, change, changed_by) VALUES (%s, %s, %s, %s)",
                     [account_id, role, change, by])
