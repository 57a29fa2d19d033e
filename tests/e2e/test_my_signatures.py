"""My signatures, through the gateway: a signed-in signatory lists what they signed and withdraws after confirming.

Anyone may use the web sign form (the mailed link is the proof); who requested a signature stays private, so no
other account sees it in its list, is offered its withdrawal, or can withdraw it.
"""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3

from .clients import PageReader

ORGANISATION = "Leeds & <i>Wharfe</i> Council"  # markup in a name must be shown as text
SHOWN = "Leeds &amp; &lt;i&gt;Wharfe&lt;/i&gt; Council"
CHARTER = "Charter <b>for</b> my signatures"
CHARTER_SHOWN = "Charter &lt;b&gt;for&lt;/b&gt; my signatures"


class Forwarded:
    """An HTTP pool whose requests say they come from `ip` (the gateway trusts one proxy in the tests), so the
    pledge's limits on signing from one address never meet those of other tests."""

    def __init__(self, ip: str) -> None:
        self.ip, self.pool = ip, urllib3.PoolManager()

    def request(self, method: str, url: str, headers: dict | None = None, **kwargs):
        return self.pool.request(method, url, headers={**(headers or {}), "X-Forwarded-For": self.ip}, **kwargs)


def an_address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def a_browser(web, person=None) -> PageReader:
    """A web browser of its own address, signed in as `person` when given."""
    browser = PageReader(web.base_url, Forwarded(an_address()))
    if person is not None:
        assert browser.sign_in(person.account.email, person.account.password).status == 303
    return browser


@pytest.fixture
def charter(web, steward):
    """A charter whose first version is adopted, read by the gateway."""
    charter_id = steward.create_charter(title=CHARTER).body["charter_id"]
    draft = web.as_user().propose_draft(charter_id, "We will work in the open.")
    adopted = steward.adopt_draft(charter_id, draft.body["draft_id"])
    steward.wait_until_read(adopted.body["consistency_token"])
    return charter_id


def sign_with_the_form(browser: PageReader, charter_id: str, organisation: str = ORGANISATION):
    """Fill in and send the web sign form; the reply (a redirect to the signature's page when it is accepted)."""
    assert browser.open(f"/charters/{charter_id}/sign").status == 200
    return browser.submit(f"/charters/{charter_id}/sign", {
        "organisation_name": organisation, "organisation_type": "council", "area": "", "statement": "",
        "signatory_name": "Robin <Signer>", "signatory_role": "clerk",
        "email": f"rs-{uuid.uuid4().hex[:8]}@example.org"})


def signature_id_of(response) -> str:
    return response.headers["Location"].split("?")[0].rstrip("/").rsplit("/", 1)[1]


def token_of(response) -> str:
    """The consistency token a form's redirect carries: reads that pass it see the form's write."""
    return parse_qs(urlsplit(response.headers["Location"]).query)["consistency_token"][0]


def test_a_signed_in_person_signs_with_the_web_form_and_finds_it_in_their_signatures(web, charter):
    person = web.as_user()
    browser = a_browser(web, person)

    signed = sign_with_the_form(browser, charter)
    listed = browser.open(f"/account/signatures?consistency_token={token_of(signed)}")
    [mine] = person.request("GET", "/api/v1/account/signatures", consistency_token=token_of(signed)).body["items"]

    assert signed.status == 303, signed.body
    assert listed.status == 200 and SHOWN in listed.body and "<i>Wharfe" not in listed.body
    assert CHARTER_SHOWN in listed.body and "Waiting for e-mail confirmation" in listed.body
    assert f"/signatures/{signature_id_of(signed)}/withdraw" in listed.body
    assert (mine["signature_id"], mine["organisation_name"], mine["charter_title"], mine["version"],
            mine["status"]) == (signature_id_of(signed), ORGANISATION, CHARTER, 1, "pending")
    assert mine["requested_at"].endswith("Z") and mine["withdrawn_at"] is None
    assert "/account/signatures" in browser.open("/account").body


