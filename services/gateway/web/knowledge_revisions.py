"""Restoring an older revision from a page's history: a new revision, based on the one the person saw."""

from __future__ import annotations

from flask import Blueprint

from ..readmodels.knowledge_reads import KINDS, page_view, require_page
from .knowledge import PAGE_PATH
from .web import Form, Ui, done, form_values, page, require_account


def as_number(text: str) -> int | str:
    """A revision number as typed: a whole number, or the text for the service to refuse by name."""
    return int(text) if text.isdigit() else text


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the form that restores a revision."""

    @bp.post(f"{PAGE_PATH}/restore")
    def restore_revision(kinds, item_id):
        require_account(back=f"/{kinds}/{item_id}/history")
        form = Form(form_values("revision", "based_on_revision", "summary"))
        body = {name: as_number(form.values[name]) for name in ("revision", "based_on_revision")}
        outcome = ui.command("POST", f"/{kinds}/{item_id}/restorations", body | {"summary": form.values["summary"]})
        if outcome.ok:
            return done("ui.knowledge_item", "revision_restored", outcome, kinds=kinds, item_id=item_id)
        conflict = outcome.body if outcome.body.get("code") == "stale_revision" else None
        if conflict:  # show what changed since, and let a second try be based on the latest revision
            form.values["based_on_revision"] = str(conflict["latest_revision"])
        with ui.cursor() as cur:
            row = require_page(cur, KINDS[kinds], str(item_id))
        return page("knowledge/restore.html", outcome.status, kinds=kinds, item_id=str(item_id), item=page_view(row),
                    form=form.refused(outcome), conflict=conflict)
