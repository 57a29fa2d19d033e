"""A steward erases a person found by their address; the event records the erasure and names no one."""

import json
from dataclasses import replace

import pytest

from services.pledge.domain.erasures import EraseSubject, ErasureCompleted, Found, erase_subject
from services.pledge.domain.signatures import PERSONAL, request_signature, same_signatory
from shared.errors import Forbidden, Invalid, NotFound

from .builders import (
    PARTICIPANT,
    SALT,
    STEWARD,
    STEWARDS,
    SUBJECTS,
    T0,
    TOKEN,
    an_adopted_charter,
    sign_request,
    subject_id_of,
    through_the_log,
    unsealed,
)

EMAIL = "jane@leeds.gov.uk"


def erase(found: Found, rule: str = "uk-gdpr-17-1-b", roles=STEWARDS) -> list[ErasureCompleted]:
    return erase_subject(found, EraseSubject("erasure-1", EMAIL, rule, STEWARD, roles), T0)


def test_an_erasure_records_the_subject_the_signatures_the_rule_and_the_steward():
    [event] = erase(Found("subject-1", ("sig-b", "sig-a")))

    assert event == ErasureCompleted("erasure-1", "subject-1", ("sig-a", "sig-b"), "uk-gdpr-17-1-b", STEWARD,
                                     "2025-03-01T09:00:00.000000Z")
    assert EMAIL not in json.dumps(event.to_data())
    assert through_the_log([event]) == [event]


def test_a_person_who_signed_only_before_sealing_is_erased_by_their_signatures():
    [event] = erase(Found(None, ("sig-a",)))

    assert event.subject_id is None and event.signature_ids == ("sig-a",)


def test_only_a_steward_may_erase():
    with pytest.raises(Forbidden):
        erase(Found("subject-1", ("sig-a",)), roles=PARTICIPANT)


def test_an_erasure_names_one_of_the_published_rules():
    with pytest.raises(Invalid) as refused:
        erase(Found("subject-1", ("sig-a",)), rule="because they asked")

    assert refused.value.field == "rule"


def test_no_one_to_erase_is_refused_naming_the_address():
    with pytest.raises(NotFound) as refused:
        erase(Found(None, ()))

    assert refused.value.field == "email"


def test_a_signature_request_holds_its_signatorys_personal_fields_only_sealed():
    [event] = request_signature(an_adopted_charter(), None, sign_request(email=EMAIL), TOKEN, SALT, T0,
                                subjects=SUBJECTS)

    assert (event.signatory_name, event.signatory_role, event.email_hash) == (None, None, None)
    assert event.subject_id == subject_id_of(EMAIL) and set(unsealed(event)) == set(PERSONAL)
    assert not any(value in json.dumps(event.to_data()) for value in unsealed(event).values())


def test_the_same_signatory_is_known_by_subject_when_sealed_and_by_email_hash_before():
    [sealed] = request_signature(an_adopted_charter(), None, sign_request(email=EMAIL), TOKEN, SALT, T0,
                                 subjects=SUBJECTS)
    clear = replace(sealed, subject_id=None, sealed=None, email_hash="h1")  # as recorded before v5

    assert same_signatory(sealed, "anything", subject_id_of(EMAIL))
    assert not same_signatory(sealed, "anything", "another-subject")
    assert same_signatory(clear, "h1", None) and not same_signatory(clear, "h2", "subject-1")
