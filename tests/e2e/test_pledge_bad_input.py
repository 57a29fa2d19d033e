"""Bad input to the pledge: every refusal is a clear 4xx naming the field, and writes nothing."""

import time
import uuid
from dataclasses import replace
from types import SimpleNamespace

import pytest
import urllib3

from deploy.local.embedded import free_port
from deploy.local.stack import Stack

UNKNOWN = str(uuid.uuid4())



def assert_refused(web, before: int, r, status: int, field: str | None) -> None:
    assert r.status == status, r.body
    assert r.body["message"]
    if field:
        assert field in r.body["errors"], r.body
    assert web.store_head("pledge") == before


@pytest.fixture
def pledge(web, steward):
    """A charter a steward created, with one draft by a participant, and another charter."""
    author = web.as_user()
    charter = steward.create_charter()
    draft = author.propose_draft(charter.body["charter_id"], "We will work in the open.")
    other_charter = steward.create_charter(title="Another charter")
    other_draft = steward.propose_draft(other_charter.body["charter_id"], "Text of another charter.")
    writes = (charter, draft, other_charter, other_draft)
    steward.wait_until_read(*(w.body["consistency_token"] for w in writes))
    return SimpleNamespace(steward=steward, author=author, charter_id=charter.body["charter_id"],
                           draft_id=draft.body["draft_id"], other_draft_id=other_draft.body["draft_id"])


@pytest.fixture
def adopted(pledge):
    """The charter with its draft adopted as version 1, ready to sign."""
    assert pledge.steward.adopt_draft(pledge.charter_id, pledge.draft_id).status == 201
    return pledge


