import pytest

from services.pilots.domain.barriers import (
    ChangeBarrierStatus,
    TargetBarrier,
    decide_change_barrier_status,
    decide_target_barrier,
)
from services.pilots.domain.errors import IllegalTransition, UnknownBarrier
from services.pilots.domain.state import Pilot
from shared.errors import Conflict, Invalid

from .builders import HIDDEN, IT_POLICY, LEAD, LIFECYCLE, ORG, PHOTOS, PILOT, TODAY, knowledge, pilot_in, replay_pilot

STEPS_TO = {
    "encountered": (),
    "in_progress": ("in_progress",),
    "removed": ("in_progress", "removed"),
    "not_removed": ("in_progress", "not_removed"),
}
LEGAL = {("encountered", "in_progress"), ("in_progress", "removed"), ("in_progress", "not_removed")}
ILLEGAL = [(a, b) for a in STEPS_TO for b in STEPS_TO if (a, b) not in LEGAL]


def change(status: str, **fields: object) -> ChangeBarrierStatus:
    """A lead's request to move the photo-uploads barrier to `status`, naming the consent solution."""
    defaults = {"pilot_id": PILOT, "barrier_id": PHOTOS, "status": status, "notes": "", "actor": LEAD}
    return ChangeBarrierStatus(**defaults | {"solution_id": "s-consent"} | fields)


def photos_at(status: str) -> Pilot:
    """An active pilot whose photo-uploads barrier reached `status` through legal steps."""
    events = list(LIFECYCLE["active"])
    events += decide_target_barrier(replay_pilot(*events), TargetBarrier(PILOT, PHOTOS, "", LEAD), knowledge(), TODAY)
    for step in STEPS_TO[status]:
        events += decide_change_barrier_status(replay_pilot(*events), change(step), knowledge(), TODAY)
    return replay_pilot(*events)


@pytest.mark.parametrize("barrier_id", ["b-never-seen", HIDDEN])
def test_targeting_a_barrier_the_knowledge_base_does_not_show_is_refused(barrier_id):
    pilot = pilot_in("approved")

    with pytest.raises(UnknownBarrier) as refused:
        decide_target_barrier(pilot, TargetBarrier(PILOT, barrier_id, "", LEAD), knowledge(), TODAY)

    assert refused.value.field == "barrier_id"


def test_a_targeted_barrier_starts_as_encountered_under_its_knowledge_base_title():
    pilot = pilot_in("proposed")

    events = decide_target_barrier(pilot, TargetBarrier(PILOT, IT_POLICY, "Teams blocked", LEAD), knowledge(), TODAY)

    work = pilot_in("proposed", *events).barrier(IT_POLICY)
    assert (work.barrier_title, work.status) == ("IT policy blocks collaboration tools", "encountered")
    assert work.notes == ("Teams blocked",)


def test_targeting_the_same_barrier_twice_is_refused():
    pilot = photos_at("encountered")

    with pytest.raises(Conflict):
        decide_target_barrier(pilot, TargetBarrier(PILOT, PHOTOS, "", LEAD), knowledge(), TODAY)


@pytest.mark.parametrize(("current", "wanted"), ILLEGAL)
def test_every_illegal_barrier_transition_is_refused(current, wanted):
    pilot = photos_at(current)

    with pytest.raises(IllegalTransition) as refused:
        decide_change_barrier_status(pilot, change(wanted), knowledge(), TODAY)

    assert refused.value.field == "status"


def test_a_removed_barrier_carries_all_the_evidence_the_knowledge_base_records():
    pilot = photos_at("in_progress")

    [event] = decide_change_barrier_status(pilot, change("removed", notes="Consent form agreed"), knowledge(), TODAY)

    assert event.to_data() == {
        "pilot_id": PILOT, "barrier_id": PHOTOS, "barrier_title": "Photo uploads refused",
        "solution_id": "s-consent", "solution_title": "A consent form for photos",
        "pilot_title": "Open collaboration", "organisation_id": ORG, "organisation_name": "Leeds City Council",
        "notes": "Consent form agreed", "removed_by": LEAD, "removed_on": TODAY.isoformat(),
    }  # fmt: skip
    assert photos_at("removed").barrier(PHOTOS).solution_id == "s-consent"


def test_removing_a_barrier_needs_a_solution_of_that_barrier():
    pilot = photos_at("in_progress")

    with pytest.raises(Invalid) as no_solution:
        decide_change_barrier_status(pilot, change("removed", solution_id=None), knowledge(), TODAY)

    assert no_solution.value.field == "solution_id"


def test_a_solution_not_yet_seen_is_accepted_with_the_title_the_lead_gave():
    pilot = photos_at("in_progress")

    [event] = decide_change_barrier_status(
        pilot, change("removed", solution_id="s-new", solution_title="Own camera policy"), knowledge(), TODAY
    )

    assert (event.solution_id, event.solution_title) == ("s-new", "Own camera policy")


def test_barrier_statuses_change_only_while_the_pilot_is_active():
    pilot = pilot_in("approved")

    with pytest.raises(IllegalTransition):
        decide_change_barrier_status(pilot, change("in_progress"), knowledge(), TODAY)
