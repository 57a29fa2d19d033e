"""The web pages under attack: script in every rendered text field, forged forms, and people beyond their role."""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass

import pytest
from markupsafe import escape
from playwright.sync_api import Page

from ..conftest import gateway_url
from .clients import PageReader, WebClient
from .pilot_steps import eventually

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMAGE}"
RAW = (SCRIPT, "<img src=x onerror=alert(1)>")


@dataclass
class Hostile:
    """Ids of things whose every text field carries the payload, and the people who made them."""

    base: str
    ids: dict[str, str]
    steward: WebClient
    moderator: WebClient
    participant: WebClient


def did(response) -> dict:
    assert response.status == 201, response.body
    return response.body


@pytest.fixture(scope="module")
def hostile(stack, settings) -> Hostile:
    """A charter, drafts, a comment, a signature, knowledge pages and a pilot, all written by an attacker."""
    web = WebClient(gateway_url(settings))
    steward, attacker, moderator = web.as_user("steward"), web.as_user(), web.as_user("moderator")
    ids = {"charter": did(steward.create_charter(title=PAYLOAD, purpose=PAYLOAD))["charter_id"]}
    ids["draft"] = did(attacker.request("POST", f"/api/v1/charters/{ids['charter']}/drafts", {
        "title": PAYLOAD, "text": PAYLOAD, "change_summary": PAYLOAD, "parents": []}))["draft_id"]
    did(steward.comment_on_passage(ids["draft"], PAYLOAD, SCRIPT, PAYLOAD))
    ids["remix"] = did(steward.remix_drafts(ids["charter"], (ids["draft"],), f"{PAYLOAD} {PAYLOAD}", PAYLOAD))[
        "draft_id"]
    did(steward.adopt_draft(ids["charter"], ids["draft"]))
    organisation = f"{PAYLOAD} {uuid.uuid4().hex[:6]}"
    signer = web.as_user().from_address(f"10.77.{random.randrange(250)}.{random.randrange(250)}")
    ids["signature"] = did(signer.sign_charter(ids["charter"], 1, organisation, f"x{uuid.uuid4().hex[:6]}@example.org",
                                               signatory=PAYLOAD, role=PAYLOAD, statement=PAYLOAD, area=PAYLOAD))[
        "signature_id"]
    did(signer.follow_verification_link(ids["signature"]))
    ids["word"] = "".join(random.choices(string.ascii_lowercase, k=12))
    ids["barrier"] = did(attacker.propose_barrier(f"{PAYLOAD} {ids['word']}", PAYLOAD, tags=(SCRIPT,),
                                                  summary=PAYLOAD))["barrier_id"]
    ids["solution"] = did(attacker.propose_solution(PAYLOAD, PAYLOAD, (ids["barrier"],), steps=(PAYLOAD,),
                                                    organisations=(PAYLOAD,)))["solution_id"]
    did(attacker.endorse(f"barriers/{ids['barrier']}", PAYLOAD))
    did(attacker.flag(f"barriers/{ids['barrier']}", PAYLOAD))
    lead = web.as_user("pilot_lead")
    proposed = eventually(lambda: lead.propose_pilot(organisation, title=PAYLOAD, aims=PAYLOAD, sponsor_name=PAYLOAD,
                                                     sponsor_role=PAYLOAD), lambda r: r.status == 201)
    ids["pilot"] = did(proposed)["pilot_id"]
    did(steward.approve_pilot(ids["pilot"]))
    did(lead.start_pilot(ids["pilot"]))
    last = did(lead.report_progress(ids["pilot"], PAYLOAD, [{"name": PAYLOAD, "value": 3, "unit": IMAGE}]))
    steward.wait_until_read(last["consistency_token"])
    return Hostile(web.base_url, ids, steward, moderator, web.as_user())


PAGES = ["/", "/charters/{charter}", "/charters/{charter}/signatories", "/drafts/{draft}", "/drafts/{remix}",
         "/signatures/{signature}", "/knowledge", "/knowledge/search?q={word}", "/barriers/{barrier}",
         "/barriers/{barrier}/history", "/solutions/{solution}", "/pilots", "/pilots/{pilot}"]


@pytest.mark.parametrize("path", PAGES)
def test_script_in_every_rendered_text_field_comes_back_escaped(hostile, path):
    page = PageReader(hostile.base).open(path.format(**hostile.ids))

    assert page.status == 200, page.body
    assert not [raw for raw in RAW if raw in page.body]
    assert str(escape(PAYLOAD)) in page.body


