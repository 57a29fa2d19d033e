"""Signatures: organisations sign an adopted version, verify by e-mail, and may withdraw."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.pledge.domain.charters import Charter, OpenRound, open_round
from services.pledge.domain.charters import evolve as evolve_charter
from services.pledge.domain.errors import PledgeConflict
from services.pledge.domain.signatures import (
    evolve,
    request_signature,
    signature_stream_id,
)
from shared.errors import Invalid, NotFound

from .builders import (
    SALT,
    STEWARD,
    STEWARDS,
    SUBJECTS,
    T0,
    TOKEN,
    a_charter,
    a_draft,
    an_adopted_charter,
    apply,
    later,
    requested,
    sign_request,
    verified,
    with_adopted_version,
)


def with_version_two(charter: Charter) -> Charter:
    opened = open_round(charter, OpenRound(charter.charter_id, None, STEWARD, STEWARDS), T0)
    charter = apply(evolve_charter, charter, opened)
    return with_adopted_version(charter, a_draft(charter, "draft-2", text="Version two."))


def test_a_second_signature_from_the_same_organisation_is_refused():
    charter = an_adopted_charter()
    signature = verified(charter)

    with pytest.raises(PledgeConflict) as refused:
        request_signature(charter, signature, sign_request(email="other@leeds.gov.uk"), "t2", SALT, later(3),
                          subjects=SUBJECTS)

    assert refused.value.field == "organisation_name"


def test_one_organisation_spelt_differently_has_one_signature_stream():
    first = signature_stream_id("charter-1", 1, "Leeds City Council")

    second = signature_stream_id("charter-1", 1, "  leeds  CITY council ")

    assert first == second != signature_stream_id("charter-1", 2, "Leeds City Council")


def test_a_pending_signature_holds_the_organisations_place_against_another_signatory():
    charter = an_adopted_charter()
    signature = requested(charter)

    with pytest.raises(PledgeConflict):
        request_signature(charter, signature, sign_request(email="mallory@x.org"), "t2", SALT, later(1),
                          subjects=SUBJECTS)


def test_an_expired_pending_signature_gives_way_to_a_new_signatory():
    charter = an_adopted_charter()
    signature = requested(charter)

    events = request_signature(charter, signature, sign_request(email="deputy@leeds.gov.uk"), "t2", SALT, later(49),
                               subjects=SUBJECTS)

    assert apply(evolve, signature, events).status == "pending"


def test_an_organisation_reaffirms_on_a_newer_version():
    charter = an_adopted_charter()
    verified(charter)
    charter = with_version_two(charter)

    signature = verified(charter, sign_request(version=2))

    assert (signature.request.version, signature.counts) == (2, True)


def test_signing_a_version_never_adopted_is_refused():
    charter = a_charter()

    with pytest.raises(NotFound) as refused:
        request_signature(charter, None, sign_request(version=1), TOKEN, SALT, T0, subjects=SUBJECTS)

    assert refused.value.field == "version"


def test_signing_a_superseded_version_is_refused():
    charter = with_version_two(an_adopted_charter())

    with pytest.raises(Invalid) as refused:
        request_signature(charter, None, sign_request(version=1), TOKEN, SALT, T0, subjects=SUBJECTS)

    assert refused.value.field == "version"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organisation_type": "company"}, "organisation_type"),
        ({"organisation_name": " "}, "organisation_name"),
        ({"signatory_name": ""}, "signatory_name"),
        ({"signatory_role": ""}, "signatory_role"),
        ({"email": "not-an-address"}, "email"),
        ({"statement": "x" * 2001}, "statement"),
    ],
)
def test_an_incomplete_or_invalid_request_is_refused(change, field):
    charter = an_adopted_charter()

    with pytest.raises(Invalid) as refused:
        request_signature(charter, None, replace(sign_request(), **change), TOKEN, SALT, T0, subjects=SUBJECTS)

    assert refused.value.field == field
