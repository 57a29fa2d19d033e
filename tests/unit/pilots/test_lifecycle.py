import pytest

from services.pilots.domain.errors import IllegalTransition, NotAMember, NotIndependent, UnsignedOrganisation
from services.pilots.domain.pilots import (
    ApprovePilot,
    CompletePilot,
    StartPilot,
    StopPilot,
    decide_approve_pilot,
    decide_complete_pilot,
    decide_propose_pilot,
    decide_start_pilot,
    decide_stop_pilot,
)
from services.pilots.domain.signatories import Signatories, from_facts
from shared.errors import Forbidden, Invalid

from .builders import (
    LEAD,
    OUTSIDER,
    PILOT,
    PROPOSER,
    SPONSORS,
    STEWARD,
    STEWARDS,
    TODAY,
    pilot_in,
    propose,
    replay_pilot,
    signed,
    verified,
    withdrawn,
)

STEPS = {
    "approve": lambda p: decide_approve_pilot(p, ApprovePilot(PILOT, STEWARD, STEWARDS), TODAY),
    "start": lambda p: decide_start_pilot(p, StartPilot(PILOT, LEAD), TODAY),
    "complete": lambda p: decide_complete_pilot(p, CompletePilot(PILOT, LEAD), TODAY),
    "stop": lambda p: decide_stop_pilot(p, StopPilot(PILOT, "Funding ended", LEAD), TODAY),
}
ALLOWED = {
    ("proposed", "approve"),
    ("approved", "start"),
    ("active", "complete"),
    ("proposed", "stop"),
    ("approved", "stop"),
    ("active", "stop"),
}
STATUSES = ("proposed", "approved", "active", "completed", "stopped")
ILLEGAL = [(s, step) for s in STATUSES for step in STEPS if (s, step) not in ALLOWED]


def test_an_organisation_without_a_signature_cannot_propose_a_pilot():
    nobody_signed = Signatories()

    with pytest.raises(UnsignedOrganisation) as refused:
        decide_propose_pilot(None, propose(), nobody_signed, True, subjects=SPONSORS)

    assert refused.value.field == "organisation_id"


def test_an_organisation_that_withdrew_its_signature_cannot_propose_a_pilot():
    view = from_facts(verified(), withdrawn())

    with pytest.raises(UnsignedOrganisation):
        decide_propose_pilot(None, propose(), view, True, subjects=SPONSORS)


def test_someone_without_the_pilot_lead_role_cannot_propose_a_pilot_even_for_a_signatory():
    view = signed()

    with pytest.raises(Forbidden) as refused:
        decide_propose_pilot(None, propose(actor_roles=frozenset({"steward"})), view, True, subjects=SPONSORS)

    assert "pilot lead" in refused.value.message


def test_a_pilot_lead_who_is_not_a_member_of_the_signatory_cannot_propose_a_pilot_for_it():
    with pytest.raises(NotAMember) as refused:
        decide_propose_pilot(None, propose(), signed(), False, subjects=SPONSORS)

    assert refused.value.field == "organisation_id" and "member of Leeds City Council" in refused.value.message


def test_a_signatory_proposes_a_pilot_under_its_name_and_type():
    view = signed()

    [event] = decide_propose_pilot(None, propose(), view, True, subjects=SPONSORS)

    assert (event.organisation_name, event.organisation_type) == ("Leeds City Council", "local_authority")
    assert event.start_date == "2025-04-01"


def test_a_pilot_needs_a_lead_and_an_end_after_its_start():
    view = signed()

    with pytest.raises(Invalid) as no_lead:
        decide_propose_pilot(None, propose(leads=()), view, True, subjects=SPONSORS)
    with pytest.raises(Invalid) as ends_early:
        decide_propose_pilot(None, propose(planned_end_date=propose().start_date.replace(day=1, month=1)), view,
                             True, subjects=SPONSORS)

    assert (no_lead.value.field, ends_early.value.field) == ("leads", "planned_end_date")


def test_completing_a_pilot_that_was_never_approved_is_refused():
    pilot = pilot_in("proposed")

    with pytest.raises(IllegalTransition):
        decide_complete_pilot(pilot, CompletePilot(PILOT, LEAD), TODAY)


@pytest.mark.parametrize(("status", "step"), ILLEGAL)
def test_every_illegal_transition_is_refused(status, step):
    pilot = pilot_in(status)

    with pytest.raises(IllegalTransition) as refused:
        STEPS[step](pilot)

    assert refused.value.field == "status"


def test_a_pilot_goes_from_proposed_through_approved_and_active_to_completed():
    events = decide_propose_pilot(None, propose(), signed(), True, subjects=SPONSORS)

    for step in ("approve", "start", "complete"):
        events += STEPS[step](replay_pilot(*events))

    assert [e.type_name() for e in events] == ["PilotProposed", "PilotApproved", "PilotStarted", "PilotCompleted"]
    assert replay_pilot(*events).status == "completed"


def test_only_a_steward_approves_a_pilot():
    pilot = pilot_in("proposed")

    with pytest.raises(Forbidden):
        decide_approve_pilot(pilot, ApprovePilot(PILOT, OUTSIDER, frozenset()), TODAY)


@pytest.mark.parametrize("member", [LEAD, PROPOSER])
def test_a_steward_who_proposed_or_leads_a_pilot_cannot_approve_it(member):
    pilot = pilot_in("proposed")

    with pytest.raises(NotIndependent) as refused:
        decide_approve_pilot(pilot, ApprovePilot(PILOT, member, STEWARDS), TODAY)

    assert "another steward must" in refused.value.message


def test_stopping_a_pilot_needs_a_reason():
    pilot = pilot_in("active")

    with pytest.raises(Invalid) as refused:
        decide_stop_pilot(pilot, StopPilot(PILOT, "  ", LEAD), TODAY)

    assert refused.value.field == "reason"


def test_a_steward_outside_the_pilot_may_stop_it_and_the_reason_is_kept():
    pilot = pilot_in("approved")

    [event] = decide_stop_pilot(pilot, StopPilot(PILOT, "Sponsor left", STEWARD, STEWARDS), TODAY)

    assert pilot_in("approved", event).stop_reason == "Sponsor left"
