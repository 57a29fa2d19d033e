"""A signature's life: verified by its e-mailed token, counted, withdrawn, signed again."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from services.pledge.domain.errors import PledgeConflict
from services.pledge.domain.signatures import (
    Signature,
    SignatureVerified,
    SignatureWithdrawn,
    VerifySignature,
    WithdrawSignature,
    count_by_type,
    evolve,
    request_signature,
    verify_signature,
    withdraw_signature,
)
from shared.envelope import rfc3339
from shared.errors import Forbidden, Invalid, NotFound

from .builders import (
    SALT,
    SUBJECTS,
    T0,
    TOKEN,
    an_adopted_charter,
    apply,
    later,
    requested,
    sign_request,
    verified,
)


def withdrawn(signature: Signature, reason: str | None = None) -> Signature:
    command = WithdrawSignature(signature.request.signature_id, "signer-1", reason)
    return apply(evolve, signature, withdraw_signature(signature, command, later(2)))


def test_a_request_keeps_the_email_and_token_out_of_the_event():
    charter = an_adopted_charter()

    events = request_signature(charter, None, sign_request(email="ceo@leeds.gov.uk"), TOKEN, SALT, T0,
                               subjects=SUBJECTS)

    data = json.dumps(events[0].to_data())
    assert "ceo@leeds.gov.uk" not in data and TOKEN not in data
    assert events[0].token_expires_at == rfc3339(later(48))


def test_the_token_lives_as_long_as_the_service_is_configured_to_keep_it():
    events = request_signature(an_adopted_charter(), None, sign_request(), TOKEN, SALT, T0, ttl=later(1) - T0,
                               subjects=SUBJECTS)

    assert events[0].token_expires_at == rfc3339(later(1))


def test_an_unverified_signature_does_not_count():
    signature = requested(an_adopted_charter())

    assert not signature.counts
    assert count_by_type([signature]) == {}


def test_the_right_token_before_it_expires_verifies_the_signature():
    signature = requested(an_adopted_charter())
    command = VerifySignature(signature.request.signature_id, TOKEN, "anyone")

    events = verify_signature(signature, command, later(47))

    assert events == [SignatureVerified(signature.request.signature_id, rfc3339(later(47)))]
    assert apply(evolve, signature, events).counts


def test_a_wrong_token_is_refused():
    signature = requested(an_adopted_charter())

    with pytest.raises(Invalid) as refused:
        verify_signature(signature, VerifySignature(signature.request.signature_id, "guess", "x"), later(1))

    assert refused.value.field == "token"


def test_an_expired_token_is_refused():
    signature = requested(an_adopted_charter())

    with pytest.raises(Invalid):
        verify_signature(signature, VerifySignature(signature.request.signature_id, TOKEN, "x"), later(48))


def test_following_the_link_twice_changes_nothing():
    signature = verified(an_adopted_charter())

    events = verify_signature(signature, VerifySignature(signature.request.signature_id, TOKEN, "x"), later(3))

    assert events == []


def test_verifying_an_unknown_signature_is_refused():
    with pytest.raises(NotFound):
        verify_signature(None, VerifySignature("nope", TOKEN, "x"), T0)


def test_the_same_signatory_may_ask_again_for_a_fresh_token():
    charter = an_adopted_charter()
    signature = requested(charter)

    events = request_signature(charter, signature, sign_request(email="CEO@leeds.gov.uk"), "t2", SALT, later(1),
                               subjects=SUBJECTS)

    assert apply(evolve, signature, events).request.token_expires_at == rfc3339(later(49))


def test_a_signatory_withdraws_with_a_reason_and_the_signature_stops_counting():
    signature = verified(an_adopted_charter())

    events = withdraw_signature(
        signature, WithdrawSignature(signature.request.signature_id, "signer-1", " Merged "), T0
    )

    assert events == [SignatureWithdrawn(signature.request.signature_id, "Merged", rfc3339(T0))]
    assert not apply(evolve, signature, events).counts


def test_only_whoever_signed_may_withdraw():
    signature = verified(an_adopted_charter())

    with pytest.raises(Forbidden):
        withdraw_signature(signature, WithdrawSignature(signature.request.signature_id, "mallory"), T0)


def test_withdrawing_twice_is_refused():
    signature = withdrawn(verified(an_adopted_charter()))

    with pytest.raises(PledgeConflict):
        withdraw_signature(signature, WithdrawSignature(signature.request.signature_id, "signer-1"), T0)


def test_a_withdrawn_signature_cannot_be_verified():
    signature = withdrawn(requested(an_adopted_charter()))

    with pytest.raises(PledgeConflict):
        verify_signature(signature, VerifySignature(signature.request.signature_id, TOKEN, "x"), later(3))


def test_an_organisation_signs_again_after_withdrawing():
    charter = an_adopted_charter()
    signature = withdrawn(verified(charter))

    signature = requested(charter, state=signature)

    assert signature.status == "pending"


def test_counts_by_type_include_only_verified_signatures():
    charter = an_adopted_charter()
    council = verified(charter)
    agency = verified(charter, replace(sign_request("Environment Agency"), organisation_type="agency"))
    pending = requested(charter, sign_request("Home Office"))

    counts = count_by_type([council, agency, pending, withdrawn(verified(charter, sign_request("Gone")))])

    assert counts == {"council": 1, "agency": 1}