def test_the_stewards_and_moderators_screens_escape_what_they_show(hostile):
    steward, moderator = PageReader(hostile.base), PageReader(hostile.base)
    steward.sign_in(hostile.steward.account.email, hostile.steward.account.password)
    moderator.sign_in(hostile.moderator.account.email, hostile.moderator.account.password)

    screens = [steward.open("/stewardship"), moderator.open("/moderation")]

    for screen in screens:
        assert screen.status == 200
        assert not [raw for raw in RAW if raw in screen.body]
        assert str(escape(PAYLOAD)) in screen.body


def test_no_script_of_an_attacker_runs_in_a_real_browser(hostile, tab: Page):
    for path in PAGES:
        tab.goto(hostile.base + path.format(**hostile.ids))

        assert tab.locator("img[src=x]").count() == 0
    assert tab.dialogs == []  # type: ignore[attr-defined]



def signed_up(base: str) -> PageReader:
    person = PageReader(base)
    assert person.sign_up(f"p-{uuid.uuid4().hex[:8]}@example.test", "a long enough password").status == 303
    return person


def test_a_form_posted_without_the_sessions_csrf_token_is_refused_and_writes_nothing(hostile):
    person = signed_up(hostile.base)
    person.open(f"/charters/{hostile.ids['charter']}")
    before = hostile.participant.store_head("pledge")

    missing = person.submit("/stewardship/charters", {"title": "Forged", "purpose": "Forged"}, csrf=False)
    wrong = person.submit(f"/drafts/{hostile.ids['remix']}/comments", {"body": "Forged", "csrf_token": "guess"},
                          csrf=False)

    assert missing.status == 403 and wrong.status == 403
    assert "CSRF token" in missing.body
    assert hostile.participant.store_head("pledge") == before


def test_a_sign_in_form_without_its_pre_session_token_is_refused(hostile):
    person = PageReader(hostile.base)

    r = person.submit("/sign-in", {"email": hostile.participant.account.email,
                                   "password": hostile.participant.account.password}, csrf=False)

    assert r.status == 403 and "charter_session" not in person.cookies


@pytest.mark.parametrize("path", ["/stewardship", "/moderation"])
def test_a_participant_is_refused_the_stewardship_and_moderation_screens(hostile, path):
    person = signed_up(hostile.base)

    assert person.open(path).status == 403


def test_a_participant_cannot_adopt_hide_or_approve_through_the_forms_and_nothing_is_written(hostile):
    person = signed_up(hostile.base)
    person.open("/")
    before = hostile.participant.store_head("pledge")
    ids = hostile.ids

    refused = [person.submit(f"/stewardship/charters/{ids['charter']}/adopt", {"draft_id": ids["remix"]}),
               person.submit(f"/moderation/barriers/{ids['barrier']}/hide", {"reason": "mine now"}),
               person.submit(f"/stewardship/pilots/{ids['pilot']}/approve", {})]

    assert [r.status for r in refused] == [403, 403, 403]
    assert hostile.participant.store_head("pledge") == before
    assert PageReader(hostile.base).open(f"/barriers/{ids['barrier']}").status == 200


def test_a_moderator_is_refused_the_stewardship_screen_and_a_steward_sees_it(hostile):
    moderator, steward = PageReader(hostile.base), PageReader(hostile.base)
    moderator.sign_in(hostile.moderator.account.email, hostile.moderator.account.password)
    steward.sign_in(hostile.steward.account.email, hostile.steward.account.password)

    assert moderator.open("/stewardship").status == 403
    assert steward.open("/stewardship").status == 200


def test_any_steward_can_run_a_charter_another_steward_created(hostile):
    other = hostile.steward.as_user("steward")
    screen = PageReader(hostile.base)
    screen.sign_in(other.account.email, other.account.password)

    page = screen.open("/stewardship")

    assert page.status == 200
    assert f"/stewardship/charters/{hostile.ids['charter']}/rounds/" in page.body


# Not the sign form: anyone may sign, the mailed link is the proof (test_my_signatures.py).
@pytest.mark.parametrize("path", ["/stewardship", "/moderation", "/charters/{charter}/drafts/new",
                                  "/barriers/new", "/pilots/new"])
def test_an_anonymous_visitor_is_sent_to_sign_in_for_every_form(hostile, path):
    r = PageReader(hostile.base).open(path.format(**hostile.ids))

    assert r.status == 303 and r.headers["Location"].startswith("/sign-in?next=")


def test_an_anonymous_visitor_reads_every_page_but_their_posts_go_to_sign_in_and_write_nothing(hostile):
    visitor = PageReader(hostile.base)
    before = hostile.participant.store_head("pledge")

    reads = [visitor.open(path.format(**hostile.ids)).status for path in PAGES]
    post = visitor.submit(f"/drafts/{hostile.ids['remix']}/rating", {"stars": "5"})

    assert set(reads) == {200}
    assert post.status == 303 and post.headers["Location"].startswith("/sign-in")
    assert hostile.participant.store_head("pledge") == before
