"""Members of organisations, through the gateway: an account belongs to an organisation once a link mailed to its
address at a verified domain comes back signed in as that account, or once a steward checked; a pilot lead proposes
pilots only for organisations they belong to."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from services.pledge.domain.memberships import membership_stream_id

from .clients import PageReader, WebClient
from .pilot_steps import adopted_charter, eventually, sign_and_verify
from .test_organisations import fresh_name, recorded


def claimed(person: WebClient, organisation_id: str, email: str) -> tuple[str, str]:
    """The membership id and the mailed link's token of a claim the person made."""
    r = person.request("POST", f"/api/v1/organisations/{quote(organisation_id)}/memberships", {"email": email})
    assert r.status == 201, r.body
    link = person.request("GET", f"/dev/verification-links/{r.body['membership_id']}").body["link"]
    return r.body["membership_id"], parse_qs(urlsplit(link).query)["token"][0]


def organisations_of(person: WebClient, *tokens: str) -> list[str]:
    person.wait_until_read(*tokens)
    return [o["organisation_id"] for o in person.request("GET", "/api/v1/account/organisations").body["items"]]


@pytest.fixture
def council(web) -> tuple[str, str]:
    """A recorded council with a verified domain: its id and the domain."""
    domain = f"wakefield-{uuid.uuid4().hex[:6]}.gov.uk"
    return recorded(web, fresh_name(), domain), domain


def test_a_person_claims_membership_with_an_address_at_a_verified_domain_and_the_signed_in_link_confirms_it(
        web, council):
    organisation_id, domain = council
    person = web.as_user()

    membership_id, token = claimed(person, organisation_id, f"sam.lead@{domain}")
    confirmed = person.request("POST", f"/api/v1/memberships/{membership_id}/confirmation", {"token": token})

    assert confirmed.status == 201, confirmed.body
    assert organisations_of(person, confirmed.body["consistency_token"]) == [organisation_id]
    page = web.request("GET", f"/api/v1/organisations/{quote(organisation_id)}").body
    [member] = page["members"]
    assert (member["member"], member["assurance"]) == (person.actor, "domain-verified")
    assert member["member_person"]["name"] and person.account.email not in str(page)


def test_a_claim_from_an_address_elsewhere_is_refused_naming_email_and_writes_nothing(web, council):
    organisation_id, _ = council
    before = web.store_head("pledge")

    r = web.as_user().request("POST", f"/api/v1/organisations/{quote(organisation_id)}/memberships",
                              {"email": "sam.lead@gmail.com"})

    assert r.status == 422 and "email" in r.body["errors"], r.body
    assert web.store_head("pledge") == before


def test_only_the_account_that_claimed_confirms_and_a_wrong_token_confirms_nothing(web, council):
    organisation_id, domain = council
    person, other = web.as_user(), web.as_user()
    membership_id, token = claimed(person, organisation_id, f"kim@{domain}")
    before = web.store_head("pledge")

    by_other = other.request("POST", f"/api/v1/memberships/{membership_id}/confirmation", {"token": token})
    wrong = person.request("POST", f"/api/v1/memberships/{membership_id}/confirmation", {"token": "forged"})

    assert (by_other.status, by_other.body["code"]) == (403, "forbidden")
    assert (wrong.status, wrong.body["code"]) == (422, "token_wrong") and "token" in wrong.body["errors"]
    assert web.store_head("pledge") == before


def test_a_pilot_lead_proposes_only_for_an_organisation_they_belong_to(web):
    charter_id = adopted_charter(web)
    organisation = fresh_name()
    sign_and_verify(web, charter_id, organisation)
    outsider, lead = web.as_user("pilot_lead"), web.as_user("pilot_lead")
    lead.join(organisation)

    proposed = eventually(lambda: lead.propose_pilot(organisation), lambda r: r.status == 201)
    before = web.store_head("pilots")
    refused = outsider.propose_pilot(organisation, member=False)

    assert proposed.status == 201, proposed.body
    assert (refused.status, refused.body["code"]) == (403, "not_a_member"), refused.body
    assert "organisation_id" in refused.body["errors"] and web.store_head("pilots") == before


