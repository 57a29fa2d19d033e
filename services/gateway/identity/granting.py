"""Granting and revoking roles, with the checks the admin API and the admin screen share."""

from __future__ import annotations

from . import roles
from .accounts import Accounts


class RoleChangeRefused(Exception):
    """A grant or revocation that cannot be made: the HTTP status, a code, why, and the field at fault."""

    def __init__(self, status: int, code: str, message: str, field: str, problem: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = {field: [problem]}


def grant_role(accounts: Accounts, account_id: str, role: str, by: str) -> bool:
    """Grant one of the grantable roles to an existing account, recorded as done `by`; False if already held."""
    if role not in roles.GRANTABLE:
        raise RoleChangeRefused(422, "validation_failed", f"roles that can be granted: {', '.join(roles.GRANTABLE)}",
                                "role", "not a grantable role")
    _must_exist(accounts, account_id)
    return accounts.grant(account_id, role, by=by)


def revoke_role(accounts: Accounts, account_id: str, role: str, by: str) -> bool:
    """Revoke a grantable role, recorded as done `by` (never an admin's own admin role); False if not held."""
    if role not in roles.GRANTABLE:
        raise RoleChangeRefused(404, "not_found", f"roles that can be revoked: {', '.join(roles.GRANTABLE)}",
                                "role", "not a grantable role")
    # Without this an admin could lock the last admin out; another admin has to do it.
    if (account_id, role) == (by, roles.ADMIN):
        raise RoleChangeRefused(409, "own_admin_role", "an admin cannot revoke their own admin role; ask another admin",
                                "role", "your own admin role")
    _must_exist(accounts, account_id)
    return accounts.revoke(account_id, role, by=by)


def _must_exist(accounts: Accounts, account_id: str) -> None:
    if accounts.get(account_id) is None:
        raise RoleChangeRefused(404, "not_found", "no account with this id", "account_id", "unknown account")
