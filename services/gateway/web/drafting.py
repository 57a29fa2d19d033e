"""Drafting a charter: its page with the ranked drafts, and proposing a draft or a remix of several."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, request

from ..edge.paging import page_args
from ..readmodels import pledge_reads
from . import drafts
from .home import charter_summary
from .web import Form, Ui, done, form_values, page, require_account

MAX_PARENTS = 10
DRAFT = {"title": "the title", "text": "the text of the charter", "change_summary": "what you changed, and why"}


def parent_ids(values: list[str]) -> list[str]:
    """The distinct draft ids among `values` (anything else is ignored), at most ten."""
    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return list(dict.fromkeys(found))[:MAX_PARENTS]


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the charter and draft pages."""
    drafts.register(bp, ui)

    @bp.get("/charters/<uuid:charter_id>")
    def charter(charter_id):
        limit, offset = page_args()
        round_number = pledge_reads.positive_int(request.args.get("round"), "round")
        with ui.cursor() as cur:
            summary = charter_summary(cur, str(charter_id))
            if summary is None:
                abort(404, "There is no charter with this id.")
            ranked, total = pledge_reads.ranked(cur, str(charter_id), round_number, limit, offset)
        return page("drafting/charter.html", charter=summary, ranked=ranked, total=total, limit=limit,
                    offset=offset, round_number=round_number)

    def propose_page(charter_id: str, form: Form, status: int = 200):
        with ui.cursor() as cur:
            summary = charter_summary(cur, charter_id)
            if summary is None:
                abort(404, "There is no charter with this id.")
            parents = cur.execute(pledge_reads.DRAFT + " WHERE draft_id = ANY(%s) AND charter_id = %s ORDER BY"
                                  " proposed_at", [form.values["parents"], charter_id]).fetchall()
        return page("drafting/propose.html", status, charter=summary, form=form, parents=parents)

    @bp.get("/charters/<uuid:charter_id>/drafts/new")
    def propose_draft(charter_id):
        require_account()
        form = Form({"parents": parent_ids(request.args.getlist("parent")), "title": "", "change_summary": ""})
        with ui.cursor() as cur:
            rows = cur.execute(pledge_reads.DRAFT + " WHERE draft_id = ANY(%s) ORDER BY proposed_at",
                               [form.values["parents"]])
            texts = [r["text"] for r in rows]
        form.values["text"] = "\n\n".join(texts)
        return propose_page(str(charter_id), form)

    @bp.post("/charters/<uuid:charter_id>/drafts/new")
    def propose_draft_post(charter_id):
        require_account(back=f"/charters/{charter_id}/drafts/new")
        form = Form(form_values("title", "text", "change_summary") | {
            "parents": parent_ids(request.form.getlist("parent"))}, labels=DRAFT)
        outcome = ui.command("POST", f"/charters/{charter_id}/drafts", form.values)
        if not outcome.ok:
            return propose_page(str(charter_id), form.refused(outcome), outcome.status)
        return done("ui.draft", "draft_proposed", outcome, draft_id=outcome.body["draft_id"])
