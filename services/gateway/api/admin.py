"""Admins grant and revoke roles: `/api/v1/admin/accounts/<id>/roles`, each change recorded with who and when."""

from __future__ import annotations

from collections.abc import Callable

from flask import jsonify

from shared.http import error
from shared.openapi import Blueprint

from ..edge import identity_schemas as s
from ..edge.auth import require_role
from ..identity import granting, roles
from ..identity.store import Identity


def blueprint(identity: Identity) -> Blueprint:
    """The admin routes, bound to the gateway's identity store."""
    bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", area="Accounts")
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
    @bp.response(200, s.AccountRoles, description="The account's roles and their history.")
    @bp.refuses("not_found", "forbidden")
    @bp.requires(roles.ADMIN)
    def read_account(account_id):
        """Read an account's roles

        An account's roles and the history of their grants and revocations (never its e-mail). Needs the admin
        role.
        """
        require_role(roles.ADMIN)
        return described(str(account_id))

    @bp.post("/accounts/<uuid:account_id>/roles")
    @bp.arguments(s.GrantRoleBody)
    @bp.response(200, s.AccountRoles, description="The account with the role granted.")
    @bp.refuses("not_found", "forbidden")
    @bp.requires(roles.ADMIN)
    def grant_role(body, account_id):
        """Grant a role

        Grants a role to an account, recorded with who granted it and when; granting a role it holds changes
        nothing. Needs the admin role.
        """
        return changed(granting.grant_role, str(account_id), body["role"])

    @bp.delete("/accounts/<uuid:account_id>/roles/<role>")
    @bp.response(200, s.AccountRoles, description="The account with the role revoked.")
    @bp.refuses("not_found", "own_admin_role", "forbidden")
    @bp.requires(roles.ADMIN)
    def revoke_role(account_id, role):
        """Revoke a role

        Revokes a role from an account, recorded with who revoked it and when; revoking a role it lacks changes
        nothing, and a role that is not grantable is 404. An admin cannot revoke their own admin role. Needs the
        admin role.
        """
        return changed(granting.revoke_role, str(account_id), role)

    return bp
