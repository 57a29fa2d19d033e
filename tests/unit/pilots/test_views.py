from datetime import date

from services.pilots.domain.known_barriers import BarrierHiddenSeen, BarrierSeen, observe
from services.pilots.domain.milestones import MilestoneAdded
from services.pilots.domain.signatories import SignatureVerifiedSeen, from_facts
from services.pilots.domain.state import warnings

from .builders import LEAD, ORG, PHOTOS, PILOT, knowledge, pilot_in, signed, verified, withdrawn


def test_a_signature_withdrawn_after_the_proposal_shows_on_the_pilot_as_a_warning():
    pilot = pilot_in("active")
    view = from_facts(verified(), withdrawn())

    found = warnings(pilot, view, date(2025, 5, 1))

    assert [w.code for w in found] == ["signature_withdrawn"]
    assert "Leeds City Council" in found[0].message


def test_a_pilot_of_a_live_signatory_with_nothing_late_has_no_warnings():
    pilot = pilot_in("active", MilestoneAdded(PILOT, "m-1", "Survey", "2025-05-01", LEAD))

    found = warnings(pilot, signed(), date(2025, 5, 1))

    assert found == ()


def test_overdue_milestones_show_as_a_warning():
    pilot = pilot_in("active", MilestoneAdded(PILOT, "m-1", "Survey", "2025-05-01", LEAD))

    found = warnings(pilot, signed(), date(2025, 5, 2))

    assert [w.code for w in found] == ["milestones_overdue"]


def test_seeing_the_same_pledge_fact_twice_changes_nothing():
    once = from_facts(verified())

    twice = from_facts(verified(), verified())

    assert once == twice


def test_an_organisation_stays_a_signatory_while_another_version_it_signed_is_live():
    second_version = SignatureVerifiedSeen(ORG, "Leeds City Council", "local_authority", "charter-1", 2)

    view = from_facts(verified(), second_version, withdrawn())

    assert view.is_live(ORG)


def test_a_barrier_hidden_and_shown_again_can_be_targeted_again():
    view = observe(knowledge(), BarrierHiddenSeen(PHOTOS, True))

    view = observe(observe(view, BarrierHiddenSeen(PHOTOS, False)), BarrierSeen(PHOTOS, "Photos refused"))

    assert (view.barrier(PHOTOS).hidden, view.barrier(PHOTOS).title) == (False, "Photos refused")
