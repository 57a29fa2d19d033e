"""Admins grant and revoke roles: `/api/v1/admin/accounts/<id>/roles`, each change recorded with who and when."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, jsonify

from shared.http import error, validated
from shared.openapi_legacy import documented

from ..edge import identity_schemas as s
from ..edge.auth import require_role
from ..identity import granting, roles
from ..identity.store import Identity


def blueprint(identity: Identity) -> Blueprint:
    """The admin routes, bound to the gateway's identity store."""
    bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")
    accounts = identity.accounts

    def described(account_id: str):
        account = accounts.get(account_id)
        if account is None:
            return error(404, "not_found", "no account with this id", {"account_id": ["unknown account"]})
        return jsonify({"account_id": account.account_id, "roles": sorted(account.roles),
                        "created_at": account.created_at, "role_changes": accounts.role_changes(account_id)})

    def changed(change: Callable[..., bool], account_id: str, role: str):
        admin = require_role(roles.ADMIN)
        try:
            change(accounts, account_id, role, by=admin.account_id)
        except granting.RoleChangeRefused as exc:
            return error(exc.status, exc.code, exc.message, exc.errors)
        return described(account_id)

    @bp.get("/accounts/<uuid:account_id>")
    @documented(response=s.AccountRoles, tag="admin", authenticated=True)
    def read_account(account_id):
        """An account's roles and the history of their grants and revocations (admins only)."""
        require_role(roles.ADMIN)
        return described(str(account_id))

    @bp.post("/accounts/<uuid:account_id>/roles")
    @documented(response=s.AccountRoles, status=200, tag="admin")
    @validated(s.GrantRoleBody())
    def grant_role(body, account_id):
        """Grant a role to an account (admins only); granting a role it holds changes nothing."""
        return changed(granting.grant_role, str(account_id), body["role"])

    @bp.delete("/accounts/<uuid:account_id>/roles/<role>")
    @documented(response=s.AccountRoles, status=200, tag="admin")
    def revoke_role(account_id, role):
        """Revoke a role from an account (admins only; an admin cannot revoke their own admin role)."""
        return changed(granting.revoke_role, str(account_id), role)

    return bp
