"""Reports carry their date, within the pilot's dates, and a metric keeps the unit of its first reading."""

from datetime import date

import pytest

from services.pilots.domain.errors import CsvRejected, OutsidePilotDates, UnitChanged
from services.pilots.domain.progress import (
    ImportProgress,
    ReportProgress,
    decide_import_progress,
    decide_report_progress,
)
from services.pilots.domain.state import Metric
from shared.errors import Conflict

from .builders import LEAD, PILOT, START, pilot_in

TODAY = date(2025, 6, 1)
STAFF = Metric("staff using shared tools", 140, "people")
HEADER = "reported_on,metric,value,unit\n"


def report(on: date | None, *metrics: Metric, report_id: str = "r-1", text: str = "Going well") -> ReportProgress:
    return ReportProgress(PILOT, report_id, text, metrics, LEAD, reported_on=on)


def import_metrics(pilot, text: str):
    return decide_import_progress(pilot, ImportProgress(PILOT, "imp-1", HEADER + text, LEAD), TODAY)


def test_a_report_is_dated_the_day_it_reports_on_or_today():
    pilot = pilot_in("active")

    dated = decide_report_progress(pilot, report(date(2025, 5, 12), STAFF), TODAY)
    undated = decide_report_progress(pilot, report(None, report_id="r-2"), TODAY)

    assert [e.reported_on for e in dated + undated] == ["2025-05-12", "2025-06-01"]


def test_reports_for_different_days_are_both_taken():
    first = decide_report_progress(pilot_in("active"), report(date(2025, 5, 31), STAFF), TODAY)

    second = decide_report_progress(pilot_in("active", *first), report(None, STAFF, report_id="r-2"), TODAY)

    days = [r.reported_on for r in pilot_in("active", *first, *second).reports]
    assert days == [date(2025, 5, 31), TODAY]


def test_a_second_report_for_the_same_date_is_refused_naming_the_date():
    first = decide_report_progress(pilot_in("active"), report(None), TODAY)

    with pytest.raises(Conflict) as refused:
        decide_report_progress(pilot_in("active", *first), report(TODAY, report_id="r-2"), TODAY)

    assert refused.value.field == "reported_on" and "2025-06-01" in refused.value.message


@pytest.mark.parametrize("day", [date(2025, 6, 2), date(2025, 3, 31)], ids=["in the future", "before the start"])
def test_a_report_dated_outside_the_pilot_is_refused_naming_the_date(day):
    with pytest.raises(OutsidePilotDates) as refused:
        decide_report_progress(pilot_in("active"), report(day), TODAY)

    assert refused.value.field == "reported_on" and day.isoformat() in refused.value.message


def test_a_metric_reported_in_another_unit_than_its_first_reading_is_refused_naming_both():
    first = decide_report_progress(
        pilot_in("active"), report(date(2025, 5, 1), Metric("adoption", 5, "percent")), TODAY
    )

    with pytest.raises(UnitChanged) as refused:
        decide_report_progress(
            pilot_in("active", *first), report(None, Metric("adoption", 60, "people"), report_id="r-2"), TODAY
        )

    assert refused.value.field == "metrics"
    assert refused.value.message == "adoption is measured in percent, not people"


def test_an_imported_reading_in_another_unit_than_the_first_is_refused_with_its_line():
    first = decide_report_progress(
        pilot_in("active"), report(date(2025, 5, 1), Metric("adoption", 5, "percent")), TODAY
    )

    with pytest.raises(CsvRejected) as refused:
        import_metrics(pilot_in("active", *first), "2025-05-02,adoption,6,percent\n2025-05-03,adoption,60,people\n")

    [error] = refused.value.errors
    assert (error.line, error.field, error.message) == (3, "unit", "adoption is measured in percent, not people")


def test_one_file_cannot_give_a_metric_two_units():
    with pytest.raises(CsvRejected) as refused:
        import_metrics(pilot_in("active"), "2025-05-02,adoption,6,percent\n2025-05-03,adoption,60,people\n")

    assert [(e.line, e.field) for e in refused.value.errors] == [(3, "unit")]


def test_imported_readings_from_before_the_pilot_started_are_refused_with_their_line():
    before = date(2025, 3, 31)

    with pytest.raises(CsvRejected) as refused:
        import_metrics(pilot_in("active"), f"{START},visitors,12,people\n{before},visitors,3,people\n")

    [error] = refused.value.errors
    assert (error.line, error.field) == (3, "reported_on") and f"before the pilot started on {START}" in error.message
