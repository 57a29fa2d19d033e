"""Organisation records: one for every spelling of a name, domains only stewards verify (never free-mail), and the
assurance a confirmed address gives a signature; memberships proven by the mailed link or a steward."""

from __future__ import annotations

import pytest

from services.pledge.domain import memberships, organisations, signatures
from services.pledge.domain.errors import TokenExpired, TokenWrong
from services.pledge.domain.memberships import ClaimMembership, ConfirmMembership, EndMembership, GrantMembership
from services.pledge.domain.organisations import (
    OrganisationAlreadyRecorded,
    RecordOrganisation,
    RemoveDomain,
    VerifyDomain,
)
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
    apply,
    later,
    sign_request,
)
from .builders import through_the_log as logged

ALICE = "account-alice"


def hull(*domains: str) -> organisations.Organisation:
    """Hull City Council's record, with `domains` verified by a steward."""
    state = apply(organisations.evolve, None, logged(organisations.record_organisation(
        None, RecordOrganisation("Hull City Council", "council", ALICE), T0)))
    for domain in domains:
        state = apply(organisations.evolve, state, logged(organisations.verify_domain(
            state, VerifyDomain("hull city council", domain, "DNS TXT record", STEWARD, STEWARDS), T0)))
    assert state is not None
    return state


@pytest.mark.parametrize("spelling", ["Hull City Council", "Hull  City Council", "Hull\tCity\tCouncil",
                                      "ＨＵＬＬ City Council", " hull city council "])
def test_every_spelling_of_a_recorded_name_is_the_same_organisation_and_is_refused_a_second_record(spelling):
    existing = hull()

    assert organisations.organisation_stream_id(spelling) == organisations.organisation_stream_id("Hull City Council")
    with pytest.raises(OrganisationAlreadyRecorded) as refused:
        organisations.record_organisation(existing, RecordOrganisation(spelling, "council", ALICE), T0)
    assert refused.value.field == "name" and "hull city council" in refused.value.message


def test_a_record_keeps_the_name_as_given_and_its_id_is_the_canonical_name():
    [event] = organisations.record_organisation(None, RecordOrganisation("  Hull  City Council ", "council", ALICE), T0)

    assert (event.organisation_id, event.name, event.organisation_type) == ("hull city council",
                                                                          "Hull  City Council", "council")


@pytest.mark.parametrize(("domain", "roles", "refusal", "field"), [
    ("hull.gov.uk", PARTICIPANT, Forbidden, None),
    ("gmail.com", STEWARDS, Invalid, "domain"),
    ("not a domain", STEWARDS, Invalid, "domain"),
    ("localhost", STEWARDS, Invalid, "domain"),
])
def test_only_a_steward_verifies_a_domain_and_never_a_free_mail_or_malformed_one(domain, roles, refusal, field):
    with pytest.raises(refusal) as refused:
        organisations.verify_domain(hull(), VerifyDomain("hull city council", domain, "checked", STEWARD, roles), T0)

    assert refused.value.field == field


def test_verifying_a_domain_needs_evidence_and_a_record_and_twice_changes_nothing():
    with pytest.raises(Invalid) as blank:
        organisations.verify_domain(hull(), VerifyDomain("x", "hull.gov.uk", "  ", STEWARD, STEWARDS), T0)
    with pytest.raises(NotFound):
        organisations.verify_domain(None, VerifyDomain("x", "hull.gov.uk", "DNS", STEWARD, STEWARDS), T0)

    assert blank.value.field == "evidence"
    assert organisations.verify_domain(hull("hull.gov.uk"), VerifyDomain(
        "x", "HULL.gov.uk.", "again", STEWARD, STEWARDS), T0) == []


def test_removing_a_domain_it_does_not_hold_is_refused_naming_the_domain():
    with pytest.raises(NotFound) as refused:
        organisations.remove_domain(hull("hull.gov.uk"), RemoveDomain("x", "york.gov.uk", "gone", STEWARD,
                                                                      STEWARDS), T0)

    assert refused.value.field == "domain"


