"""The stewards' erasure screen: erase a signatory's personal data on their request, and the log of erasures."""

from __future__ import annotations

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
LABELS = {"email": "the e-mail address", "rule": "the ground"}


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the erasure screen and its form."""

    def screen(status: int = 200, form: Form | None = None):
        require_role(STEWARD, back="/stewardship/erasures")
        limit, offset = page_args()
        with ui.cursor() as cur:
            erasures = cur.execute(LOG, [limit, offset]).fetchall()
            total = one(cur.execute(LOG_TOTAL))["n"]
        return page("erasures.html", status, form=form or Form({"rule": ERASURE_RULES[1]}), erasures=erasures,
                    total=total, limit=limit, offset=offset, rules=RULES)

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