def a_signer(web):
    """A participant on a network address of their own, so rate limits of other tests do not touch them."""
    return web.as_user().from_address(f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7")


def sign(signer, p, email: str = "", organisation: str = ""):
    return signer.sign_charter(p.charter_id, 1, organisation or f"Org {uuid.uuid4().hex[:8]}",
                               email or f"s-{uuid.uuid4().hex[:8]}@example.org")


UNKNOWN_IDS = {
    "open a round of an unknown charter": (lambda p: p.steward.open_round(UNKNOWN), "charter_id"),
    "close a round of an unknown charter": (lambda p: p.steward.close_round(UNKNOWN), "charter_id"),
    "adopt an unknown draft": (lambda p: p.steward.adopt_draft(p.charter_id, UNKNOWN), "draft_id"),
    "rate an unknown draft": (lambda p: p.steward.rate_draft(UNKNOWN, 4), "draft_id"),
    "retract a rating of an unknown draft": (lambda p: p.steward.retract_rating(UNKNOWN), "draft_id"),
    "withdraw an unknown draft": (lambda p: p.steward.withdraw_draft(UNKNOWN), "draft_id"),
    "comment on an unknown draft": (lambda p: p.steward.comment_on_draft(UNKNOWN, "Hello"), "draft_id"),
    "reply to an unknown comment": (lambda p: p.steward.comment_on_draft(p.draft_id, "Hi", UNKNOWN), "reply_to"),
    "remix an unknown draft": (lambda p: p.steward.remix_drafts(p.charter_id, (UNKNOWN,), "Text"), "parents"),
    "sign an unknown charter": (lambda p: sign(p.steward, SimpleNamespace(charter_id=UNKNOWN)), "charter_id"),
    "verify an unknown signature": (lambda p: p.steward.verify_signature(UNKNOWN, "t0ken"), "signature_id"),
    "withdraw an unknown signature": (lambda p: p.steward.withdraw_signature(UNKNOWN), "signature_id"),
}


@pytest.mark.parametrize("case", UNKNOWN_IDS.values(), ids=UNKNOWN_IDS.keys())
def test_a_command_naming_an_unknown_id_is_a_404_naming_it(web, pledge, case):
    act, field = case
    before = web.store_head("pledge")

    r = act(pledge)

    assert_refused(web, before, r, 404, field)


REFUSALS = {
    "rating 0": (lambda p: p.steward.rate_draft(p.draft_id, 0), 422, "stars"),
    "rating 6": (lambda p: p.steward.rate_draft(p.draft_id, 6), 422, "stars"),
    "rating in words": (lambda p: p.steward.rate_draft(p.draft_id, "five"), 422, "stars"),
    "rating one's own draft": (lambda p: p.author.rate_draft(p.draft_id, 5), 403, "draft_id"),
    "empty comment": (lambda p: p.steward.comment_on_draft(p.draft_id, ""), 422, "body"),
    "blank comment": (lambda p: p.steward.comment_on_draft(p.draft_id, "   "), 422, "body"),
    "comment over the limit": (lambda p: p.steward.comment_on_draft(p.draft_id, "x" * 4_001), 422, "body"),
    "misquoted passage": (lambda p: p.steward.request("POST", f"/api/v1/drafts/{p.draft_id}/comments", {
        "body": "Why?", "quote": "in the dark", "passage_start": 0, "passage_end": 11}), 422, "quote"),
    "blank draft title": (lambda p: p.steward.propose_draft(p.charter_id, "Text", title="  "), 422, "title"),
    "remix text over the limit": (
        lambda p: p.steward.remix_drafts(p.charter_id, (p.draft_id,), "x" * 20_001), 422, "text"),
    "remix of another charter's draft": (
        lambda p: p.steward.remix_drafts(p.charter_id, (p.other_draft_id,), "Mixed"), 422, "parents"),
    "opening a round while one is open": (lambda p: p.steward.open_round(p.charter_id), 409, "charter_id"),
    "participant adopting": (lambda p: p.author.adopt_draft(p.charter_id, p.draft_id), 403, None),
    "participant closing the round": (lambda p: p.author.close_round(p.charter_id), 403, None),
    "withdrawing another's draft": (lambda p: p.steward.withdraw_draft(p.draft_id), 403, "draft_id"),
    "retracting a rating never given": (lambda p: p.steward.retract_rating(p.draft_id), 404, "draft_id"),
    "signing a version never adopted": (lambda p: sign(p.steward, p), 404, "version"),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_drafting_command_is_a_clear_4xx_and_writes_nothing(web, pledge, case):
    act, status, field = case
    before = web.store_head("pledge")

    r = act(pledge)

    assert_refused(web, before, r, status, field)


def test_a_participant_creating_a_charter_is_a_403_and_writes_nothing(web):
    before = web.store_head("pledge")

    r = web.create_charter(title="A charter of my own")

    assert_refused(web, before, r, 403, None)
    assert r.body["code"] == "forbidden" and "steward" in r.body["message"]


def test_proposing_after_the_round_closed_is_refused(web, pledge):
    pledge.steward.close_round(pledge.charter_id)
    before = web.store_head("pledge")

    r = pledge.author.propose_draft(pledge.charter_id, "Too late.")

    assert_refused(web, before, r, 409, "charter_id")


@pytest.mark.parametrize("closes_at", ["2001-01-01T00:00:00Z", "2999-01-01T00:00:00", "next week"])
def test_a_round_must_close_at_a_future_moment_with_a_time_zone(web, pledge, closes_at):
    pledge.steward.close_round(pledge.charter_id)
    before = web.store_head("pledge")

    r = pledge.steward.open_round(pledge.charter_id, closes_at)

    assert_refused(web, before, r, 422, "closes_at")


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "@example.org", "+tag@example.org", "a b@example.org"])
def test_signing_with_an_invalid_email_is_refused(web, adopted, email):
    before = web.store_head("pledge")

    r = sign(a_signer(web), adopted, email=email)

    assert_refused(web, before, r, 422, "email")


def test_a_second_live_signature_for_the_same_organisation_is_refused(web, adopted):
    sign(a_signer(web), adopted, organisation="Riverside Council")
    before = web.store_head("pledge")

    r = sign(a_signer(web), adopted, organisation="  riverside   COUNCIL ")

    assert_refused(web, before, r, 409, "organisation_name")