@pytest.mark.parametrize(("email", "assurance"), [
    ("ceo@hull.gov.uk", "domain-verified"), ("CEO@Hull.Gov.UK", "domain-verified"),
    ("ceo@social-care.hull.gov.uk", "domain-verified"), ("ceo@nothull.gov.uk", "self-declared"),
    ("ceo@gmail.com", "self-declared")])
def test_a_signature_is_domain_verified_only_from_an_address_at_a_verified_domain_or_below_it(email, assurance):
    command = sign_request(email=email, organisation="hull city council")

    [event] = signatures.request_signature(an_adopted_charter(), None, command, TOKEN, SALT, T0,
                                           organisation=hull("hull.gov.uk"), subjects=SUBJECTS)

    assert event.assurance == assurance and event.organisation_name == "Hull City Council"


def test_a_signature_naming_an_organisation_id_without_a_record_is_refused_naming_organisation_id():
    command = signatures.RequestSignature("charter-1", 1, "", "", "J", "CEO", "j@hull.gov.uk", ALICE,
                                          organisation_id="no such council")

    with pytest.raises(NotFound) as refused:
        signatures.request_signature(an_adopted_charter(), None, command, TOKEN, SALT, T0, subjects=SUBJECTS)

    assert refused.value.field == "organisation_id"


def claimed(email: str = "sam@hull.gov.uk") -> memberships.Membership:
    events = memberships.claim(hull("hull.gov.uk"), None, ClaimMembership("hull city council", email, ALICE), TOKEN,
                               T0)
    state = apply(memberships.evolve, None, logged(events))
    assert state is not None
    return state


def test_membership_is_claimed_only_with_an_address_at_a_verified_domain_and_only_signed_in():
    with pytest.raises(Invalid) as elsewhere:
        memberships.claim(hull("hull.gov.uk"), None, ClaimMembership("x", "sam@gmail.com", ALICE), TOKEN, T0)
    with pytest.raises(Forbidden):
        memberships.claim(hull("hull.gov.uk"), None, ClaimMembership("x", "sam@hull.gov.uk", "anonymous"), TOKEN, T0)

    assert elsewhere.value.field == "email"


def test_the_mailed_link_confirms_membership_only_for_the_claimant_and_only_in_time():
    state = claimed()

    with pytest.raises(Forbidden):
        memberships.confirm(state, ConfirmMembership(state.membership_id, TOKEN, "account-mallory"), T0)
    with pytest.raises(TokenWrong):
        memberships.confirm(state, ConfirmMembership(state.membership_id, "forged", ALICE), T0)
    with pytest.raises(TokenExpired):
        memberships.confirm(state, ConfirmMembership(state.membership_id, TOKEN, ALICE), later(49))
    [event] = memberships.confirm(state, ConfirmMembership(state.membership_id, TOKEN, ALICE), later(1))

    assert (event.account_id, event.organisation_id, event.assurance) == (ALICE, "hull city council",
                                                                          "domain-verified")


def test_a_steward_grants_membership_with_evidence_and_only_the_member_or_a_steward_ends_it():
    with pytest.raises(Forbidden):
        memberships.grant(hull(), None, GrantMembership("x", ALICE, "I know her", "account-bob", PARTICIPANT), T0)
    events = memberships.grant(hull(), None, GrantMembership("x", ALICE, "Called HR", STEWARD, STEWARDS), T0)
    member = apply(memberships.evolve, None, logged(events))
    assert member is not None and (events[0].assurance, events[0].evidence) == ("steward-verified", "Called HR")

    with pytest.raises(Forbidden):
        memberships.end(member, EndMembership(member.membership_id, "account-bob", None, PARTICIPANT), T0)
    [left] = memberships.end(member, EndMembership(member.membership_id, ALICE, "moved on"), T0)

    assert (left.ended_by, left.reason) == (ALICE, "moved on")
