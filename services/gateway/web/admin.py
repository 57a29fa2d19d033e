"""The admins' screen: find an account by e-mail, see its roles and their history, grant and revoke roles.

Changes go through `identity.granting`, the code the admin API uses, so the rules and the audit trail are one.
The e-mail searched for is posted, never put in a URL, so it stays out of histories and proxies' logs.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from flask import Blueprint, redirect, request, url_for

from shared.http import RequestRefused

from ..identity import granting, roles
from .web import Form, Ui, done, page, require_role

BACK = "/admin"


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the admin screen and its forms."""
    accounts = ui.identity.accounts

    def screen(account_id: str | None = None, status: int = 200, **forms: Form):
        require_role(roles.ADMIN, back=BACK)
        account = accounts.get(account_id) if account_id else None
        if account_id and account is None:
            raise RequestRefused(404, "not_found", "No account has this id.")
        changes = accounts.role_changes(account_id) if account_id and account else []
        return page("admin.html", status, account=account, changes=changes, grantable=roles.GRANTABLE,
                    forms=forms, Form=Form)

    def change(account_id: UUID, role: str, act: Callable[..., bool], notice: str):
        admin = require_role(roles.ADMIN, back=BACK)
        try:
            act(accounts, str(account_id), role, by=admin.account_id)
        except granting.RoleChangeRefused as exc:
            form = Form({"role": role}, {name: list(problems) for name, problems in exc.errors.items()})
            return screen(str(account_id), exc.status, role=form.add("_form", exc.message.capitalize() + "."))
        return done("ui.admin_account", notice, account_id=account_id)

    @bp.get("/admin")
    def admin():
        return screen()

    @bp.post("/admin")
    def find_account():
        require_role(roles.ADMIN, back=BACK)
        form = Form({"email": request.form.get("email", "").strip()})
        account_id = accounts.find(form.values["email"]) if form.values["email"] else None
        if account_id is None:
            return screen(None, 404, find=form.add("email", "No account has this e-mail address."))
        return redirect(url_for("ui.admin_account", account_id=account_id), code=303)

    @bp.get("/admin/accounts/<uuid:account_id>")
    def admin_account(account_id):
        return screen(str(account_id))

    @bp.post("/admin/accounts/<uuid:account_id>/roles")
    def grant_role(account_id):
        return change(account_id, request.form.get("role", ""), granting.grant_role, "role_granted")

    @bp.post("/admin/accounts/<uuid:account_id>/roles/<role>/revoke")
    def revoke_role(account_id, role):
        return change(account_id, role, granting.revoke_role, "role_revoked")
