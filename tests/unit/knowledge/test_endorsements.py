import pytest

from services.knowledge.domain.endorsements import (
    EndorseItem,
    SolutionEndorsed,
    WithdrawEndorsement,
    decide_endorse,
    decide_withdraw_endorsement,
    endorsement_count,
)
from services.knowledge.domain.errors import NotPermitted
from shared.errors import Conflict

from .builders import ALICE, BOB, T0, act, barrier, solution


def test_organisations_endorse_a_barrier_and_the_count_shows_it():
    page = barrier()

    page = act(page, decide_endorse, EndorseItem(ALICE, "Leeds City Council"))
    page = act(page, decide_endorse, EndorseItem(BOB, "Kent County Council"))

    assert endorsement_count(page) == 2


def test_a_second_endorsement_from_the_same_organisation_is_refused():
    page = act(barrier(), decide_endorse, EndorseItem(ALICE, "Leeds City Council"))

    with pytest.raises(Conflict) as refused:
        decide_endorse(page, EndorseItem(BOB, " leeds city council "), now=T0)

    assert refused.value.field == "organisation"


@pytest.mark.parametrize("variant", ["Hull  Council", "Hull\tCouncil", "ＨＵＬＬ Council", "hull council "])
def test_the_same_organisation_spelt_another_way_cannot_endorse_twice(variant):
    page = act(barrier(), decide_endorse, EndorseItem(ALICE, "Hull Council"))

    with pytest.raises(Conflict):
        decide_endorse(page, EndorseItem(BOB, variant), now=T0)


def test_an_endorsement_names_its_organisation_by_id_and_withdrawing_it_under_another_spelling_works():
    events = decide_endorse(barrier(), EndorseItem(ALICE, "Hull  City Council"), now=T0)
    page = act(barrier(), decide_endorse, EndorseItem(ALICE, "Hull  City Council"))

    withdrawn = act(page, decide_withdraw_endorsement, WithdrawEndorsement(ALICE, "HULL CITY COUNCIL"))

    assert events[0].organisation_id == "hull city council"
    assert endorsement_count(withdrawn) == 0


def test_an_endorsement_can_be_withdrawn_and_given_again():
    page = act(barrier(), decide_endorse, EndorseItem(ALICE, "Leeds City Council"))

    withdrawn = act(page, decide_withdraw_endorsement, WithdrawEndorsement(ALICE, "Leeds City Council"))
    again = act(withdrawn, decide_endorse, EndorseItem(ALICE, "Leeds City Council"))

    assert (endorsement_count(withdrawn), endorsement_count(again)) == (0, 1)


def test_only_the_person_who_gave_an_endorsement_can_withdraw_it():
    page = act(barrier(), decide_endorse, EndorseItem(ALICE, "Leeds City Council"))

    with pytest.raises(NotPermitted):
        decide_withdraw_endorsement(page, WithdrawEndorsement(BOB, "Leeds City Council"), now=T0)


def test_endorsing_a_solution_says_it_worked_for_the_organisation():
    events = decide_endorse(solution(), EndorseItem(BOB, "Kent County Council"), now=T0)

    assert isinstance(events[0], SolutionEndorsed)
    assert (events[0].organisation, events[0].endorsed_by) == ("Kent County Council", BOB)
