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
