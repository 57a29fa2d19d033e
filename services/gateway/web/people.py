"""A person's public profile page (their display name and what they did), and a moderator's reset of an abusive
name, on the same identity code and read models as `/api/v1/people`."""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import NotFound

from shared.contract.vocabulary import MODERATOR

from ..edge.identity_schemas import ResetNameBody
from ..readmodels import people_reads
from .web import Form, Ui, done, has_role, page, require_role


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the profile page and the moderators' name reset."""

    def profile(account_id: str, status: int = 200, reset: Form | None = None):
        account = ui.identity.accounts.get(account_id)
        if account is None:
            raise NotFound("There is no one with this id: the account may be gone.")
        with ui.cursor() as cur:
            activity = people_reads.activity(cur, account_id)
        changes = ui.identity.accounts.name_changes(account_id) if has_role(MODERATOR) else []
        return page("people/person.html", status, person=account, activity=activity, name_changes=changes,
                    reset=reset or Form())

    @bp.get("/people/<uuid:account_id>", endpoint="person")
    def person_page(account_id):
        return profile(str(account_id))

    @bp.post("/people/<uuid:account_id>/name-reset")
    def reset_name(account_id):
        moderator = require_role(MODERATOR, back=f"/people/{account_id}")
        form = Form({"reason": request.form.get("reason", "")})
        form.errors.update(ResetNameBody().validate(form.values))
        if not form.errors and not form.values["reason"].strip():
            form.add("reason", "Say why the name is reset.")
        if form.errors:
            return profile(str(account_id), 422, form)
        if ui.identity.accounts.reset_name(str(account_id), by=moderator.account_id,
                                           reason=form.values["reason"].strip()) is None:
            raise NotFound("There is no one with this id.")
        return done("ui.person", "name_reset", account_id=account_id)
