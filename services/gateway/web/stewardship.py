"""The stewards' screen: create charters, open and close drafting rounds, adopt versions, approve pilots."""

from __future__ import annotations

from flask import Blueprint, request

from shared.contract.vocabulary import STEWARD

from ..readmodels import pilot_reads, pledge_reads
from .web import Form, Ui, done, form_values, page, require_role


def end_of_day(day: str) -> str | None:
    """A closing date typed as YYYY-MM-DD, as the end of that day in UTC; None when blank."""
    return f"{day.strip()}T23:59:59Z" if day.strip() else None


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the stewardship screen and its forms."""

    def screen(status: int = 200, **forms: Form):
        require_role(STEWARD, back="/stewardship")
        with ui.cursor() as cur:
            # Every steward runs every charter's rounds, not only the ones they created; newest first.
            charters = cur.execute(pledge_reads.CHARTER + " ORDER BY created_at DESC, charter_id LIMIT 100").fetchall()
            for charter in charters:
                charter["open_round"] = pledge_reads.open_round(charter)
                charter["current_version"] = pledge_reads.version(cur, charter["charter_id"])
                charter["ranked"], _ = pledge_reads.ranked(cur, charter["charter_id"], charter["round_number"], 10, 0)
            proposed, _ = pilot_reads.dashboard(cur, "proposed", None, 50, 0)
        return page("stewardship.html", status, charters=charters, proposed=proposed, forms=forms, Form=Form)

    def act(path: str, body: dict, key: str, notice: str, endpoint: str = "ui.stewardship", **values):
        require_role(STEWARD, back="/stewardship")
        outcome = ui.command("POST", path, body)
        if not outcome.ok:
            form = Form({k: v for k, v in body.items() if v}).refused(outcome, {"closes_at": "closes_on"})
            return screen(outcome.status, **{key: form})
        return done(endpoint, notice, outcome, **values)

    @bp.get("/stewardship")
    def stewardship():
        return screen()

    @bp.post("/stewardship/charters")
    def create_charter():
        require_role(STEWARD, back="/stewardship")
        form = form_values("title", "purpose")
        outcome = ui.command("POST", "/charters", form)
        if not outcome.ok:
            labels = {"title": "the title", "purpose": "the purpose"}
            return screen(outcome.status, create=Form(form, labels=labels).refused(outcome))
        return done("ui.charter", "charter_changed", outcome, charter_id=outcome.body["charter_id"])

    @bp.post("/stewardship/charters/<uuid:charter_id>/rounds/open")
    def open_round(charter_id):
        body = {"closes_at": end_of_day(request.form.get("closes_on", ""))}
        return act(f"/charters/{charter_id}/rounds", body, f"round-{charter_id}", "charter_changed")

    @bp.post("/stewardship/charters/<uuid:charter_id>/rounds/close")
    def close_round(charter_id):
        return act(f"/charters/{charter_id}/rounds/close", {}, f"round-{charter_id}", "charter_changed")

    @bp.post("/stewardship/charters/<uuid:charter_id>/adopt")
    def adopt_version(charter_id):
        body = {"draft_id": request.form.get("draft_id", "")}
        return act(f"/charters/{charter_id}/versions", body, f"adopt-{charter_id}", "charter_changed")

    @bp.post("/stewardship/pilots/<uuid:pilot_id>/approve")
    def approve_pilot(pilot_id):
        return act(f"/pilots/{pilot_id}/approval", {}, f"approve-{pilot_id}", "pilot_changed", "ui.pilot",
                   pilot_id=pilot_id)
