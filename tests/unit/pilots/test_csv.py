from datetime import date

import pytest

from services.pilots.domain.csv_import import METRIC_COLUMNS, MILESTONE_COLUMNS, export_metrics, export_milestones
from services.pilots.domain.errors import CsvRejected
from services.pilots.domain.milestones import ImportMilestones, MilestoneAdded, decide_import_milestones
from services.pilots.domain.progress import ImportProgress, ProgressReported, decide_import_progress
from shared.contract.pilot_files import METRIC_CELLS, METRICS_EXAMPLE, MILESTONE_CELLS, MILESTONES_EXAMPLE

from .builders import LEAD, PILOT, pilot_in

TODAY = date(2025, 7, 1)
MILESTONES = """milestone_id,title,due_date,done_date
m-1,First staff survey,2025-05-01,2025-05-03
m-2,"Tools rolled out,
to every team",2025-06-01,
,Second survey,2025-09-01,
"""
METRICS = """reported_on,metric,value,unit
2025-05-01,staff using the new collaboration tools,140,people
2025-06-01,staff using the new collaboration tools,212,people
2025-06-01,photos published,2.5,thousand
"""


def import_milestones(pilot, text: str):
    return decide_import_milestones(pilot, ImportMilestones(PILOT, "imp-1", text, LEAD), TODAY)


def import_metrics(pilot, text: str):
    return decide_import_progress(pilot, ImportProgress(PILOT, "imp-2", text, LEAD), TODAY)


def test_a_milestones_file_with_bad_rows_is_refused_whole_with_the_line_of_each_problem():
    bad = MILESTONES + "m-4,Launch,2025-03-01,\nm-5,,2025-08-01,soon\nm-1,Twice,2025-08-01,\n"

    with pytest.raises(CsvRejected) as refused:
        import_milestones(pilot_in("active"), bad)

    found = [(e.line, e.field) for e in refused.value.errors]
    assert found == [(6, "due_date"), (7, "title"), (7, "done_date"), (8, "milestone_id")]


def test_a_metrics_file_with_bad_rows_is_refused_whole_with_the_line_of_each_problem():
    bad = METRICS + "2025-08-01,visitors,12,people\n2025-06-02,visitors,many,people\n2025-06-02,visitors,3\n"

    with pytest.raises(CsvRejected) as refused:
        import_metrics(pilot_in("active"), bad)

    found = [(e.line, e.field) for e in refused.value.errors]
    assert found == [(5, "reported_on"), (6, "value"), (7, None)]


@pytest.mark.parametrize(
    "text", ["", "title,due_date\nKick-off,2025-05-01\n", "milestone_id,title,due_date,done_date\n"]
)
def test_a_file_without_the_expected_header_or_rows_is_refused_at_line_one(text):
    pilot = pilot_in("active")

    with pytest.raises(CsvRejected) as refused:
        import_milestones(pilot, text)

    assert [e.line for e in refused.value.errors] == [1]


def test_done_dates_are_taken_only_for_an_active_pilot():
    pilot = pilot_in("approved")

    with pytest.raises(CsvRejected) as refused:
        import_milestones(pilot, MILESTONES)

    assert [(e.line, e.field) for e in refused.value.errors] == [(2, "done_date")]


def test_imported_milestones_get_ids_and_replace_milestones_with_the_same_id():
    pilot = pilot_in("active", MilestoneAdded(PILOT, "m-1", "Old title", "2025-04-20", LEAD))

    events = import_milestones(pilot, MILESTONES)

    milestones = pilot_in("active", MilestoneAdded(PILOT, "m-1", "Old title", "2025-04-20", LEAD), *events).milestones
    assert [(m.milestone_id, m.title) for m in milestones] == [
        ("m-1", "First staff survey"), ("m-2", "Tools rolled out,\nto every team"), ("imp-1-5", "Second survey")
    ]  # fmt: skip


def test_exported_milestones_import_back_to_the_same_milestones():
    pilot = pilot_in("active", *import_milestones(pilot_in("active"), MILESTONES))

    exported = export_milestones(pilot.milestones)
    again = pilot_in("active", *import_milestones(pilot_in("active"), exported))

    assert again.milestones == pilot.milestones
    assert export_milestones(again.milestones) == exported


def test_exported_metrics_import_back_without_duplicating_readings():
    report = ProgressReported(
        PILOT, "r-1", "2025-05-01", "Good start", ({"name": "teams", "value": 4, "unit": "teams"},), LEAD
    )
    pilot = pilot_in("active", report, *import_metrics(pilot_in("active", report), METRICS))

    exported = export_metrics(pilot.reports)
    again = pilot_in(
        "active", report, *import_metrics(pilot_in("active", report), METRICS), *import_metrics(pilot, exported)
    )

    assert again.reports == pilot.reports
    assert export_metrics(again.reports) == exported
    assert exported.splitlines()[2] == "2025-05-01,staff using the new collaboration tools,140,people"


def test_a_title_that_looks_like_a_formula_is_exported_inert_and_imported_back_as_typed():
    pilot = pilot_in("active", MilestoneAdded(PILOT, "m-1", '=HYPERLINK("x")', "2025-05-01", LEAD))

    exported = export_milestones(pilot.milestones)
    again = pilot_in("active", *import_milestones(pilot_in("active"), exported))

    assert "'=HYPERLINK" in exported
    assert again.milestones == pilot.milestones


def test_the_published_csv_formats_name_exactly_the_columns_the_import_reads():
    assert (tuple(MILESTONE_CELLS), tuple(METRIC_CELLS)) == (MILESTONE_COLUMNS, METRIC_COLUMNS)
    assert MILESTONES_EXAMPLE.split("\r\n")[0] == ",".join(MILESTONE_COLUMNS)
    assert METRICS_EXAMPLE.split("\r\n")[0] == ",".join(METRIC_COLUMNS)
