"""Pilots: the dashboard with progress bars and charts, pilot pages with timelines, proposing and reporting."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, request

from shared.contract.vocabulary import NEXT_STATUSES, PILOT_LEAD
from shared.db import DictCursor

from ..edge.auth import current_principal
from ..edge.paging import page_args
from ..readmodels import organisation_reads, pilot_reads
from ..readmodels.knowledge_reads import SOLUTIONS_OF
from ..readmodels.organisation_reads import STATUSES, pilot_status
from .web import Form, Ui, done, form_values, page, require_account, require_role

PROPOSAL = ("organisation_id", "title", "aims", "sponsor_name", "sponsor_role", "start_date", "planned_end_date")
# Barriers a lead may still target: visible ones whose title holds what they searched for, not yet targeted.
TARGETABLE = (
    "SELECT p.item_id, p.title FROM kb_pages p WHERE p.kind = 'barrier' AND NOT p.hidden AND p.revision IS NOT NULL"
    " AND position(lower(%(q)s) in lower(p.title)) > 0"
    " AND p.item_id NOT IN (SELECT barrier_id FROM pilot_barriers WHERE pilot_id = %(pilot_id)s)"
    " ORDER BY p.title, p.item_id LIMIT 50"
)


def number(text: str) -> int | float | None:
    """A typed number (whole or decimal), or None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return int(value) if value.is_integer() and "." not in text else value


def report_body(form: Form) -> dict[str, Any] | None:
    """The progress report's body: its day (today if blank), text and at most one reading; None if that is no number."""
    values = form.values
    body: dict[str, Any] = {"text": values["text"], "metrics": []}
    if values["reported_on"].strip():
        body["reported_on"] = values["reported_on"].strip()
    if not values["metric_name"].strip():
        return body
    value = number(values["metric_value"])
    if value is None:
        form.add("metric_value", "Give the reading as a number, e.g. 12 or 3.5.")
        return None
    body["metrics"].append({"name": values["metric_name"].strip(), "value": value,
                            "unit": values["metric_unit"].strip() or "count"})
    return body


def lead_choices(cur: DictCursor, pilot: dict[str, Any], query: str) -> dict[str, Any]:
    """What the lead's forms offer: barriers to target, each targeted barrier's next statuses and solutions."""
    found = cur.execute(TARGETABLE, {"q": query, "pilot_id": pilot["pilot_id"]}).fetchall()
    solutions = {b["barrier_id"]: {"": "Choose the solution applied"} | {
        s["solution_id"]: s["title"] for s in cur.execute(SOLUTIONS_OF, [b["barrier_id"]])} for b in pilot["barriers"]}
    return {"query": query, "barriers": {r["item_id"]: r["title"] for r in found}, "solutions": solutions,
            "next": {b["barrier_id"]: [str(s) for s in NEXT_STATUSES.get(b["status"], ())] for b in pilot["barriers"]}}


def dated(outcome: dict[str, Any] | None) -> dict[str, Any] | None:
    """An outcome with its days as dates, for the `when` macro (the read model keeps the events' ISO text)."""
    if outcome is None:
        return None
    return outcome | {k: date.fromisoformat(outcome[k]) for k in ("recorded_on", "verified_on")
                      if isinstance(outcome.get(k), str)}


def pilot_page(ui: Ui, pilot_id: str, status: int = 200, **forms: Form):
    """A pilot's page, with the forms its reader may use and any of them that need their errors shown."""
    principal = current_principal()
    with ui.cursor() as cur:
        pilot = pilot_reads.pilot_page(cur, pilot_id)
        if pilot is None:
            abort(404, "There is no pilot with this id.")
        pilot["outcome"] = dated(pilot["outcome"])
        series = pilot_reads.metric_series(cur, pilot_id)
        is_lead = principal is not None and principal.account_id in pilot["leads"]
        choices = lead_choices(cur, pilot, request.args.get("barrier_q", "").strip()[:200]) if is_lead else {}
    is_member = principal is not None and principal.account_id in {*pilot["leads"], pilot["proposed_by"]}
    # The steward who approved a pilot is not its independent verifier, so is not offered the form.
    approved_it = principal is not None and principal.account_id == pilot["approved_by"]
    return page("pilots/pilot.html", status, pilot=pilot, series=series, is_lead=is_lead, is_member=is_member,
                approved_it=approved_it, choices=choices, forms=forms, form_for=lambda key: forms.get(key) or Form())


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the pilots pages."""

    @bp.get("/pilots")
    def pilots_dashboard():
        limit, offset = page_args()
        status = pilot_status(request.args.get("status"))
        with ui.cursor() as cur:
            items, total = pilot_reads.dashboard(cur, status, None, limit, offset)
            series = {p["pilot_id"]: pilot_reads.metric_series(cur, p["pilot_id"]) for p in items}
            figures = organisation_reads.figures(cur)
        return page("pilots/dashboard.html", items=items, total=total, limit=limit, offset=offset, status=status,
                    statuses=STATUSES, series=series, figures=figures)

    @bp.get("/pilots/<uuid:pilot_id>")
    def pilot(pilot_id):
        return pilot_page(ui, str(pilot_id))

    @bp.route("/pilots/new", methods=["GET", "POST"])
    def propose_pilot():
        principal = require_role(PILOT_LEAD, back="/pilots/new")
        with ui.cursor() as cur:
            memberships = organisation_reads.memberships_of(cur, principal.account_id)
        mine = {m["organisation_id"]: m["name"] for m in memberships}
        if request.method == "GET":
            return page("pilots/propose.html", mine=mine,
                        form=Form({"organisation_id": request.args.get("organisation", "")}))
        form = Form(form_values(*PROPOSAL, "other_leads"))
        leads = [principal.account_id, *(x.strip() for x in form.values["other_leads"].splitlines() if x.strip())]
        body = {k: form.values[k].strip() for k in PROPOSAL} | {"leads": leads}
        outcome = ui.command("POST", "/pilots", body)
        if not outcome.ok:
            return page("pilots/propose.html", outcome.status, mine=mine,
                        form=form.refused(outcome, {"leads": "other_leads"}))
        return done("ui.pilot", "pilot_proposed", outcome, pilot_id=outcome.body["pilot_id"])

    @bp.post("/pilots/<uuid:pilot_id>/reports")
    def report_progress(pilot_id):
        require_account(back=f"/pilots/{pilot_id}")
        form = Form(form_values("reported_on", "text", "metric_name", "metric_value", "metric_unit"))
        body = report_body(form)
        if body is None:
            return pilot_page(ui, str(pilot_id), 422, report=form)
        outcome = ui.command("POST", f"/pilots/{pilot_id}/reports", body)
        if not outcome.ok:
            form.refused(outcome, {"metrics": "metric_value"})
            return pilot_page(ui, str(pilot_id), outcome.status, report=form)
        return done("ui.pilot", "progress_reported", outcome, pilot_id=pilot_id)

    @bp.post("/pilots/<uuid:pilot_id>/start")
    def start_pilot(pilot_id):
        require_account(back=f"/pilots/{pilot_id}")
        outcome = ui.command("POST", f"/pilots/{pilot_id}/start", {})
        if not outcome.ok:
            return pilot_page(ui, str(pilot_id), outcome.status, start=Form().refused(outcome))
        return done("ui.pilot", "pilot_changed", outcome, pilot_id=pilot_id)
