from datetime import date

import pytest

from services.pilots.domain.errors import IllegalTransition, MilestoneBeforeStart
from services.pilots.domain.milestones import (
    AddMilestone,
    MarkMilestoneDone,
    MilestoneAdded,
    MilestoneDone,
    decide_add_milestone,
    decide_mark_milestone_done,
)
from shared.errors import Conflict, Forbidden, Invalid

from .builders import LEAD, OUTSIDER, PILOT, START, pilot_in

REPORTS_DUE = MilestoneAdded(PILOT, "m-1", "First staff survey", "2025-05-01", LEAD)
TOOLS_DUE = MilestoneAdded(PILOT, "m-2", "Tools rolled out", "2025-06-01", LEAD)


def test_a_milestone_due_before_the_pilot_starts_is_refused():
    pilot = pilot_in("approved")

    with pytest.raises(MilestoneBeforeStart) as refused:
        decide_add_milestone(pilot, AddMilestone(PILOT, "m-1", "Kick-off", date(2025, 3, 31), LEAD))

    assert refused.value.field == "due_date"


def test_a_milestone_due_on_the_start_day_is_planned():
    pilot = pilot_in("proposed")

    events = decide_add_milestone(pilot, AddMilestone(PILOT, "m-1", "Kick-off", START, LEAD))

    assert pilot_in("proposed", *events).milestone("m-1").due_date == START


def test_overdue_milestones_are_shown_as_overdue():
    pilot = pilot_in("active", REPORTS_DUE, TOOLS_DUE, MilestoneDone(PILOT, "m-1", "2025-05-10", LEAD))

    overdue = pilot.overdue_milestones(date(2025, 6, 2))

    assert [m.milestone_id for m in overdue] == ["m-2"]
    assert [m.status(date(2025, 6, 2)) for m in pilot.milestones] == ["done", "overdue"]
    assert pilot.milestone("m-2").status(date(2025, 6, 1)) == "open"


def test_a_milestone_is_done_on_a_day_that_has_come():
    pilot = pilot_in("active", REPORTS_DUE)

    with pytest.raises(Invalid) as in_future:
        decide_mark_milestone_done(pilot, MarkMilestoneDone(PILOT, "m-1", date(2025, 5, 2), LEAD), date(2025, 5, 1))
    events = decide_mark_milestone_done(
        pilot, MarkMilestoneDone(PILOT, "m-1", date(2025, 5, 1), LEAD), date(2025, 5, 1)
    )

    assert in_future.value.field == "done_date"
    assert pilot_in("active", REPORTS_DUE, *events).milestone("m-1").done_date == date(2025, 5, 1)


def test_a_milestone_is_done_only_once_and_only_in_an_active_pilot():
    done = pilot_in("active", REPORTS_DUE, MilestoneDone(PILOT, "m-1", "2025-05-10", LEAD))
    finished = pilot_in("completed", REPORTS_DUE)

    with pytest.raises(Conflict):
        decide_mark_milestone_done(done, MarkMilestoneDone(PILOT, "m-1", date(2025, 5, 11), LEAD), date(2025, 6, 1))
    with pytest.raises(IllegalTransition):
        decide_mark_milestone_done(finished, MarkMilestoneDone(PILOT, "m-1", date(2025, 5, 11), LEAD), date(2026, 1, 1))


def test_only_the_pilots_own_people_plan_its_milestones():
    pilot = pilot_in("active")

    with pytest.raises(Forbidden):
        decide_add_milestone(pilot, AddMilestone(PILOT, "m-1", "Kick-off", START, OUTSIDER))
