import pytest

from services.knowledge.domain.evidence import (
    RecordRemovalEvidence,
    decide_record_removal_evidence,
)
from shared.errors import Invalid

from .builders import T0, act, barrier, solution

PILOTS = "pilots-consumer"
REPORT = RecordRemovalEvidence(
    PILOTS, "pilot-7", "Leeds goes interactive", "Leeds City Council", "sol-1", "Photo policy"
)


def test_a_pilot_reporting_the_barrier_removed_is_shown_as_evidence():
    page = barrier()

    evidenced = act(page, decide_record_removal_evidence, REPORT)

    evidence = evidenced.evidence[0]
    assert (evidence.pilot_title, evidence.organisation, evidence.solution_title) == (
        "Leeds goes interactive",
        "Leeds City Council",
        "Photo policy",
    )


def test_the_same_pilot_report_delivered_twice_is_recorded_once():
    page = act(barrier(), decide_record_removal_evidence, REPORT)

    events = decide_record_removal_evidence(page, REPORT, now=T0)

    assert events == []


def test_only_a_barrier_can_be_evidenced_as_removed():
    with pytest.raises(Invalid):
        decide_record_removal_evidence(solution(), REPORT, now=T0)
