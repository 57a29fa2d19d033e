"""Abuse guards on signing: canonical e-mails, keyed hashes, rate limits."""

from __future__ import annotations

import pytest

from services.pledge.domain.abuse import (
    RateLimits,
    canonical_email,
    check_rate_limit,
    email_hash,
    token_hash,
    token_matches,
)
from shared.errors import Invalid, RateLimited


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("  Jane.Doe@Leeds.GOV.uk ", "jane.doe@leeds.gov.uk"),
        ("jane+pledge@leeds.gov.uk", "jane@leeds.gov.uk"),
        ("J.a.n.e+x@gmail.com", "jane@gmail.com"),
        ("jane@googlemail.com", "jane@gmail.com"),
        ("ja.ne@outlook.com", "ja.ne@outlook.com"),
    ],
)
def test_addresses_are_compared_in_canonical_form(given, canonical):
    assert canonical_email(given) == canonical


@pytest.mark.parametrize("given", ["", "jane", "jane@", "@leeds.gov.uk", "jane@leeds", "ja ne@x.org", "+tag@x.org"])
def test_what_is_not_an_address_is_refused(given):
    with pytest.raises(Invalid) as refused:
        canonical_email(given)

    assert refused.value.field == "email"


def test_the_hash_of_an_address_is_the_same_for_every_spelling_of_the_mailbox():
    first, second = email_hash("j.ane+a@gmail.com", "salt"), email_hash("JANE@googlemail.com", "salt")

    assert first == second and "jane" not in first


def test_the_hash_of_an_address_depends_on_the_secret_salt():
    assert email_hash("jane@x.org", "one salt") != email_hash("jane@x.org", "another")


def test_an_unconfigured_salt_is_a_programming_error():
    with pytest.raises(ValueError):
        email_hash("jane@x.org", "")


def test_a_token_matches_only_its_own_hash():
    stored = token_hash("secret-token")

    assert token_matches("secret-token", stored)
    assert not token_matches("other-token", stored)
    assert not token_matches("", stored)


def test_attempts_within_the_limits_pass():
    limits = RateLimits(per_email=3, per_ip=10)

    check_rate_limit(2, 9, limits)


def test_too_many_attempts_for_one_address_are_refused():
    with pytest.raises(RateLimited) as refused:
        check_rate_limit(3, 0, RateLimits(per_email=3))

    assert refused.value.field == "email"


def test_too_many_attempts_from_one_ip_are_refused():
    with pytest.raises(RateLimited):
        check_rate_limit(0, 10, RateLimits(per_ip=10))


def test_a_refused_attempt_says_when_the_oldest_attempt_leaves_the_window():
    with pytest.raises(RateLimited) as refused:
        check_rate_limit(3, 0, RateLimits(per_email=3), email_wait_s=41.2)

    assert refused.value.retry_after == 42


def test_a_refused_attempt_of_unknown_age_waits_the_whole_window():
    with pytest.raises(RateLimited) as refused:
        check_rate_limit(0, 10, RateLimits(per_ip=10))

    assert refused.value.retry_after == 3600
