"""Signing without an account, through the gateway: the mailed links are the proof, in the API and the web pages.

Someone who never signed in signs, confirms from the mailed link and withdraws from the mailed withdrawal link; a
wrong or expired token is a clear 422 naming `token` that writes nothing; fresh links work and the old ones do not.
"""

import time
import uuid
from dataclasses import replace
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3

from deploy.local.embedded import free_port
from deploy.local.stack import Stack
from services.gateway.edge.consistency import token_for

from .clients import PageReader

ORGANISATION = "Hull & <b>District</b> Council"  # markup in a name must be shown as text


@pytest.fixture
def charter(web, steward):
    """A charter whose first version is adopted, read by the gateway."""
    charter = steward.create_charter(title="Charter for signing by link")
    charter_id = charter.body["charter_id"]
    draft = web.as_user().propose_draft(charter_id, "We will work in the open.")
    adopted = steward.adopt_draft(charter_id, draft.body["draft_id"])
    steward.wait_until_read(adopted.body["consistency_token"])
    return charter_id


def a_stranger(web):
    """Someone with no account, on a network address of their own (rate limits of other tests never touch them)."""
    return web.from_address(f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9").anonymous()


def signed(stranger, charter_id: str, organisation: str = "") -> SimpleNamespace:
    """A signature the stranger requested, once the gateway has read it."""
    email = f"cx-{uuid.uuid4().hex[:8]}@example.org"
    r = stranger.sign_charter(charter_id, 1, organisation or f"Council {uuid.uuid4().hex[:8]}", email,
                              signatory="Chris Exec", role="chief executive")
    assert r.status == 201, r.body
    stranger.wait_until_read(r.body["consistency_token"])
    return SimpleNamespace(signature_id=r.body["signature_id"], email=email)


def mailed(stranger, signature_id: str) -> dict[str, str]:
    """The links of the latest mail, as paths on the gateway, and their tokens."""
    body = stranger.read_verification_link(signature_id).body
    out = {}
    for name in ("link", "withdrawal_link"):
        parts = urlsplit(body[name])
        out[name], out[name + "_token"] = f"{parts.path}?{parts.query}", parse_qs(parts.query)["token"][0]
    return out


def assert_token_refused(web, before: int, r, code: str) -> None:
    assert (r.status, r.body["code"]) == (422, code), r.body
    assert "token" in r.body["errors"] and r.body["message"], r.body
    assert web.store_head("pledge") == before


def test_a_person_with_no_account_signs_confirms_from_the_link_and_appears_signed(web, charter):
    stranger = a_stranger(web)
    signature = signed(stranger, charter)

    confirmed = stranger.follow_verification_link(signature.signature_id)

    assert confirmed.status == 201, confirmed.body
    stranger.wait_until_read(confirmed.body["consistency_token"])
    [listed] = [s for s in stranger.read_signatories(charter).body["items"]
                if s["signature_id"] == signature.signature_id]
    assert (listed["signatory_name"], listed["signatory_role"]) == ("Chris Exec", "chief executive")


def test_the_confirmation_page_names_what_is_confirmed_and_confirms_without_signing_in(web, charter):
    stranger = a_stranger(web)
    signature = signed(stranger, charter, ORGANISATION)
    browser = PageReader(web.base_url)

    shown = browser.open(mailed(stranger, signature.signature_id)["link"])
    confirmed = browser.follow(browser.submit(f"/signatures/{signature.signature_id}/verify",
                                              {"token": mailed(stranger, signature.signature_id)["link_token"]}))

    assert shown.status == 200, shown.body
    assert "Hull &amp; &lt;b&gt;District&lt;/b&gt; Council" in shown.body and "<b>District" not in shown.body
    assert "Chris Exec" in shown.body and "chief executive" in shown.body
    assert "Charter for signing by link, version 1" in shown.body
    assert confirmed.status == 200 and "Confirmed" in confirmed.body


def test_the_withdrawal_link_withdraws_without_an_account(web, charter):
    stranger = a_stranger(web)
    signature = signed(stranger, charter)
    assert stranger.follow_verification_link(signature.signature_id).status == 201

    withdrawn = stranger.follow_withdrawal_link(signature.signature_id, reason="Board decision")

    assert withdrawn.status == 201, withdrawn.body
    stranger.wait_until_read(withdrawn.body["consistency_token"])
    listed = stranger.read_signatories(charter).body["items"]
    assert signature.signature_id not in [s["signature_id"] for s in listed]


def test_the_withdrawal_page_asks_first_then_withdraws_without_signing_in(web, charter):
    stranger = a_stranger(web)
    signature = signed(stranger, charter, ORGANISATION)
    links = mailed(stranger, signature.signature_id)
    browser = PageReader(web.base_url)

    asked = browser.open(links["withdrawal_link"])
    before = web.store_head("pledge")
    withdrawn = browser.follow(browser.submit(f"/signatures/{signature.signature_id}/withdraw",
                                              {"token": links["withdrawal_link_token"], "reason": "Changed course"}))

    assert asked.status == 200 and "Yes, withdraw the signature" in asked.body
    assert "Hull &amp; &lt;b&gt;District&lt;/b&gt; Council" in asked.body and "Chris Exec" in asked.body
    assert web.store_head("pledge") > before
    assert withdrawn.status == 200 and "Withdrawn" in withdrawn.body


def test_a_wrong_token_is_refused_naming_the_token_and_writes_nothing(web, charter):
    stranger = a_stranger(web)
    signature = signed(stranger, charter)
    before = web.store_head("pledge")

    verify = stranger.verify_signature(signature.signature_id, "not-the-token")
    withdraw = stranger.withdraw_signature_by_link(signature.signature_id, "not-the-token")
    no_token = stranger.withdraw_signature(signature.signature_id)
    page = PageReader(web.base_url)
    page.open(f"/signatures/{signature.signature_id}/verify?token=wrong")
    refused_page = page.submit(f"/signatures/{signature.signature_id}/verify", {"token": "wrong"})

    assert_token_refused(web, before, verify, "token_wrong")
    assert_token_refused(web, before, withdraw, "token_wrong")
    assert_token_refused(web, before, no_token, "validation_failed")
    assert refused_page.status == 422 and "Send me a new link" in refused_page.body


def test_fresh_links_need_the_address_signed_with(web, charter):
    stranger = a_stranger(web)
    signature = signed(stranger, charter)
    before = web.store_head("pledge")

    r = stranger.ask_for_new_signature_links(signature.signature_id, "someone-else@example.org")

    assert (r.status, r.body["code"]) == (422, "validation_failed") and "email" in r.body["errors"], r.body
    assert web.store_head("pledge") == before


@pytest.fixture(scope="module")
def quick_pledge(stack, settings, workdir):
    """A second pledge process whose tokens live one second; the stack's own pledge then sees them expire."""
    quick = Stack(replace(settings, pledge_port=free_port(), signature_token_ttl_s=1.0), log_dir=workdir / "logs")
    quick.start("pledge")
    yield f"http://{settings.host}:{quick.settings.pledge_port}"
    quick.stop()


def test_an_expired_link_is_refused_and_its_page_offers_fresh_links_that_work_while_the_old_do_not(
        web, charter, quick_pledge, settings):
    stranger, email = a_stranger(web), f"slow-{uuid.uuid4().hex[:6]}@example.org"
    reply = urllib3.request("POST", f"{quick_pledge}/charters/{charter}/signatures", json={
        "version": 1, "organisation_name": f"Slow Council {uuid.uuid4().hex[:6]}", "organisation_type": "council",
        "signatory_name": "Sol", "signatory_role": "director", "email": email},
        headers={"X-Internal-Token": settings.internal_token, "X-Actor": "anonymous"}, timeout=15, retries=False)
    assert reply.status == 201, reply.json()
    signature_id = reply.json()["signature_id"]
    stranger.wait_until_read(token_for(reply.json()["stream_id"], reply.json()["version"]))
    old = mailed(stranger, signature_id)
    time.sleep(1.2)
    before = web.store_head("pledge")

    expired = stranger.verify_signature(signature_id, old["link_token"])
    browser = PageReader(web.base_url)
    browser.open(old["link"])
    expired_page = browser.submit(f"/signatures/{signature_id}/verify", {"token": old["link_token"]})
    assert_token_refused(web, before, expired, "token_expired")
    assert expired_page.status == 422 and "/new-links" in expired_page.body

    browser.open(f"/signatures/{signature_id}/new-links")
    resent = browser.submit(f"/signatures/{signature_id}/new-links", {"email": email})
    assert resent.status == 303, resent.body
    fresh = mailed(stranger, signature_id)

    assert fresh["link_token"] != old["link_token"]
    assert_token_refused(web, web.store_head("pledge"),
                         stranger.verify_signature(signature_id, old["link_token"]), "token_wrong")
    assert_token_refused(web, web.store_head("pledge"),
                         stranger.withdraw_signature_by_link(signature_id, old["withdrawal_link_token"]), "token_wrong")
    assert stranger.verify_signature(signature_id, fresh["link_token"]).status == 201
    assert stranger.withdraw_signature_by_link(signature_id, fresh["withdrawal_link_token"]).status == 201
