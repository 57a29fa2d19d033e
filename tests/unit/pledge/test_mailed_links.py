"""Signing without an account: the mailed links are the proof, they expire or are replaced, and fresh ones are sent."""

from __future__ import annotations

import json

import pytest

from services.pledge.domain.errors import PledgeConflict, TokenExpired, TokenWrong
from services.pledge.domain.signatures import (
    ANONYMOUS,
    ResendSignatureLinks,
    Signature,
    SignatureTokensReissued,
    SignatureWithdrawn,
    VerifySignature,
    WithdrawSignature,
    evolve,
    request_signature,
    resend_links,
    verify_signature,
    withdraw_signature,
)
from shared.envelope import rfc3339
from shared.errors import Invalid, NotFound

from .builders import (
    SALT,
    SUBJECTS,
    T0,
    TOKEN,
    an_adopted_charter,
    apply,
    later,
    sign_request,
    subject_id_of,
    through_the_log,
)

WITHDRAWAL_TOKEN = "withdraw-xyz"
EMAIL = "ceo@leeds.gov.uk"


def signed_anonymously() -> Signature:
    """A signature requested by someone with no account, with both mailed links."""
    events = request_signature(an_adopted_charter(), None, sign_request(email=EMAIL, actor=ANONYMOUS), TOKEN, SALT,
                               T0, withdrawal_token=WITHDRAWAL_TOKEN, subjects=SUBJECTS)
    return apply(evolve, None, through_the_log(events))


def resent(signature: Signature, token: str = "fresh-token", withdrawal: str = "fresh-withdraw",
           email: str = EMAIL, hours: float = 50) -> Signature:
    command = ResendSignatureLinks(signature.request.signature_id, email, ANONYMOUS)
    events = resend_links(signature, command, token, withdrawal, SALT, later(hours), subject_id=subject_id_of(email))
    return apply(evolve, signature, through_the_log(events))


def by_link(signature: Signature, token: str, reason: str | None = None) -> WithdrawSignature:
    return WithdrawSignature(signature.request.signature_id, ANONYMOUS, reason, token)


def test_the_request_holds_only_the_withdrawal_tokens_hash():
    signature = signed_anonymously()

    data = json.dumps(signature.request.to_data())

    assert WITHDRAWAL_TOKEN not in data and signature.request.withdrawal_token_hash


def test_the_verification_link_confirms_for_someone_with_no_account():
    signature = signed_anonymously()

    events = verify_signature(signature, VerifySignature(signature.request.signature_id, TOKEN, ANONYMOUS), later(1))

    assert apply(evolve, signature, events).counts


def test_a_wrong_verification_token_is_refused_naming_the_token():
    signature = signed_anonymously()

    with pytest.raises(TokenWrong) as refused:
        verify_signature(signature, VerifySignature(signature.request.signature_id, "guess", ANONYMOUS), later(1))

    assert refused.value.field == "token" and refused.value.code == "token_wrong"


def test_an_expired_verification_token_is_refused_as_expired():
    signature = signed_anonymously()

    with pytest.raises(TokenExpired) as refused:
        verify_signature(signature, VerifySignature(signature.request.signature_id, TOKEN, ANONYMOUS), later(49))

    assert refused.value.field == "token" and refused.value.code == "token_expired"


def test_the_withdrawal_link_withdraws_without_an_account():
    signature = signed_anonymously()

    [event] = withdraw_signature(signature, by_link(signature, WITHDRAWAL_TOKEN, "Board decision"), later(2))

    assert isinstance(event, SignatureWithdrawn) and event.reason == "Board decision"


def test_a_wrong_withdrawal_token_is_refused():
    signature = signed_anonymously()

    with pytest.raises(TokenWrong):
        withdraw_signature(signature, by_link(signature, TOKEN), later(2))


def test_someone_with_no_account_and_no_token_cannot_withdraw_an_anonymous_signature():
    signature = signed_anonymously()

    with pytest.raises(Invalid) as refused:
        withdraw_signature(signature, WithdrawSignature(signature.request.signature_id, ANONYMOUS), later(2))

    assert refused.value.field == "token"


def test_a_signature_made_before_withdrawal_links_cannot_be_withdrawn_by_a_token():
    events = request_signature(an_adopted_charter(), None, sign_request(), TOKEN, SALT, T0, subjects=SUBJECTS)
    signature = apply(evolve, None, events)

    with pytest.raises(TokenWrong):
        withdraw_signature(signature, by_link(signature, ""), later(2))


def test_fresh_links_verify_and_withdraw_and_the_old_ones_no_longer_do():
    signature = resent(signed_anonymously())
    signature_id = signature.request.signature_id

    with pytest.raises(TokenWrong):
        verify_signature(signature, VerifySignature(signature_id, TOKEN, ANONYMOUS), later(51))
    with pytest.raises(TokenWrong):
        withdraw_signature(signature, by_link(signature, WITHDRAWAL_TOKEN), later(51))
    verified = apply(evolve, signature, verify_signature(signature, VerifySignature(signature_id, "fresh-token",
                                                                                  ANONYMOUS), later(51)))
    assert verified.counts
    assert withdraw_signature(verified, by_link(verified, "fresh-withdraw"), later(52))


def test_fresh_links_expire_a_token_lifetime_after_they_are_sent():
    [event] = resend_links(signed_anonymously(), ResendSignatureLinks("", EMAIL, ANONYMOUS), "t", "w", SALT, later(50),
                           subject_id=subject_id_of(EMAIL))

    assert isinstance(event, SignatureTokensReissued) and event.token_expires_at == rfc3339(later(98))


def test_fresh_links_go_only_to_the_address_the_signature_was_requested_with():
    signature = signed_anonymously()

    with pytest.raises(Invalid) as refused:
        resend_links(signature, ResendSignatureLinks(signature.request.signature_id, "someone@else.org", ANONYMOUS),
                     "t", "w", SALT, later(50), subject_id=subject_id_of("someone@else.org"))

    assert refused.value.field == "email"


def test_the_address_is_compared_in_its_canonical_form():
    signature = resent(signed_anonymously(), email="  CEO+pledge@Leeds.gov.uk ")

    assert signature.token_expires_at == rfc3339(later(98))


def test_a_withdrawn_signature_gets_no_fresh_links():
    signature = signed_anonymously()
    signature = apply(evolve, signature, withdraw_signature(signature, by_link(signature, WITHDRAWAL_TOKEN), later(2)))

    with pytest.raises(PledgeConflict):
        resent(signature)


def test_fresh_links_for_an_unknown_signature_are_refused():
    with pytest.raises(NotFound):
        resend_links(None, ResendSignatureLinks("nope", EMAIL, ANONYMOUS), "t", "w", SALT, T0)


def test_the_same_signatory_asking_again_after_fresh_links_expire_may_sign_afresh():
    signature = resent(signed_anonymously(), hours=1)

    events = request_signature(an_adopted_charter(), signature, sign_request(email="other@leeds.gov.uk"), "t2", SALT,
                               later(50), subjects=SUBJECTS)

    assert events and events[0].subject_id != signature.request.subject_id
