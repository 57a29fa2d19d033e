"""People with names, through the gateway: a display name chosen at sign-up, shown wherever they are named (the
API's `<field>_person` objects and the web pages), changed by its owner, reset by a moderator, and a public
profile of what they did; never their e-mail, never an id fragment."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from markupsafe import escape

from .clients import Account, Browser, PageReader, WebClient
from .naming import ID_FRAGMENT, UUID, text_of

NAME = "Alex <Rivera> & Co"


@dataclass
class Work:
    person: WebClient
    charter_id: str
    draft_id: str
    barrier_id: str


def named_person(web: WebClient, name: str) -> WebClient:
    """A person who signed up with `name`, acting by API token."""
    email, password = f"named-{uuid.uuid4().hex[:8]}@example.test", "a long enough password"
    anonymous = web.anonymous()
    opened = anonymous.sign_up(email, password, name)
    assert opened.status == 201, opened.body
    token = anonymous.request("POST", "/api/v1/tokens", {"name": "e2e", "email": email, "password": password})
    return WebClient.of(web.base_url, Account(opened.body["account_id"], email, password, token.body["token"]))


@pytest.fixture(scope="module")
def work(stack, settings) -> Work:
    """A named person who drafted, commented on the draft, proposed and edited a barrier, and endorsed it."""
    web = WebClient(f"http://{settings.host}:{settings.gateway_port}")
    person = named_person(web, NAME)
    charter_id = web.as_user("steward").create_charter().body["charter_id"]
    draft = person.propose_draft(charter_id, "We will open our data.", title="Open data first")
    assert draft.status == 201, draft.body
    comment = person.comment_on_draft(draft.body["draft_id"], "Say which data.")
    barrier = person.propose_barrier(f"Barrier {uuid.uuid4().hex[:8]}", "Shared drives are blocked.")
    person.wait_until_read(barrier.body["consistency_token"])
    edited = person.edit_barrier(barrier.body["barrier_id"], 1, title="Shared drives", description="Blocked.")
    endorsed = person.endorse(f"barriers/{barrier.body['barrier_id']}", "Hull City Council")
    for r in (comment, edited, endorsed):
        assert r.status == 201, r.body
    person.wait_until_read(comment.body["consistency_token"], edited.body["consistency_token"],
                           endorsed.body["consistency_token"])
    return Work(person, charter_id, draft.body["draft_id"], barrier.body["barrier_id"])


def test_the_name_chosen_at_sign_up_names_the_author_of_a_draft_and_its_comment_keeping_the_id(work):
    draft = work.person.read_draft(work.draft_id).body

    assert draft["author"] == work.person.actor
    assert draft["author_person"] == {"id": work.person.actor, "name": NAME}
    assert [c["author_person"]["name"] for c in draft["comments"]] == [NAME]


def test_the_name_names_the_author_of_a_knowledge_revision(work):
    history = work.person.read_history(f"barriers/{work.barrier_id}").body

    assert {r["author_person"]["name"] for r in history["items"]} == {NAME}


def test_the_profile_lists_what_the_person_drafted_commented_edited_and_endorsed_without_their_e_mail(work):
    anyone = WebClient(work.person.base_url, anonymous=True)

    profile = anyone.request("GET", f"/api/v1/people/{work.person.actor}")
    html = PageReader(work.person.base_url).open(f"/people/{work.person.actor}")

    assert profile.status == 200 and profile.body["display_name"] == NAME
    assert [d["draft_id"] for d in profile.body["drafted"]] == [work.draft_id]
    assert len(profile.body["commented"]) == 1 and len(profile.body["edited"]) == 2
    assert [e["organisation"] for e in profile.body["endorsed"]] == ["Hull City Council"]
    assert work.person.account.email not in str(profile.body)
    assert html.status == 200 and str(escape(NAME)) in html.body and NAME not in html.body
    assert "Open data first" in html.body and work.person.account.email not in html.body
    assert not ID_FRAGMENT.search(text_of(html.body)) and not UUID.search(text_of(html.body))


def test_the_draft_page_shows_the_name_escaped_and_linked_to_the_profile(work):
    page = PageReader(work.person.base_url).open(f"/drafts/{work.draft_id}").body

    assert f'href="/people/{work.person.actor}"' in page and str(escape(NAME)) in page and NAME not in page


def test_an_owner_changes_their_name_and_the_draft_shows_the_new_one(web):
    person = named_person(web, "Kim Before")
    charter_id = web.as_user("steward").create_charter().body["charter_id"]
    draft = person.propose_draft(charter_id, "A text.").body
    browser = Browser(web.base_url)
    browser.sign_in(person.account.email, person.account.password)

    changed = browser.request("PUT", "/api/v1/account/display-name", {"display_name": "  Kim   After "})

    assert changed.status == 200 and changed.body["display_name"] == "Kim After"
    read = person.read_draft(draft["draft_id"], token=draft["consistency_token"]).body
    assert read["author_person"]["name"] == "Kim After"


def test_an_owner_changes_their_name_on_the_account_page(web):
    person = PageReader.signed_in(named_person(web, "Lou Before"))
    person.open("/account")

    changed = person.submit("/account/display-name", {"display_name": "Lou After"})

    page = person.follow(changed).body
    assert "Your name is changed" in page and "Lou After" in page


def test_a_moderator_resets_an_abusive_name_to_a_neutral_one_recording_who_and_why(web):
    person = named_person(web, "Something abusive")
    moderator = web.as_user("moderator")

    refused = web.as_user().request("POST", f"/api/v1/people/{person.actor}/name-reset", {"reason": "abuse"})
    reset = moderator.request("POST", f"/api/v1/people/{person.actor}/name-reset", {"reason": "abusive name"})

    assert refused.status == 403
    assert reset.status == 200 and re.fullmatch(r"Participant \d{4}", reset.body["display_name"]), reset.body
    profile = web.request("GET", f"/api/v1/people/{person.actor}").body
    assert profile["display_name"] == reset.body["display_name"]
    page = PageReader.signed_in(moderator).open(f"/people/{person.actor}").body
    assert "abusive name" in page and "Something abusive" not in page


@pytest.mark.parametrize("name", ["", "   ", "sam@example.org", "Sam <sam@example.org>", "x" * 61])
def test_a_blank_e_mail_like_or_too_long_name_is_refused_naming_display_name_and_no_account_is_opened(web, name):
    email = f"refused-{uuid.uuid4().hex[:8]}@example.test"
    browser = Browser(web.base_url)

    r = browser.sign_up(email, "a long enough password", name) if name else browser.request(
        "POST", "/api/v1/accounts", {"email": email, "password": "a long enough password", "display_name": name})

    assert r.status == 422 and "display_name" in r.body["errors"], r.body
    assert Browser(web.base_url).sign_in(email, "a long enough password").status == 401


def test_the_web_sign_up_form_refuses_an_e_mail_as_a_name_and_opens_no_account(web):
    email = f"form-{uuid.uuid4().hex[:8]}@example.test"
    form = PageReader(web.base_url)

    r = form.sign_up(email, "a long enough password", "me@example.org")

    assert r.status == 422 and "Never an e-mail address" in r.body
    assert Browser(web.base_url).sign_in(email, "a long enough password").status == 401
