"""The stewards' erasure screen: erase a signatory's or a pilot sponsor's personal data on request, and the log."""

from __future__ import annotations

import uuid

from flask import Blueprint

from shared.contract.vocabulary import ERASURE_RULES, STEWARD
from shared.db import one

from ..edge.paging import page_args
from ..readmodels.erasures import LOG, LOG_TOTAL
from .web import Form, Ui, done, form_values, page, require_role

# What each ground of UK GDPR Article 17(1) means, in the words a steward reads on the form and in the log.
RULES = {
    "uk-gdpr-17-1-a": "Article 17(1)(a): no longer necessary for its purpose",
    "uk-gdpr-17-1-b": "Article 17(1)(b): consent withdrawn",
    "uk-gdpr-17-1-c": "Article 17(1)(c): objection to the processing",
    "uk-gdpr-17-1-d": "Article 17(1)(d): unlawfully processed",
    "uk-gdpr-17-1-e": "Article 17(1)(e): erasure required by law",
}
assert set(RULES) == set(ERASURE_RULES), "every ground the pledge service accepts has its words here"
LABELS = {"email": "the e-mail address", "rule": "the ground", "pilot_id": "the pilot's id"}


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the erasure screen and its form."""

    def screen(status: int = 200, form: Form | None = None, sponsor: Form | None = None):
        require_role(STEWARD, back="/stewardship/erasures")
        limit, offset = page_args()
        with ui.cursor() as cur:
            erasures = cur.execute(LOG, [limit, offset]).fetchall()
            total = one(cur.execute(LOG_TOTAL))["n"]
        return page("erasures.html", status, form=form or Form({"rule": ERASURE_RULES[1]}),
                    sponsor=sponsor or Form({"rule": ERASURE_RULES[1]}), erasures=erasures, total=total, limit=limit,
                    offset=offset, rules=RULES)

    @bp.get("/stewardship/erasures")
    def erasures():
        return screen()

    @bp.post("/stewardship/erasures")
    def erase():
        require_role(STEWARD, back="/stewardship/erasures")
        form = form_values("email", "rule")
        outcome = ui.command("POST", "/erasures", form)
        if not outcome.ok:
            # The address is never shown back: the person asked for it to be forgotten.
            return screen(outcome.status, Form({"rule": form["rule"]}, labels=LABELS).refused(outcome))
        return done("ui.erasures", "erased", outcome)

    @bp.post("/stewardship/erasures/sponsor")
    def erase_sponsor():
        require_role(STEWARD, back="/stewardship/erasures")
        form = Form(form_values("pilot_id", "rule"), labels=LABELS)
        if not is_uuid(form.values["pilot_id"].strip()):
            return screen(422, sponsor=form.add("pilot_id", "Enter the pilot's id, as its page's address shows it."))
        outcome = ui.command("POST", f"/pilots/{form.values['pilot_id'].strip()}/sponsor/erasure",
                             {"rule": form.values["rule"]})
        if not outcome.ok:
            return screen(outcome.status, sponsor=form.refused(outcome))
        return done("ui.erasures", "sponsor_erased", outcome)


def is_uuid(text: str) -> bool:
    """Whether `text` is a UUID, as every pilot's id is."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
