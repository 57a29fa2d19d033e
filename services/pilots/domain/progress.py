"""A pilot's progress: dated reports with text and named metrics, also imported as CSV readings."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

from shared.errors import Conflict, Invalid
from shared.events import Event

from .csv_import import parse_metrics
from .errors import OutsidePilotDates, UnitChanged
from .state import (
    Metric,
    Pilot,
    ProgressReport,
    Status,
    outside_dates,
    require_member,
    require_pilot,
    require_status,
)

STREAM_TYPE = "pilot"


@dataclass(frozen=True)
class ProgressReported(Event):
    """Each metric is a dict of name, value and unit."""

    pilot_id: str
    report_id: str
    reported_on: str
    text: str
    metrics: tuple[dict, ...]
    reported_by: str


@dataclass(frozen=True)
class ProgressImported(Event):
    """Each reading is a dict of reported_on, metric, value and unit."""

    pilot_id: str
    import_id: str
    readings: tuple[dict, ...]
    imported_by: str


@dataclass(frozen=True)
class ReportProgress:
    """A report on the day it names (`reported_on`), or on today when it names none."""

    pilot_id: str
    report_id: str
    text: str
    metrics: tuple[Metric, ...]
    actor: str
    reported_on: date | None = None


@dataclass(frozen=True)
class ImportProgress:
    pilot_id: str
    import_id: str
    csv_text: str
    actor: str


def evolve(pilot: Pilot, event: Event) -> Pilot:
    """Apply one progress event to the pilot; other events leave it unchanged."""
    match event:
        case ProgressReported():
            metrics = tuple(Metric(m["name"], m["value"], m["unit"]) for m in event.metrics)
            report = ProgressReport(
                event.report_id, date.fromisoformat(event.reported_on), event.text, metrics, event.reported_by
            )
            return replace(pilot, reports=pilot.reports + (report,))
        case ProgressImported():
            return _imported(pilot, event)
    return pilot


def _imported(pilot: Pilot, event: ProgressImported) -> Pilot:
    """A reading replaces the one already held for its metric and day; the rest join a report per day."""
    reports = list(pilot.reports)
    fresh: dict[date, list[Metric]] = {}
    for row in event.readings:
        day, metric = date.fromisoformat(row["reported_on"]), Metric(row["metric"], row["value"], row["unit"])
        at = next((i for i, r in enumerate(reports) if _holds(r, day, metric.name)), None)
        if at is None:
            fresh.setdefault(day, []).append(metric)
            continue
        updated = tuple(metric if m.name == metric.name else m for m in reports[at].metrics)
        reports[at] = replace(reports[at], metrics=updated)
    for day, metrics in fresh.items():
        report_id = f"{event.import_id}-{day.isoformat()}"
        reports.append(ProgressReport(report_id, day, "", tuple(metrics), event.imported_by, imported=True))
    return replace(pilot, reports=tuple(reports))


def _holds(report: ProgressReport, day: date, name: str) -> bool:
    return report.reported_on == day and any(m.name == name for m in report.metrics)


def decide_report_progress(state: Pilot | None, command: ReportProgress, today: date) -> list[Event]:
    """File a report on an active pilot, one per day: text, metrics with units, or both."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.ACTIVE,), "report progress")
    if any(r.report_id == command.report_id for r in pilot.reports):
        raise Conflict("a report with this id exists", field="report_id")
    if not command.text.strip() and not command.metrics:
        raise Invalid("a report needs text or metrics", field="text")
    day = command.reported_on or today
    if outside := outside_dates(day, today, pilot.starts_on, pilot.ended_on):
        raise OutsidePilotDates(f"the report's date {outside}", field="reported_on")
    # One filed report per day: a second is refused, never merged or replaced, so what a lead published
    # stays as published; a report for another day names its own date.
    if any(r.reported_on == day and not r.imported for r in pilot.reports):
        raise Conflict(f"a progress report for {day} is already filed; date this one another day", field="reported_on")
    _check_metrics(pilot, command.metrics, day)
    metrics = tuple({"name": m.name, "value": m.value, "unit": m.unit} for m in command.metrics)
    return [ProgressReported(pilot.pilot_id, command.report_id, day.isoformat(), command.text, metrics, command.actor)]


def _check_metrics(pilot: Pilot, metrics: tuple[Metric, ...], day: date) -> None:
    # One reading per metric per day keeps the CSV export free of duplicates, so it can be re-imported.
    names, units = [m.name for m in metrics], pilot.metric_units()
    for metric in metrics:
        if not metric.name.strip() or not metric.unit.strip():
            raise Invalid("each metric needs a name and a unit", field="metrics")
        if isinstance(metric.value, bool) or not math.isfinite(metric.value):
            raise Invalid(f"{metric.name} needs a finite number", field="metrics")
        if units.setdefault(metric.name, metric.unit) != metric.unit:
            raise UnitChanged(f"{metric.name} is measured in {units[metric.name]}, not {metric.unit}", field="metrics")
        if names.count(metric.name) > 1 or any(_holds(r, day, metric.name) for r in pilot.reports):
            raise Conflict(f"{metric.name} is already reported for {day}", field="metrics")


def decide_import_progress(state: Pilot | None, command: ImportProgress, today: date) -> list[Event]:
    """Take metric readings from CSV; a reading for a metric and day already held replaces it."""
    pilot = require_pilot(state)
    require_member(pilot, command.actor)
    require_status(pilot, (Status.ACTIVE,), "report progress")
    rows = parse_metrics(command.csv_text, today, pilot.starts_on, pilot.ended_on, pilot.metric_units())
    readings = tuple(
        {"reported_on": r.reported_on.isoformat(), "metric": r.metric, "value": r.value, "unit": r.unit} for r in rows
    )
    return [ProgressImported(pilot.pilot_id, command.import_id, readings, command.actor)]