def test_a_wrong_verification_token_is_refused(web, adopted):
    signature_id = sign(a_signer(web), adopted).body["signature_id"]
    before = web.store_head("pledge")

    r = web.verify_signature(signature_id, "not-the-token")

    assert_refused(web, before, r, 422, "token")


def test_one_email_in_any_spelling_may_sign_five_times_an_hour(web, adopted):
    signer, name = a_signer(web), f"pat.{uuid.uuid4().hex[:8]}"
    for tag in range(5):
        assert sign(signer, adopted, email=f" {name.title()}+{tag}@Example.org").status == 201
    before = web.store_head("pledge")

    r = sign(a_signer(web), adopted, email=f"{name}@example.org")

    assert_refused(web, before, r, 429, "email")
    assert r.body["code"] == "rate_limited"
    assert 0 < int(r.headers["Retry-After"]) <= 3600  # when the oldest of the hour's five leaves the window


def test_one_network_address_may_sign_twenty_times_an_hour(web, adopted):
    signer = a_signer(web)
    for _ in range(20):
        assert sign(signer, adopted).status == 201
    before = web.store_head("pledge")

    r = sign(signer, adopted)

    assert_refused(web, before, r, 429, None)
    assert r.body["code"] == "rate_limited"
    assert 0 < int(r.headers["Retry-After"]) <= 3600


@pytest.fixture(scope="module")
def quick_pledge(stack, settings, workdir):
    """A second pledge process whose tokens live one second; the stack's own pledge then sees them expire."""
    quick = Stack(replace(settings, pledge_port=free_port(), signature_token_ttl_s=1.0), log_dir=workdir / "logs")
    quick.start("pledge")
    yield f"http://{settings.host}:{quick.settings.pledge_port}"
    quick.stop()


def test_an_expired_verification_token_is_refused(web, adopted, quick_pledge, settings):
    reply = urllib3.request("POST", f"{quick_pledge}/charters/{adopted.charter_id}/signatures", json={
        "version": 1, "organisation_name": "Slow Council", "organisation_type": "council", "signatory_name": "Sol",
        "signatory_role": "director", "email": f"sol-{uuid.uuid4().hex[:6]}@example.org"},
        headers={"X-Internal-Token": settings.internal_token, "X-Actor": "sol"}, timeout=15, retries=False)
    assert reply.status == 201, reply.json()
    time.sleep(1.2)
    before = web.store_head("pledge")

    r = web.follow_verification_link(reply.json()["signature_id"])

    assert_refused(web, before, r, 422, "token")
    assert "expired" in r.body["message"]


QUERIES = {
    "an unknown draft": (lambda p: p.steward.read_draft(UNKNOWN), 404, "draft_id"),
    "a diff with an unknown draft": (lambda p: p.steward.compare_drafts(p.draft_id, UNKNOWN), 404, "other_draft_id"),
    "credits of an unknown draft": (lambda p: p.steward.read_credits(UNKNOWN), 404, "draft_id"),
    "the leaderboard of an unknown charter": (lambda p: p.steward.read_leaderboard(UNKNOWN), 404, "charter_id"),
    "a round that is not a number": (lambda p: p.steward.read_leaderboard(p.charter_id, round="x"), 400, "round"),
    "signatories of a version never adopted": (
        lambda p: p.steward.read_signatories(p.charter_id, version="9"), 404, "version"),
    "a verification link never sent": (lambda p: p.steward.read_verification_link(UNKNOWN), 404, "signature_id"),
}


@pytest.mark.parametrize("case", QUERIES.values(), ids=QUERIES.keys())
def test_a_query_about_something_unknown_is_a_4xx_naming_it(pledge, case):
    act, status, field = case

    r = act(pledge)

    assert r.status == status and field in r.body["errors"], r.body
