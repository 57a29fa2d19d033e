"""Signing the charter for an organisation, confirming by the e-mailed link, withdrawing, and the signatories.

Neither signing nor the mailed links need an account: the links' tokens are the proof. Their pages first say
what is confirmed or withdrawn, then ask; an expired or replaced link's page offers fresh links instead. The
account that signed may also withdraw without the link, after a page that asks it to confirm.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, g, request

from shared.contract.vocabulary import ORGANISATION_TYPES
from shared.db import DictCursor

from ..edge.auth import current_principal
from ..edge.paging import page_args
from ..readmodels import pledge_reads
from ..readmodels.signature_requesters import REQUESTER
from .accounts import check_form_token
from .home import charter_summary
from .web import Form, Outcome, Ui, done, form_values, optional, page, require_account

FIELDS = ("organisation_name", "organisation_type", "area", "signatory_name", "signatory_role", "email", "statement")
# How error messages name the sign form's fields, in its labels' words.
SIGN = {"organisation_name": "the name of the organisation", "organisation_type": "the kind of organisation",
        "area": "the area it serves", "signatory_name": "your name", "signatory_role": "your role in the organisation",
        "email": "your work e-mail address", "statement": "the statement to publish with your signature"}
SIGNATURE = ("SELECT signature_id, charter_id, version, organisation_name, organisation_type, area, signatory_name,"
             " signatory_role, statement, status, requested_at, verified_at, withdrawn_at, verified_event_id"
             " FROM signatures WHERE signature_id = %s")
# What a mailed link's page names: the organisation, the signatory and their role, and the charter's version.
CONFIRMING = ("SELECT s.signature_id, s.charter_id, s.version, s.organisation_name, s.signatory_name, s.signatory_role,"
              " s.status, c.title AS charter_title FROM signatures s LEFT JOIN charters c USING (charter_id)"
              " WHERE s.signature_id = %s")
# Refusals of a mailed link's token after which only fresh links help.
STALE_LINK = frozenset({"token_expired", "token_wrong"})
MY_SIGNATURES = "/account/signatures"  # where a withdrawal confirmed from "my signatures" goes back to


def requested_by_reader(cur: DictCursor, signature_id: str) -> bool:
    """Whether the signed-in reader is the account that requested the signature (so may withdraw it unmailed)."""
    principal = current_principal()
    if principal is None:
        return False
    row = cur.execute(REQUESTER, [signature_id]).fetchone()
    return row is not None and row["requested_by"] == principal.account_id


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the signing pages."""

    def current_charter(charter_id: str) -> dict:
        with ui.cursor() as cur:
            summary = charter_summary(cur, charter_id)
        if summary is None:
            abort(404, "There is no charter with this id.")
        return summary

    def signature_page(signature_id: str, status: int = 200, form: Form | None = None):
        with ui.cursor() as cur:
            signature = cur.execute(SIGNATURE, [signature_id]).fetchone()
            mine = requested_by_reader(cur, signature_id)
        if signature is None:
            abort(404, "There is no signature with this id.")
        return page("signing/signature.html", status, signature=signature, form=form or Form(), mine=mine)

    @bp.route("/charters/<uuid:charter_id>/sign", methods=["GET", "POST"])
    def sign_charter(charter_id):
        """Anyone may sign, signed in or not: the mailed link is what makes the signature count."""
        charter = current_charter(str(charter_id))
        if charter["current_version"] is None:
            abort(409, "This charter has no adopted version to sign yet.")
        form = Form(form_values(*FIELDS) if request.method == "POST" else {"organisation_type": "council"}, labels=SIGN)
        if request.method == "GET":
            return page("signing/sign.html", charter=charter, form=form, types=ORGANISATION_TYPES)
        check_form_token()
        body = {k: form.values[k].strip() for k in FIELDS} | {"version": charter["current_version"]["version"],
                                                              "area": optional(form.values["area"]),
                                                              "statement": optional(form.values["statement"])}
        outcome = ui.command("POST", f"/charters/{charter_id}/signatures", body)
        if not outcome.ok:
            return page("signing/sign.html", outcome.status, charter=charter, form=form.refused(outcome),
                        types=ORGANISATION_TYPES)
        return done("ui.signature", "signature_requested", outcome, signature_id=outcome.body["signature_id"])

    @bp.get("/charters/<uuid:charter_id>/signatories")
    def signatories_page(charter_id):
        limit, offset = page_args()
        charter = current_charter(str(charter_id))
        version = charter["current_version"]["version"] if charter["current_version"] else None
        with ui.cursor() as cur:
            items = cur.execute(pledge_reads.PUBLIC + " ORDER BY verified_at, signature_id LIMIT %s OFFSET %s",
                                [str(charter_id), version, limit, offset]).fetchall()
        return page("signing/signatories.html", charter=charter, items=items, limit=limit, offset=offset)

    @bp.get("/signatures/<uuid:signature_id>")
    def signature(signature_id):
        return signature_page(str(signature_id))

    def confirming(signature_id: str) -> dict:
        with ui.cursor() as cur:
            signature = cur.execute(CONFIRMING, [signature_id]).fetchone()
            mine = requested_by_reader(cur, signature_id)
        if signature is None:
            abort(404, "There is no signature with this id.")
        return signature | {"mine": mine}

    def link_page(template: str, signature_id: str, form: Form, outcome: Outcome | None = None):
        """A mailed link's page, naming what it acts on; a stale link's refusal offers fresh links."""
        signature = confirming(signature_id)
        if outcome is None:
            return page(template, signature=signature, form=form, stale=False)
        stale = outcome.body.get("code") in STALE_LINK
        return page(template, outcome.status, signature=signature, form=form.refused(outcome), stale=stale)

    @bp.route("/signatures/<uuid:signature_id>/verify", methods=["GET", "POST"])
    def verify_signature(signature_id):
        form = Form({"token": request.values.get("token", "")})
        if request.method == "GET":
            return link_page("signing/verify.html", str(signature_id), form)
        check_form_token()
        outcome = ui.command("POST", f"/signatures/{signature_id}/verification", form.values)
        if not outcome.ok:
            return link_page("signing/verify.html", str(signature_id), form, outcome)
        return done("ui.signature", "signature_verified", outcome, signature_id=signature_id)

    @bp.route("/signatures/<uuid:signature_id>/withdraw", methods=["GET", "POST"])
    def withdraw_signature(signature_id):
        """By the mailed withdrawal link (its token), or signed in as whoever signed; either way after asking."""
        token = request.values.get("token", "")
        back = MY_SIGNATURES if request.values.get("next") == MY_SIGNATURES else None
        if request.method == "GET":
            return link_page("signing/withdraw.html", str(signature_id), Form({"token": token, "next": back}))
        if not token:
            require_account(back=f"/signatures/{signature_id}")
        check_form_token()
        form = Form(form_values("reason") | {"token": token, "next": back})
        body = {"reason": optional(form.values["reason"])} | ({"token": token} if token else {})
        outcome = ui.command("POST", f"/signatures/{signature_id}/withdrawal", body)
        if not outcome.ok:
            if token:
                return link_page("signing/withdraw.html", str(signature_id), form, outcome)
            return signature_page(str(signature_id), outcome.status, form.refused(outcome))
        if back:
            return done("ui.my_signatures", "signature_withdrawn", outcome)
        return done("ui.signature", "signature_withdrawn", outcome, signature_id=signature_id)

    @bp.route("/signatures/<uuid:signature_id>/new-links", methods=["GET", "POST"])
    def resend_signature_links(signature_id):
        """Fresh links mailed to the address the signature was requested with; the old links stop working."""
        form = Form(form_values("email") if request.method == "POST" else {})
        if request.method == "GET":
            return link_page("signing/new_links.html", str(signature_id), form)
        check_form_token()
        outcome = ui.command("POST", f"/signatures/{signature_id}/links", {"email": form.values["email"].strip()})
        if not outcome.ok:
            return link_page("signing/new_links.html", str(signature_id), form, outcome)
        return done("ui.signature", "signature_links_sent", outcome, signature_id=signature_id)


def register_dev(bp: Blueprint, ui: Ui) -> None:
    """Development only: the mail a signatory would have received, as a page with its link."""

    @bp.get("/dev/mailbox/<uuid:signature_id>")
    def dev_mailbox(signature_id):
        reply = ui.services.command("pledge", f"/dev/verification-links/{signature_id}", None, {
            "X-Request-Id": g.request_id, "X-Correlation-Id": g.correlation_id}, method="GET")
        link = reply.body.get("link") if reply.status == 200 else None
        if link is None:
            abort(404, "No verification mail was sent for this signature.")
        withdrawal_link = reply.body.get("withdrawal_link")
        return page("signing/mailbox.html", signature_id=signature_id, link=link, local_link=_local(link),
                    withdrawal_link=withdrawal_link, local_withdrawal_link=_local(withdrawal_link))


def _local(link: str | None) -> str | None:
    """A mailed link as a path on this site (the mail names the public URL)."""
    if not link:
        return None
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"
