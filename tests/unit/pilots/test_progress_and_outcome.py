from datetime import date

import pytest

from services.pilots.domain.errors import IllegalTransition, NotIndependent
from services.pilots.domain.outcomes import (
    OutcomeRecorded,
    OutcomeVerified,
    RecordOutcome,
    VerifyOutcome,
    decide_record_outcome,
    decide_verify_outcome,
)
from services.pilots.domain.progress import ProgressImported, ReportProgress, decide_report_progress
from services.pilots.domain.state import Metric
from shared.errors import Conflict, Forbidden, Invalid

from .builders import LEAD, PILOT, PROPOSER, STEWARD, STEWARDS, VERIFIER, pilot_in

TODAY = date(2025, 6, 1)
STAFF = Metric("staff using the new collaboration tools", 140, "people")
SELF_RATED = OutcomeRecorded(PILOT, "Shared tools", "Photo policy", "Start with IT", "substantial", LEAD, "2025-12-21")


def test_a_progress_report_keeps_its_text_and_named_metrics_with_units():
    pilot = pilot_in("active")

    events = decide_report_progress(pilot, ReportProgress(PILOT, "r-1", "Going well", (STAFF,), LEAD), TODAY)

    [report] = pilot_in("active", *events).reports
    assert (report.reported_on, report.text, report.metrics) == (TODAY, "Going well", (STAFF,))


def test_a_metric_is_reported_once_a_day():
    imported = ProgressImported(PILOT, "imp-1", ({"reported_on": TODAY.isoformat(), "metric": STAFF.name,
                                                  "value": 120, "unit": "people"},), LEAD)  # fmt: skip

    with pytest.raises(Conflict) as refused:
        decide_report_progress(pilot_in("active", imported), ReportProgress(PILOT, "r-2", "", (STAFF,), LEAD), TODAY)

    assert refused.value.field == "metrics"


def test_an_empty_report_or_a_metric_without_a_unit_is_refused():
    pilot = pilot_in("active")

    with pytest.raises(Invalid):
        decide_report_progress(pilot, ReportProgress(PILOT, "r-1", " ", (), LEAD), TODAY)
    with pytest.raises(Invalid):
        decide_report_progress(pilot, ReportProgress(PILOT, "r-1", "", (Metric("staff", 3, ""),), LEAD), TODAY)


def test_an_outcome_is_rated_on_the_ogp_scale_once_the_pilot_ends():
    command = RecordOutcome(PILOT, "Shared tools", "Photo policy", "Start with IT", "mostly", LEAD)

    with pytest.raises(IllegalTransition):
        decide_record_outcome(pilot_in("active"), command, TODAY)
    with pytest.raises(Invalid) as off_scale:
        decide_record_outcome(pilot_in("completed"), command, TODAY)

    assert off_scale.value.field == "completion"


def test_an_unverified_outcome_is_self_reported():
    pilot = pilot_in("completed", SELF_RATED)

    assessment = pilot.outcome.assessment

    assert assessment == "self-reported"


def test_a_steward_outside_the_pilot_verifies_its_outcome():
    pilot = pilot_in("completed", SELF_RATED)

    events = decide_verify_outcome(pilot, VerifyOutcome(PILOT, VERIFIER, STEWARDS, "Checked on site"), TODAY)

    assert pilot_in("completed", SELF_RATED, *events).outcome.assessment == "verified"
    assert events[0].completion == "substantial"


@pytest.mark.parametrize("member", [LEAD, PROPOSER])
def test_verification_by_a_steward_who_is_part_of_the_pilot_is_refused(member):
    pilot = pilot_in("completed", SELF_RATED)

    with pytest.raises(NotIndependent):
        decide_verify_outcome(pilot, VerifyOutcome(PILOT, member, STEWARDS), TODAY)


def test_the_steward_who_approved_the_pilot_cannot_verify_its_outcome():
    pilot = pilot_in("completed", SELF_RATED)

    with pytest.raises(NotIndependent) as refused:
        decide_verify_outcome(pilot, VerifyOutcome(PILOT, STEWARD, STEWARDS), TODAY)

    assert "approved the pilot" in refused.value.message


def test_verification_by_someone_who_is_not_a_steward_is_refused():
    pilot = pilot_in("completed", SELF_RATED)

    with pytest.raises(Forbidden):
        decide_verify_outcome(pilot, VerifyOutcome(PILOT, "u-citizen", frozenset()), TODAY)


def test_a_revised_outcome_is_self_reported_again():
    verified = pilot_in("completed", SELF_RATED, OutcomeVerified(PILOT, "substantial", "", STEWARD, "2026-01-05"))
    command = RecordOutcome(PILOT, "Shared tools", "Photo policy", "Start with IT", "complete", LEAD)

    events = decide_record_outcome(verified, command, date(2026, 1, 6))

    revised = pilot_in(
        "completed", SELF_RATED, OutcomeVerified(PILOT, "substantial", "", STEWARD, "2026-01-05"), *events
    )
    assert (revised.outcome.completion, revised.outcome.assessment) == ("complete", "self-reported")
