"""A pilot's sponsor is sealed for the pilot's data subject, and a steward may erase them once."""

import json
from datetime import UTC, datetime

import pytest

from services.pilots.domain.erasures import EraseSponsor, ErasureCompleted, decide_erase_sponsor
from services.pilots.domain.pilots import SPONSOR, decide_propose_pilot, evolve
from shared import sealing
from shared.errors import Conflict, Forbidden, Invalid, NotFound

from .builders import KEY, PILOT, SPONSORS, STEWARD, STEWARDS, pilot_in, propose, signed

NOW = datetime(2025, 5, 1, 12, tzinfo=UTC)


def erase(pilot, rule: str = "uk-gdpr-17-1-b", roles=STEWARDS) -> list:
    return decide_erase_sponsor(pilot, EraseSponsor(PILOT, "erasure-1", rule, STEWARD, roles), NOW)


def test_a_proposal_holds_its_sponsor_only_sealed_for_the_pilots_subject():
    [event] = decide_propose_pilot(None, propose(), signed(), True, subjects=SPONSORS)

    assert (event.sponsor_name, event.sponsor_role, event.subject_id) == (None, None, SPONSORS(PILOT).subject_id)
    assert sealing.open_sealed(KEY, event.subject_id, PILOT, event.sealed) == {
        "sponsor_name": "Tom Riordan", "sponsor_role": "Chief Executive"}
    assert set(SPONSOR) == {"sponsor_name", "sponsor_role"} and "Tom Riordan" not in json.dumps(event.to_data())


def test_a_steward_erases_the_sponsor_once_and_the_event_names_no_one():
    pilot = pilot_in("active")

    [event] = erase(pilot)

    assert event == ErasureCompleted("erasure-1", SPONSORS(PILOT).subject_id, (PILOT,), "uk-gdpr-17-1-b", STEWARD,
                                     "2025-05-01T12:00:00.000000Z")
    with pytest.raises(Conflict) as again:
        erase(evolve(pilot, event))
    assert again.value.field == "pilot_id"


@pytest.mark.parametrize(("pilot", "rule", "roles", "refusal", "field"), [
    ("active", "uk-gdpr-17-1-b", frozenset(), Forbidden, None),
    ("active", "because", STEWARDS, Invalid, "rule"),
    (None, "uk-gdpr-17-1-b", STEWARDS, NotFound, "pilot_id"),
])
def test_an_erasure_is_refused_to_a_non_steward_for_a_bad_rule_or_an_unknown_pilot(pilot, rule, roles, refusal,
                                                                                   field):
    with pytest.raises(refusal) as refused:
        erase(pilot_in(pilot) if pilot else None, rule, roles)

    assert getattr(refused.value, "field", None) == field