def test_withdrawing_from_my_signatures_asks_first_then_the_list_shows_it_withdrawn(web, charter):
    person = web.as_user()
    browser = a_browser(web, person)
    signed = sign_with_the_form(browser, charter)
    signature_id = signature_id_of(signed)
    assert "Withdraw…" in browser.follow(signed).body
    before = web.store_head("pledge")

    asked = browser.open(f"/signatures/{signature_id}/withdraw?next=/account/signatures")
    asking_wrote = web.store_head("pledge") - before
    withdrawn = browser.submit(f"/signatures/{signature_id}/withdraw",
                               {"next": "/account/signatures", "reason": "Board decision"})
    listed = browser.follow(withdrawn)

    assert asked.status == 200 and asking_wrote == 0
    assert (f"Are you sure you want to withdraw {SHOWN}’s signature of {CHARTER_SHOWN} version 1?"
            in asked.body)
    assert withdrawn.status == 303 and withdrawn.headers["Location"].startswith("/account/signatures")
    assert web.store_head("pledge") > before
    assert "Withdrawn" in listed.body and f"/signatures/{signature_id}/withdraw" not in listed.body
    [mine] = person.request("GET", "/api/v1/account/signatures", consistency_token=token_of(withdrawn)).body["items"]
    assert mine["status"] == "withdrawn" and mine["withdrawn_at"]


def test_another_account_neither_sees_nor_withdraws_someone_elses_signature(web, charter):
    signer = web.as_user().from_address(an_address())
    signed = signer.sign_charter(charter, 1, ORGANISATION, f"o-{uuid.uuid4().hex[:8]}@example.org")
    assert signed.status == 201, signed.body
    signer.wait_until_read(signed.body["consistency_token"])
    signature_id = signed.body["signature_id"]
    other = web.as_user()
    browser = a_browser(web, other)
    before = web.store_head("pledge")

    listed = other.request("GET", "/api/v1/account/signatures").body
    public_page = browser.open(f"/signatures/{signature_id}")
    asked = browser.open(f"/signatures/{signature_id}/withdraw")
    by_form = browser.submit(f"/signatures/{signature_id}/withdraw", {"reason": "Not mine"})
    by_api = other.withdraw_signature(signature_id, "Not mine")

    assert listed["items"] == [] and listed["total"] == 0
    assert "Withdraw…" not in public_page.body and "withdrawal link in the e-mail" in public_page.body
    assert "Yes, withdraw the signature" not in asked.body and "Are you sure" not in asked.body
    assert by_form.status == 403 and by_api.status == 403, (by_form.status, by_api.body)
    assert web.store_head("pledge") == before
    assert signature_id not in browser.open("/account/signatures").body


def test_someone_without_an_account_signs_with_the_web_form_and_is_told_to_follow_the_mailed_link(web, charter):
    browser = a_browser(web)

    signed = sign_with_the_form(browser, charter, f"Parish {uuid.uuid4().hex[:6]} <b>Council</b>")
    shown = browser.follow(signed)

    assert signed.status == 303, signed.body
    assert "your signature counts only once you follow that link" in shown.body
    assert "Waiting for e-mail confirmation" in shown.body and "&lt;b&gt;Council&lt;/b&gt;" in shown.body
    assert "Robin &lt;Signer&gt;" in shown.body
    assert "Withdraw…" not in shown.body and "withdrawal link in the e-mail" in shown.body


def test_the_anonymous_sign_form_without_its_pre_session_token_is_refused_and_writes_nothing(web, charter):
    browser = a_browser(web)
    browser.open(f"/charters/{charter}/sign")
    before = web.store_head("pledge")

    missing = browser.submit(f"/charters/{charter}/sign", {"organisation_name": "Forged Council",
                                                           "organisation_type": "council", "signatory_name": "F",
                                                           "signatory_role": "F", "email": "f@example.org"},
                             csrf=False)

    assert missing.status == 403
    assert web.store_head("pledge") == before


def test_my_signatures_needs_an_account(web):
    anonymous = web.anonymous()

    api = anonymous.request("GET", "/api/v1/account/signatures")
    page = a_browser(web).open("/account/signatures")

    assert (api.status, api.body["code"]) == (401, "unauthenticated")
    assert page.status == 303 and page.headers["Location"].startswith("/sign-in?next=")
