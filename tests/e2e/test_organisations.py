"""Organisations as records, through the gateway: one organisation for every spelling of its name, e-mail domains a
steward verified with recorded evidence, and signatures shown with what they prove: domain-verified from a confirmed
address at a verified domain, steward-verified when a steward checked, self-declared otherwise."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
from markupsafe import escape

from .clients import PageReader, WebClient
from .pilot_steps import adopted_charter, eventually, propose_barrier
from .test_signing_without_an_account import a_stranger, mailed


def fresh_name() -> str:
    return f"Hull {uuid.uuid4().hex[:8]} City Council"


def recorded(web: WebClient, name: str, domain: str | None = None) -> str:
    """The id of a newly recorded council, with `domain` verified by a steward; read by the gateway."""
    r = web.as_user().request("POST", "/api/v1/organisations", {"name": name, "organisation_type": "council"})
    assert r.status == 201, r.body
    tokens = [r.body["consistency_token"]]
    if domain:
        added = web.as_user("steward").request("POST", f"/api/v1/organisations/{r.body['organisation_id']}/domains",
                                               {"domain": domain, "evidence": "DNS TXT record checked"})
        assert added.status == 201, added.body
        tokens.append(added.body["consistency_token"])
    web.wait_until_read(*tokens)
    return r.body["organisation_id"]


def sign_by_id(stranger: WebClient, charter_id: str, organisation_id: str, email: str) -> str:
    r = stranger.request("POST", f"/api/v1/charters/{charter_id}/signatures", {
        "version": 1, "organisation_id": organisation_id, "signatory_name": "Chris Exec",
        "signatory_role": "chief executive", "email": email})
    assert r.status == 201, r.body
    return r.body["signature_id"]


def confirmed(stranger: WebClient, signature_id: str) -> None:
    r = stranger.follow_verification_link(signature_id)
    assert r.status == 201, r.body
    stranger.wait_until_read(r.body["consistency_token"])


def listed(web: WebClient, charter_id: str, signature_id: str) -> dict:
    return next(s for s in web.read_signatories(charter_id).body["items"] if s["signature_id"] == signature_id)


@pytest.fixture(scope="module")
def charter(stack, settings) -> str:
    return adopted_charter(WebClient(f"http://{settings.host}:{settings.gateway_port}"))


def test_a_signatory_without_an_account_is_domain_verified_withdraws_by_link_and_from_free_mail_is_self_declared(
        web, charter):
    domain = f"hull-{uuid.uuid4().hex[:6]}.gov.uk"
    organisation_id = recorded(web, fresh_name(), domain)
    stranger = a_stranger(web)

    signature_id = sign_by_id(stranger, charter, organisation_id, f"chris.exec@{domain}")
    confirmed(stranger, signature_id)

    shown = listed(web, charter, signature_id)
    assert (shown["assurance"], shown["organisation_id"]) == ("domain-verified", organisation_id)
    assert (shown["signatory_name"], shown["signatory_role"]) == ("Chris Exec", "chief executive")
    page = web.request("GET", f"/api/v1/organisations/{organisation_id}").body
    assert page["domains"] == [domain] and [s["assurance"] for s in page["signatures"]] == ["domain-verified"]
    assert [(c["domain"], c["change"], c["note"]) for c in page["domain_changes"]] == [
        (domain, "verified", "DNS TXT record checked")]

    token = mailed(stranger, signature_id)["withdrawal_link_token"]
    withdrawn = stranger.withdraw_signature_by_link(signature_id, token)
    assert withdrawn.status == 201, withdrawn.body
    stranger.wait_until_read(withdrawn.body["consistency_token"])
    assert signature_id not in {s["signature_id"] for s in web.read_signatories(charter).body["items"]}

    # The same organisation signs again, from a free-mail address this time: the link proves only the mailbox.
    again = sign_by_id(stranger, charter, organisation_id, f"chris.exec.{uuid.uuid4().hex[:6]}@gmail.com")
    confirmed(stranger, again)
    assert (listed(web, charter, again)["assurance"], listed(web, charter, again)["organisation_id"]) == (
        "self-declared", organisation_id)


def test_a_steward_verifies_a_self_declared_signature_recording_how_and_no_one_else_may(web):
    charter_id = adopted_charter(web)
    stranger = a_stranger(web)
    signed = stranger.sign_charter(charter_id, 1, fresh_name(), f"cx-{uuid.uuid4().hex[:6]}@outlook.com")
    signature_id = signed.body["signature_id"]
    confirmed(stranger, signature_id)
    before = web.store_head("pledge")

    refused = web.as_user().request("POST", f"/api/v1/signatures/{signature_id}/assurance",
                                    {"method": "I know them"})
    assert (refused.status, refused.body["code"]) == (403, "forbidden") and web.store_head("pledge") == before

    vouched = web.as_user("steward").request("POST", f"/api/v1/signatures/{signature_id}/assurance",
                                             {"method": "Phoned the chief executive's office on its listed number"})
    assert vouched.status == 201, vouched.body
    web.wait_until_read(vouched.body["consistency_token"])
    shown = listed(web, charter_id, signature_id)
    assert (shown["assurance"], shown["assurance_method"]) == (
        "steward-verified", "Phoned the chief executive's office on its listed number")


def spellings(name: str) -> list[str]:
    """Ways people write one name: doubled spaces, a tab, capitals, full-width letters."""
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    return [name.replace(" ", "  "), name.replace(" ", "\t"), name.upper(), full_width]


def test_every_spelling_of_a_name_is_one_organisation_for_records_signatures_endorsements_and_search(web):
    charter_id = adopted_charter(web)
    name = fresh_name()
    organisation_id = recorded(web, name)
    before = web.store_head("pledge")

    for spelling in spellings(name):
        again = web.as_user().request("POST", "/api/v1/organisations",
                                      {"name": spelling, "organisation_type": "council"})
        assert (again.status, again.body["code"]) == (409, "organisation_already_recorded"), (spelling, again.body)
    assert web.store_head("pledge") == before

    first, *others = spellings(name)
    signed = a_stranger(web).sign_charter(charter_id, 1, first, f"a-{uuid.uuid4().hex[:6]}@example.org")
    assert signed.status == 201, signed.body
    for spelling in others:
        clash = a_stranger(web).sign_charter(charter_id, 1, spelling, f"b-{uuid.uuid4().hex[:6]}@example.org")
        assert clash.status == 409 and "organisation_name" in clash.body["errors"], (spelling, clash.body)

    barrier = propose_barrier(web, f"Barrier {uuid.uuid4().hex[:8]}")
    person = web.as_user()
    assert person.endorse(f"barriers/{barrier}", first).status == 201
    for spelling in others:
        assert person.endorse(f"barriers/{barrier}", spelling).status == 409, spelling

    web.wait_until_read(signed.body["consistency_token"])
    for spelling in [name, *spellings(name)]:
        found = web.request("GET", "/api/v1/organisations", q=spelling).body["items"]
        assert [o["organisation_id"] for o in found] == [organisation_id], spelling
    assert web.request("GET", "/api/v1/organisations", q=name.split()[1]).body["items"][0]["name"] == name


def test_signing_names_an_organisation_by_a_recorded_id_or_by_name_and_type_else_nothing_is_written(web, charter):
    stranger = a_stranger(web)
    before = web.store_head("pledge")

    unknown = stranger.request("POST", f"/api/v1/charters/{charter}/signatures", {
        "version": 1, "organisation_id": "no such council", "signatory_name": "Chris Exec",
        "signatory_role": "chief executive", "email": "cx@example.org"})
    unnamed = stranger.request("POST", f"/api/v1/charters/{charter}/signatures", {
        "version": 1, "signatory_name": "Chris Exec", "signatory_role": "chief executive", "email": "cx@example.org"})

    assert (unknown.status, unknown.body["code"]) == (404, "not_found") and "organisation_id" in unknown.body["errors"]
    assert unnamed.status == 422 and {"organisation_name", "organisation_type"} <= set(unnamed.body["errors"])
    assert web.store_head("pledge") == before


@pytest.mark.parametrize(("domain", "who", "status"), [
    ("gmail.com", "steward", 422), ("not a domain", "steward", 422), ("hull.gov.uk", "participant", 403)])
def test_only_a_steward_verifies_a_domain_and_never_a_free_mail_one_and_a_refusal_writes_nothing(
        web, domain, who, status):
    organisation_id = recorded(web, fresh_name())
    actor = web.as_user("steward") if who == "steward" else web.as_user()
    before = web.store_head("pledge")

    r = actor.request("POST", f"/api/v1/organisations/{organisation_id}/domains",
                      {"domain": domain, "evidence": "they told me"})

    assert r.status == status, r.body
    if status == 422:
        assert "domain" in r.body["errors"], r.body
    assert web.store_head("pledge") == before


def test_a_steward_removes_a_domain_with_a_reason_and_later_signatures_from_it_are_self_declared(web):
    charter_id = adopted_charter(web)
    domain = f"york-{uuid.uuid4().hex[:6]}.gov.uk"
    organisation_id = recorded(web, fresh_name(), domain)
    removed = web.as_user("steward").request("POST", f"/api/v1/organisations/{organisation_id}/domains/removal",
                                             {"domain": domain, "reason": "the council moved to a new domain"})
    assert removed.status == 201, removed.body
    stranger = a_stranger(web)

    signature_id = sign_by_id(stranger, charter_id, organisation_id, f"cx@{domain}")
    confirmed(stranger, signature_id)

    assert listed(web, charter_id, signature_id)["assurance"] == "self-declared"
    page = web.request("GET", f"/api/v1/organisations/{organisation_id}").body
    assert page["domains"] == [] and [c["change"] for c in page["domain_changes"]] == ["verified", "removed"]


def test_a_steward_verifies_a_domain_on_the_organisation_page_and_the_signatories_page_says_domain_verified(web):
    charter_id = adopted_charter(web)
    name = f"Hull & <b>{uuid.uuid4().hex[:6]}</b> Council"
    organisation_id = recorded(web, name)
    domain = f"hull-{uuid.uuid4().hex[:6]}.gov.uk"
    steward = PageReader.signed_in(web.as_user("steward"))
    steward.open(f"/organisations/{quote(organisation_id)}")

    added = steward.submit(f"/organisations/{quote(organisation_id)}/domains",
                           {"domain": domain, "evidence": "Letter from the chief executive"})

    shown = steward.follow(added).body
    assert "The domain is verified" in shown and domain in shown and "Letter from the chief executive" in shown
    assert str(escape(name)) in shown and "<b>" not in shown.split("<main", 1)[-1].split("</h1>")[0]
    stranger = a_stranger(web)
    signature_id = sign_by_id(stranger, charter_id, organisation_id, f"cx@{domain}")
    confirmed(stranger, signature_id)
    signatories = PageReader(web.base_url).open(f"/charters/{charter_id}/signatories").body
    assert "Domain verified" in signatories and f">{escape(name)}</a>" in signatories


def test_the_organisations_page_finds_any_spelling_and_the_sign_form_offers_recorded_names_as_you_type(web):
    name = fresh_name()
    recorded(web, name)
    reader = PageReader(web.base_url)

    charter_id = adopted_charter(web)
    found = reader.open(f"/organisations?q={quote(name.upper().replace(' ', '  '))}").body
    form = eventually(lambda: reader.open(f"/charters/{charter_id}/sign"), lambda r: r.status == 200).body

    assert "1 organisation found" in found and name in found
    assert 'data-lookup="/api/v1/organisations"' in form and 'list="organisation_name-options"' in form


def test_a_refused_domain_on_the_organisation_page_shows_the_error_beside_the_field_and_writes_nothing(web):
    organisation_id = recorded(web, fresh_name())
    steward = PageReader.signed_in(web.as_user("steward"))
    steward.open(f"/organisations/{quote(organisation_id)}")
    before = web.store_head("pledge")

    refused = steward.submit(f"/organisations/{quote(organisation_id)}/domains",
                             {"domain": "gmail.com", "evidence": "They said so"})

    assert refused.status == 422 and "free-mail" in refused.body
    assert web.store_head("pledge") == before


def test_a_steward_reviews_an_organisation_signed_for_without_a_record_by_recording_it_from_its_page(web):
    charter_id = adopted_charter(web)
    name = fresh_name()
    signed = a_stranger(web).sign_charter(charter_id, 1, name, f"cx-{uuid.uuid4().hex[:6]}@example.org")
    web.wait_until_read(signed.body["consistency_token"])
    organisation_id = " ".join(name.casefold().split())
    steward = PageReader.signed_in(web.as_user("steward"))
    review = steward.open(f"/organisations/{quote(organisation_id)}").body
    assert "awaiting a steward's review" in review and f"Record {name}" in review

    recorded_now = steward.submit("/organisations", {"name": name, "organisation_type": "council"})

    assert "The organisation has a record" in steward.follow(recorded_now).body
    listed = web.request("GET", "/api/v1/organisations", q=name).body["items"]
    assert [(o["organisation_id"], o["recorded"]) for o in listed] == [(organisation_id, True)]


def test_a_refused_check_of_a_signature_shows_its_error_on_that_signatures_form_only(web):
    charter_id = adopted_charter(web)
    name = fresh_name()
    stranger = a_stranger(web)
    signed = stranger.sign_charter(charter_id, 1, name, f"cx-{uuid.uuid4().hex[:6]}@outlook.com")
    confirmed(stranger, signed.body["signature_id"])
    organisation_id = " ".join(name.casefold().split())
    steward = PageReader.signed_in(web.as_user("steward"))
    steward.open(f"/organisations/{quote(organisation_id)}")

    refused = steward.submit(f"/organisations/{quote(organisation_id)}/signatures/{signed.body['signature_id']}"
                             "/assurance", {"method": "  "})

    assert refused.status == 422 and refused.body.count("There is a problem") == 1
    assert "<title>Error: " in refused.body and 'href="#vouch-1-method"' in refused.body
    assert 'id="vouch-1-method"' in refused.body
