"""A draft's page: its text, lineage tree, word diff against a parent, ratings and passage comments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request

from shared.textdiff import diff_words

from ..edge.auth import current_principal
from ..readmodels import pledge_reads
from .web import Form, Ui, done, page, require_account


def passage(text: str, quote: str, start: str, end: str) -> tuple[int, int] | None:
    """Where the quoted passage is in the draft: the offsets the page's script sent, else its first occurrence."""
    if start.isdigit() and end.isdigit() and text[int(start):int(end)] == quote:
        return int(start), int(end)
    found = text.find(quote)
    return (found, found + len(quote)) if found >= 0 else None


def comment_body(text: str, form: Form) -> dict[str, Any] | None:
    """The comment command's body from the form, or None (with the problem on the form) when the quote is not there."""
    values = form.values
    body: dict[str, Any] = {"body": values["body"], "reply_to": values["reply_to"] or None}
    quote = values["quote"].strip()
    if not quote:
        return body
    where = passage(text, quote, values["passage_start"], values["passage_end"])
    if where is None:
        form.add("quote", "This passage is not in the draft: select it in the text, or copy it exactly.")
        return None
    return body | {"quote": text[where[0]:where[1]], "passage_start": where[0], "passage_end": where[1]}


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the draft page and its rating and comment forms."""

    def draft_page(draft_id: str, status: int = 200, **forms: Form):
        against = request.values.get("against")
        with ui.cursor() as cur:
            draft = cur.execute(pledge_reads.DRAFT + " WHERE draft_id = %s", [draft_id]).fetchone()
            if draft is None:
                abort(404, "There is no draft with this id.")
            detail = pledge_reads.draft_detail(cur, draft_id)
            rows = pledge_reads.ancestry(cur, draft_id)
            charter = cur.execute(pledge_reads.CHARTER + " WHERE charter_id = %s", [draft["charter_id"]]).fetchone()
        parents = [rows[p] for p in draft["parents"] if p in rows]
        parent = next((p for p in parents if p["draft_id"] == against), parents[0] if parents else None)
        diff = diff_words(parent["text"], draft["text"]) if parent else None
        principal = current_principal()
        return page("drafting/draft.html", status, draft=draft | detail, charter=charter,
                    open_round=pledge_reads.open_round(charter) if charter else None, parents=parents,
                    parent=parent, diff=diff, is_author=principal is not None and principal.account_id ==
                    draft["author"], rate_form=forms.get("rate_form", Form()),
                    comment_form=forms.get("comment_form", Form()), blank=Form())

    @bp.get("/drafts/<uuid:draft_id>")
    def draft(draft_id):
        return draft_page(str(draft_id))

    @bp.post("/drafts/<uuid:draft_id>/rating")
    def rate_draft(draft_id):
        require_account(back=f"/drafts/{draft_id}")
        stars = request.form.get("stars", "")
        form = Form({"stars": stars})
        if stars not in ("1", "2", "3", "4", "5"):
            return draft_page(str(draft_id), 422, rate_form=form.add("stars", "Choose from 1 to 5 stars."))
        outcome = ui.command("PUT", f"/drafts/{draft_id}/rating", {"stars": int(stars)})
        if not outcome.ok:
            return draft_page(str(draft_id), outcome.status, rate_form=form.refused(outcome))
        return done("ui.draft", "rated", outcome, draft_id=draft_id)

    @bp.post("/drafts/<uuid:draft_id>/comments")
    def comment_on_draft(draft_id):
        require_account(back=f"/drafts/{draft_id}")
        form = Form({n: request.form.get(n, "") for n in ("body", "quote", "passage_start", "passage_end",
                                                          "reply_to")})
        with ui.cursor() as cur:
            found = cur.execute(pledge_reads.DRAFT + " WHERE draft_id = %s", [str(draft_id)]).fetchone()
        if found is None:
            abort(404, "There is no draft with this id.")
        body = comment_body(found["text"], form)
        if body is None:
            return draft_page(str(draft_id), 422, comment_form=form)
        outcome = ui.command("POST", f"/drafts/{draft_id}/comments", body)
        if not outcome.ok:
            return draft_page(str(draft_id), outcome.status, comment_form=form.refused(outcome))
        return done("ui.draft", "commented", outcome, draft_id=draft_id, _anchor="comments")