def test_a_member_who_leaves_can_no_longer_propose_a_pilot_for_the_organisation(web):
    charter_id = adopted_charter(web)
    organisation = fresh_name()
    sign_and_verify(web, charter_id, organisation)
    lead = web.as_user("pilot_lead")
    lead.join(organisation)
    eventually(lambda: lead.propose_pilot(organisation, title="First"), lambda r: r.status == 201)
    [membership] = lead.request("GET", "/api/v1/account/organisations").body["items"]

    left = lead.request("POST", f"/api/v1/memberships/{membership['membership_id']}/end", {"reason": "moved on"})

    assert left.status == 201, left.body
    refused = eventually(lambda: lead.propose_pilot(organisation, title="Second", member=False),
                         lambda r: r.status == 403)
    assert refused.body["code"] == "not_a_member"
    assert organisations_of(lead, left.body["consistency_token"]) == []


def test_only_a_steward_confirms_a_membership_they_checked(web, council):
    organisation_id, _ = council
    person = web.as_user()
    before = web.store_head("pledge")

    refused = web.as_user().request("POST", f"/api/v1/organisations/{quote(organisation_id)}/members",
                                    {"account_id": person.actor, "evidence": "trust me"})
    assert refused.status == 403 and web.store_head("pledge") == before
    granted = web.as_user("steward").request("POST", f"/api/v1/organisations/{quote(organisation_id)}/members",
                                             {"account_id": person.actor, "evidence": "Called the HR office"})

    assert granted.status == 201, granted.body
    page = web.request("GET", f"/api/v1/organisations/{quote(organisation_id)}",
                       consistency_token=granted.body["consistency_token"]).body
    assert [m["assurance"] for m in page["members"]] == ["steward-verified"]


def test_a_person_claims_on_the_organisation_page_and_the_mailed_link_opens_a_page_that_confirms_it(web, council):
    organisation_id, domain = council
    person = web.as_user()
    reader = PageReader.signed_in(person)
    reader.open(f"/organisations/{quote(organisation_id)}")

    asked = reader.submit(f"/organisations/{quote(organisation_id)}/memberships", {"email": f"lee@{domain}"})

    membership_id = membership_stream_id(organisation_id, person.actor)
    back = reader.follow(asked).body
    assert "We e-mailed a link" in back and f'href="/dev/mailbox/{membership_id}"' in back
    mail = reader.open(f"/dev/mailbox/{membership_id}").body
    assert "belong to your organisation" in mail and "confirm your signature" not in mail.lower()
    link = person.request("GET", f"/dev/verification-links/{membership_id}").body["link"]
    token = parse_qs(urlsplit(link).query)["token"][0]

    shown = reader.open(f"/memberships/{membership_id}/confirm?token={token}")
    done = reader.submit(f"/memberships/{membership_id}/confirm", {"token": token})

    assert shown.status == 200 and "Confirm that you belong to" in shown.body
    assert "You belong to" in reader.follow(done).body


def test_the_account_page_lists_the_organisations_a_person_belongs_to_and_leaving_there_ends_it(web, council):
    organisation_id, _ = council
    person = web.as_user()
    granted = web.as_user("steward").request("POST", f"/api/v1/organisations/{quote(organisation_id)}/members",
                                             {"account_id": person.actor, "evidence": "Called the HR office"})
    person.wait_until_read(granted.body["consistency_token"])
    reader = PageReader.signed_in(person)
    listed = reader.open("/account").body
    assert "Your organisations" in listed and f'href="/organisations/{quote(organisation_id)}"' in listed

    left = reader.submit(f"/memberships/{granted.body['membership_id']}/end", {})

    assert "You no longer belong to the organisation" in reader.follow(left).body
    assert organisations_of(person) == []
