"""Admins grant and revoke roles: `/api/v1/admin/accounts/<id>/roles`, each change recorded with who and when."""

from __future__ import annotations

from flask import Blueprint, jsonify

from shared.http import error, validated
from shared.openapi import documented

from ..auth import require_role
from ..identity import roles
from ..identity.store import Identity
from . import identity_schemas as s


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
        admin = require_role(roles.ADMIN)
        if accounts.get(str(account_id)) is None:
            return error(404, "not_found", "no account with this id", {"account_id": ["unknown account"]})
        accounts.grant(str(account_id), body["role"], by=admin.account_id)
        return described(str(account_id))

    @bp.delete("/accounts/<uuid:account_id>/roles/<role>")
    @documented(response=s.AccountRoles, status=200, tag="admin")
    def revoke_role(account_id, role):
        """Revoke a role from an account (admins only; an admin cannot revoke their own admin role)."""
        admin = require_role(roles.ADMIN)
        if role not in roles.GRANTABLE:
            return error(404, "not_found", f"roles that can be revoked: {', '.join(roles.GRANTABLE)}",
                         {"role": ["not a grantable role"]})
        if (str(account_id), role) == (admin.account_id, roles.ADMIN):
            return error(409, "own_admin_role", "an admin cannot revoke their own admin role; ask another admin",
                         {"role": ["your own admin role"]})
        if accounts.get(str(account_id)) is None:
            return error(404, "not_found", "no account with this id", {"account_id": ["unknown account"]})
        accounts.revoke(str(account_id), role, by=admin.account_id)
        return described(str(account_id))

    return bp
