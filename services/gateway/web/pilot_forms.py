"""Running a pilot from its page: its leads target and move barriers, plan and tick off milestones, upload CSV
files, complete or stop it; a steward who is not part of it verifies its outcome."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, request

from shared.contract.vocabulary import COMPLETION_SCALE

from .pilots import pilot_page
from .web import Form, Ui, done, form_values, optional, require_account

OUTCOME = ("what_worked", "what_did_not", "lessons", "completion")
# How error messages name each form's fields, in its labels' words; a form's key before its first "-" picks it.
LABELS = {"target": {"barrier_id": "the barrier", "notes": "the notes"},
          "barrier": {"status": "the new status", "notes": "the notes", "solution_id": "the solution applied"},
          "milestone": {"title": "the milestone", "due_date": "the due date"},
          "done": {"done_date": "the date it was done"},
          "outcome": {"what_worked": "what worked", "what_did_not": "what did not work", "lessons": "the lessons",
                      "completion": "the completion"},
          "stop": {"reason": "why the pilot stops"},
          "verify": {"comment": "your comment as the verifying steward"}}
SOLUTION_TITLE = "SELECT title FROM kb_pages WHERE item_id = %s AND kind = 'solution' AND NOT hidden"


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the forms that run a pilot."""
    bp.add_app_template_global(COMPLETION_SCALE, "completion_scale")  # type: ignore[arg-type]  # a value, not a function

    def act(pilot_id, action: str, body: dict[str, Any], key: str, notice: str,
            values: dict[str, str] | None = None):
        """Send one command about the pilot; when refused, the pilot page again with that form's errors."""
        require_account(back=f"/pilots/{pilot_id}")
        outcome = ui.command("POST", f"/pilots/{pilot_id}/{action}", body)
        if not outcome.ok:
            form = Form(values if values is not None else {k: v for k, v in body.items() if isinstance(v, str)},
                        labels=LABELS.get(key.split("-")[0], {}))
            return pilot_page(ui, str(pilot_id), outcome.status, **{key: form.refused(outcome)})
        return done("ui.pilot", notice, outcome, pilot_id=pilot_id)

    def solution_title(solution_id: str | None) -> str | None:
        # The pilots service may not have heard of a brand-new solution yet: the title the knowledge base
        # shows goes with the command, so the barrier's evidence still names the solution.
        if solution_id is None:
            return None
        with ui.cursor() as cur:
            row = cur.execute(SOLUTION_TITLE, [solution_id]).fetchone()
        return row["title"][:200] if row and row["title"] else None

    @bp.post("/pilots/<uuid:pilot_id>/barriers")
    def target_barrier(pilot_id):
        return act(pilot_id, "barriers", form_values("barrier_id", "notes"), "target", "barrier_targeted")

    @bp.post("/pilots/<uuid:pilot_id>/barriers/<uuid:barrier_id>/status")
    def move_barrier(pilot_id, barrier_id):
        values = form_values("status", "notes", "solution_id")
        solution_id = optional(values["solution_id"])
        body = {"status": values["status"], "notes": values["notes"], "solution_id": solution_id,
                "solution_title": solution_title(solution_id)}
        return act(pilot_id, f"barriers/{barrier_id}/status", body, f"barrier-{barrier_id}", "barrier_moved", values)

    @bp.post("/pilots/<uuid:pilot_id>/milestones")
    def add_milestone(pilot_id):
        return act(pilot_id, "milestones", form_values("title", "due_date"), "milestone", "milestone_added")

    @bp.post("/pilots/<uuid:pilot_id>/milestones/<milestone_id>/done")
    def mark_milestone_done(pilot_id, milestone_id):
        values = form_values("done_date")
        return act(pilot_id, f"milestones/{quote(milestone_id, safe='')}/done",
                   {"done_date": optional(values["done_date"])}, f"done-{milestone_id}", "milestone_done", values)

    @bp.post("/pilots/<uuid:pilot_id>/<any(milestones, metrics):kind>/upload")
    def upload_csv(pilot_id, kind):
        """Send the chosen file on to the pilot's import as `text/csv`; a refusal lists its problems by line."""
        require_account(back=f"/pilots/{pilot_id}")
        chosen, key = request.files.get("csv"), f"{kind}_csv"
        if chosen is None or not chosen.filename:
            return pilot_page(ui, str(pilot_id), 422, **{key: Form().add("csv", "Choose a CSV file to upload.")})
        outcome = ui.upload(f"/pilots/{pilot_id}/{kind}/import", chosen.read(), "text/csv; charset=utf-8")
        if not outcome.ok:
            return pilot_page(ui, str(pilot_id), outcome.status, **{key: Form().refused(outcome)})
        return done("ui.pilot", "csv_imported", outcome, pilot_id=pilot_id)

    @bp.post("/pilots/<uuid:pilot_id>/outcome")
    def record_outcome(pilot_id):
        """Complete an active pilot when the form says so, then record (or revise) its self-reported outcome."""
        require_account(back=f"/pilots/{pilot_id}")
        values = form_values(*OUTCOME)
        if request.form.get("complete"):
            completed = ui.command("POST", f"/pilots/{pilot_id}/completion", {})
            if not completed.ok:
                return pilot_page(ui, str(pilot_id), completed.status, outcome=Form(values).refused(completed))
            # Completed now: a second try must only record the outcome, even if the page still reads "active".
            values["complete"] = ""
        return act(pilot_id, "outcome", {k: values[k] for k in OUTCOME}, "outcome", "outcome_recorded", values)

    @bp.post("/pilots/<uuid:pilot_id>/stop")
    def stop_pilot(pilot_id):
        return act(pilot_id, "stop", form_values("reason"), "stop", "pilot_stopped")

    @bp.post("/pilots/<uuid:pilot_id>/outcome/verification")
    def verify_outcome(pilot_id):
        return act(pilot_id, "outcome/verification", form_values("comment"), "verify", "outcome_verified")
