"""Organisations: the register with search, each record with its verified domains and signatures, and the
stewards' forms that record a new organisation, verify or remove a domain and vouch for a signature."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, request

from shared.contract.organisations import canonical_organisation
from shared.contract.vocabulary import ORGANISATION_TYPES, STEWARD
from shared.http import RequestRefused

from ..edge.auth import current_principal
from ..edge.paging import page_args
from ..readmodels import organisation_reads
from .web import Form, Ui, done, form_values, page, require_account, require_role

ASSURANCE = {"domain-verified": "Domain verified", "steward-verified": "Checked by a steward",
             "self-declared": "Self-declared"}


def organisation_page(ui: Ui, organisation_id: str, status: int = 200, **forms: Form):
    """One organisation's record, with the forms its reader may use and any that need their errors shown."""
    organisation_id, principal = canonical_organisation(organisation_id), current_principal()
    with ui.cursor() as cur:
        found = organisation_reads.organisation_page(cur, organisation_id)
        vouchable = organisation_reads.vouchable(cur, organisation_id)
        claim = principal and organisation_reads.pending_claim(cur, organisation_id, principal.account_id)
    if found is None:
        abort(404, "There is no organisation with this name.")
    return page("organisations/organisation.html", status, organisation=found, vouchable=vouchable,
                pending_claim=claim or None,
                assurance=ASSURANCE, types=ORGANISATION_TYPES, forms=forms,
                form_for=lambda key: forms.get(key) or Form())


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the organisation pages."""

    @bp.get("/organisations")
    def organisations_page():
        limit, offset = page_args()
        q = request.args.get("q", "").strip()[:200]
        with ui.cursor() as cur:
            items, total = organisation_reads.organisations(cur, limit, offset, q or None)
        return page("organisations/list.html", items=items, total=total, limit=limit, offset=offset, q=q,
                    types=ORGANISATION_TYPES, form=Form({"organisation_type": "council"}))

    @bp.post("/organisations")
    def record_organisation():
        require_account(back="/organisations")
        form = Form(form_values("name", "organisation_type"))
        outcome = ui.command("POST", "/organisations", form.values)
        if not outcome.ok:
            with ui.cursor() as cur:
                items, total = organisation_reads.organisations(cur, 50, 0, form.values["name"].strip() or None)
            return page("organisations/list.html", outcome.status, items=items, total=total, limit=50, offset=0,
                        q="", types=ORGANISATION_TYPES, form=form.refused(outcome))
        return done("ui.organisation", "organisation_recorded", outcome,
                    organisation_id=outcome.body["organisation_id"])

    @bp.get("/organisations/<path:organisation_id>")
    def organisation(organisation_id):
        return organisation_page(ui, organisation_id)

    @bp.post("/organisations/<path:organisation_id>/domains")
    def verify_domain(organisation_id):
        require_role(STEWARD, back=f"/organisations/{organisation_id}")
        return organisation_form(organisation_id, "/domains", "domain", ("domain", "evidence"), "domain_verified")

    @bp.post("/organisations/<path:organisation_id>/domains/removal")
    def remove_domain(organisation_id):
        require_role(STEWARD, back=f"/organisations/{organisation_id}")
        return organisation_form(organisation_id, "/domains/removal", "removal", ("domain", "reason"),
                                 "domain_removed")

    @bp.post("/organisations/<path:organisation_id>/memberships")
    def claim_membership(organisation_id):
        require_account(back=f"/organisations/{organisation_id}")
        return organisation_form(organisation_id, "/memberships", "claim", ("email",), "membership_claimed")

    def organisation_form(organisation_id: str, command: str, key: str, fields: tuple[str, ...], notice: str):
        """Send one of the organisation page's forms on as its command; the page again with its errors if refused."""
        form = Form(form_values(*fields))
        outcome = ui.command("POST", f"/organisations/{quote(organisation_id)}{command}", form.values)
        if not outcome.ok:
            return organisation_page(ui, organisation_id, outcome.status, **{key: form.refused(outcome)})
        return done("ui.organisation", notice, outcome, organisation_id=canonical_organisation(organisation_id))

    @bp.route("/memberships/<uuid:membership_id>/confirm", methods=["GET", "POST"])
    def confirm_membership(membership_id):
        principal = require_account()
        with ui.cursor() as cur:
            found = organisation_reads.membership(cur, str(membership_id))
        if found is None or found["account_id"] != principal.account_id:
            abort(404, "There is no membership claim of yours with this id: sign in as the account that claimed it.")
        form = Form({"token": request.values.get("token", "")})
        if request.method == "GET":
            return page("organisations/confirm.html", membership=found, form=form)
        outcome = ui.command("POST", f"/memberships/{membership_id}/confirmation", form.values)
        if not outcome.ok:
            return page("organisations/confirm.html", outcome.status, membership=found, form=form.refused(outcome))
        return done("ui.organisation", "membership_confirmed", outcome, organisation_id=found["organisation_id"])

    @bp.post("/memberships/<uuid:membership_id>/end")
    def leave_organisation(membership_id):
        require_account(back="/account")
        outcome = ui.command("POST", f"/memberships/{membership_id}/end", {})
        if not outcome.ok:
            raise RequestRefused(outcome.status, outcome.body.get("code", "refused"),
                                 outcome.body.get("message", "The membership could not be ended."))
        return done("ui.account", "membership_ended", outcome)

    @bp.post("/organisations/<path:organisation_id>/signatures/<uuid:signature_id>/assurance")
    def vouch_for_signature(organisation_id, signature_id):
        require_role(STEWARD, back=f"/organisations/{organisation_id}")
        form = Form(form_values("method"))
        outcome = ui.command("POST", f"/signatures/{signature_id}/assurance", form.values)
        if not outcome.ok:
            refused = {f"vouch-{signature_id}": form.refused(outcome)}  # the one signature's form shows its errors
            return organisation_page(ui, organisation_id, outcome.status, **refused)
        return done("ui.organisation", "signature_vouched", outcome, organisation_id=canonical_organisation(
            organisation_id))
