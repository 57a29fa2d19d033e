"""Pilots: the dashboard with progress bars and charts, pilot pages with timelines, proposing and reporting."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request

from ..api import organisation_reads, pilot_reads
from ..api.organisation_reads import STATUSES
from ..api.paging import page_args
from ..api.pilots import status_arg
from ..auth import current_principal
from .web import Form, Ui, done, form_values, page, require_account

PROPOSAL = ("organisation_id", "title", "aims", "sponsor_name", "sponsor_role", "start_date", "planned_end_date")


def number(text: str) -> int | float | None:
    """A typed number (whole or decimal), or None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return int(value) if value.is_integer() and "." not in text else value


def report_body(form: Form) -> dict[str, Any] | None:
    """The progress report's body: its text and at most one metric reading; None when the reading is not a number."""
    values = form.values
    body: dict[str, Any] = {"text": values["text"], "metrics": []}
    if not values["metric_name"].strip():
        return body
    value = number(values["metric_value"])
    if value is None:
        form.add("metric_value", "Give the reading as a number, e.g. 12 or 3.5.")
        return None
    body["metrics"].append({"name": values["metric_name"].strip(), "value": value,
                            "unit": values["metric_unit"].strip() or "count"})
    return body


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the pilots pages."""

    @bp.get("/pilots")
    def pilots_dashboard():
        limit, offset = page_args()
        status = status_arg()
        with ui.cursor() as cur:
            items, total = pilot_reads.dashboard(cur, status, None, limit, offset)
            series = {p["pilot_id"]: pilot_reads.metric_series(cur, p["pilot_id"]) for p in items}
            figures = organisation_reads.figures(cur)
        return page("pilots/dashboard.html", items=items, total=total, limit=limit, offset=offset, status=status,
                    statuses=STATUSES, series=series, figures=figures)

    def pilot_page(pilot_id: str, status: int = 200, report_form: Form | None = None):
        with ui.cursor() as cur:
            pilot = pilot_reads.pilot_page(cur, pilot_id)
            series = pilot_reads.metric_series(cur, pilot_id)
        if pilot is None:
            abort(404, "There is no pilot with this id.")
        principal = current_principal()
        is_lead = principal is not None and principal.account_id in pilot["leads"]
        return page("pilots/pilot.html", status, pilot=pilot, series=series, is_lead=is_lead,
                    report_form=report_form or Form())

    @bp.get("/pilots/<uuid:pilot_id>")
    def pilot(pilot_id):
        return pilot_page(str(pilot_id))

    @bp.route("/pilots/new", methods=["GET", "POST"])
    def propose_pilot():
        principal = require_account(back="/pilots/new")
        if request.method == "GET":
            return page("pilots/propose.html", form=Form({"organisation_id": request.args.get("organisation", "")}))
        form = Form(form_values(*PROPOSAL, "other_leads"))
        leads = [principal.account_id, *(x.strip() for x in form.values["other_leads"].splitlines() if x.strip())]
        body = {k: form.values[k].strip() for k in PROPOSAL} | {"leads": leads}
        outcome = ui.command("POST", "/pilots", body)
        if not outcome.ok:
            return page("pilots/propose.html", outcome.status, form=form.refused(outcome, {"leads": "other_leads"}))
        return done("ui.pilot", "pilot_proposed", outcome, pilot_id=outcome.body["pilot_id"])

    @bp.post("/pilots/<uuid:pilot_id>/reports")
    def report_progress(pilot_id):
        require_account(back=f"/pilots/{pilot_id}")
        form = Form(form_values("text", "metric_name", "metric_value", "metric_unit"))
        body = report_body(form)
        if body is None:
            return pilot_page(str(pilot_id), 422, form)
        outcome = ui.command("POST", f"/pilots/{pilot_id}/reports", body)
        if not outcome.ok:
            return pilot_page(str(pilot_id), outcome.status, form.refused(outcome, {"metrics": "metric_value"}))
        return done("ui.pilot", "progress_reported", outcome, pilot_id=pilot_id)

    @bp.post("/pilots/<uuid:pilot_id>/start")
    def start_pilot(pilot_id):
        require_account(back=f"/pilots/{pilot_id}")
        outcome = ui.command("POST", f"/pilots/{pilot_id}/start", {})
        if not outcome.ok:
            return pilot_page(str(pilot_id), outcome.status, Form().refused(outcome))
        return done("ui.pilot", "pilot_changed", outcome, pilot_id=pilot_id)
