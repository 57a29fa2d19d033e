"""Your account: its e-mail and roles, changing the password, and API tokens, on the same identity code as the API."""

from __future__ import annotations

from flask import Blueprint, request

from shared.http import RequestRefused

from ..edge.identity_schemas import ChangePasswordBody, CreateTokenBody, DisplayNameBody
from ..readmodels.organisation_reads import memberships_of
from .web import Form, Ui, done, page, require_account

BACK = "/account"
# The page showing a new token's secret must not be kept anywhere: not in a cache, not in the history's copy.
NOT_KEPT = {"Cache-Control": "no-store"}
PASSWORDS = {"current_password": "your current password", "new_password": "a new password"}


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the account page and its forms."""

    def screen(status: int = 200, headers: dict[str, str] | None = None, new_token: dict | None = None,
               **forms: Form):
        principal = require_account(BACK)
        account = ui.identity.accounts.get(principal.account_id)
        with ui.cursor() as cur:
            organisations = memberships_of(cur, principal.account_id)
        html, status = page("account.html", status, email=ui.identity.accounts.email(principal.account_id),
                            display_name=account.display_name if account else "", account_id=principal.account_id,
                            roles=sorted(principal.roles), tokens=ui.identity.tokens.list(principal.account_id),
                            new_token=new_token, forms=forms, Form=Form, organisations=organisations)
        return html, status, headers or {}

    @bp.get("/account")
    def account():
        return screen()

    @bp.post("/account/password")
    def change_password():
        principal = require_account(BACK)
        typed = {name: request.form.get(name, "") for name in ("current_password", "new_password")}
        form = Form(labels=PASSWORDS).invalid(ChangePasswordBody().validate(typed), typed=typed)
        if form.errors:
            return screen(422, password=form)
        if not ui.identity.change_password(principal.account_id, typed["current_password"], typed["new_password"],
                                           principal.session_id):
            return screen(403, password=form.add("current_password", "This is not your current password."))
        return done("ui.account", "password_changed")

    @bp.post("/account/display-name")
    def change_display_name():
        principal = require_account(BACK)
        form = Form({"display_name": request.form.get("display_name", "")}, labels={"display_name": "your name"})
        form.invalid(DisplayNameBody().validate(form.values))
        if form.errors:
            return screen(422, name=form)
        ui.identity.accounts.rename(principal.account_id, form.values["display_name"])
        return done("ui.account", "name_changed")

    @bp.post("/account/tokens")
    def create_token():
        principal = require_account(BACK)
        form = Form({"name": request.form.get("name", "").strip()}, labels={"name": "the token name"})
        form.invalid(CreateTokenBody().validate(form.values))
        if form.errors:
            return screen(422, token=form)
        token_id, secret = ui.identity.tokens.create(principal.account_id, form.values["name"])
        # Shown in this response only (no redirect that could carry it): only its hash is kept.
        return screen(201, NOT_KEPT, new_token={"token_id": token_id, "name": form.values["name"], "secret": secret})

    @bp.post("/account/tokens/<uuid:token_id>/revoke")
    def revoke_token(token_id):
        principal = require_account(BACK)
        if not ui.identity.tokens.revoke(principal.account_id, str(token_id)):
            raise RequestRefused(404, "not_found", "You have no API token with this id.")
        return done("ui.account", "token_revoked")
