"""The pledge's data rules through the gateway: a draft is adopted once, rounds close at their closing date, and
text blank once trimmed is refused, each as a clear 4xx that writes nothing (and a form that says why)."""

import time
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from .clients import PageReader

BLANK = " \t\n "


def assert_refused(web, before: int, r, status: int, code: str, field: str) -> None:
    assert (r.status, r.body["code"]) == (status, code), r.body
    assert field in r.body["errors"], r.body
    assert web.store_head("pledge") == before


@pytest.fixture
def pledge(web, steward):
    """A charter with one draft by a participant, read by the gateway."""
    author = web.as_user()
    charter = steward.create_charter()
    charter_id = charter.body["charter_id"]
    draft = author.propose_draft(charter_id, "We will work in the open.")
    steward.wait_until_read(charter.body["consistency_token"], draft.body["consistency_token"])
    return SimpleNamespace(steward=steward, author=author, charter_id=charter_id, draft_id=draft.body["draft_id"])


def test_a_draft_adopted_once_is_refused_a_second_adoption_in_a_later_round(web, pledge):
    assert pledge.steward.adopt_draft(pledge.charter_id, pledge.draft_id).status == 201
    assert pledge.steward.open_round(pledge.charter_id).status == 201
    before = web.store_head("pledge")

    r = pledge.steward.adopt_draft(pledge.charter_id, pledge.draft_id)

    assert_refused(web, before, r, 409, "draft_already_adopted", "draft_id")
    assert "version 1" in r.body["message"]


def test_a_round_reads_closed_once_its_closing_date_passes_and_refuses_drafting(web, pledge):
    closes = datetime.now(UTC) + timedelta(seconds=3)
    assert pledge.steward.close_round(pledge.charter_id).status == 201
    opened = pledge.steward.open_round(pledge.charter_id, closes.isoformat().replace("+00:00", "Z"))
    assert opened.status == 201, opened.body
    during = pledge.steward.read_charter(pledge.charter_id, opened.body["consistency_token"])
    assert (during.body["round_open"], during.body["open_round"]["round_number"]) == (True, 2)
    assert "Round 2 is open" in PageReader(web.base_url).open(f"/charters/{pledge.charter_id}").body
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.5)

    after = pledge.steward.request("GET", f"/api/v1/charters/{pledge.charter_id}",
                                   headers={"If-None-Match": during.headers["ETag"]})

    assert after.status == 200, "the ETag of the open round must not match once it closed"
    assert (after.body["round_open"], after.body["open_round"]) == (False, None)
    listed = pledge.steward.request("GET", "/api/v1/charters", limit="100")
    assert [c["round_open"] for c in listed.body["items"] if c["charter_id"] == pledge.charter_id] in ([False], [])
    assert "Round 2 is open" not in PageReader(web.base_url).open(f"/charters/{pledge.charter_id}").body
    before = web.store_head("pledge")
    for refused in (pledge.author.propose_draft(pledge.charter_id, "Too late."),
                    pledge.steward.rate_draft(pledge.draft_id, 4),
                    pledge.steward.comment_on_draft(pledge.draft_id, "Too late.")):
        assert_refused(web, before, refused, 409, "round_closed_error", "charter_id")


def sign_body(p, **fields):
    return {"version": 1, "organisation_name": f"Org {uuid.uuid4().hex[:8]}", "organisation_type": "council",
            "signatory_name": "Sam Signer", "signatory_role": "chief executive",
            "email": f"s-{uuid.uuid4().hex[:8]}@example.org"} | fields


BLANKS = {
    "charter title": (lambda p: p.steward.create_charter(title=BLANK), "title"),
    "charter purpose": (lambda p: p.steward.create_charter(purpose=BLANK), "purpose"),
    "draft title": (lambda p: p.author.propose_draft(p.charter_id, "Text", title=BLANK), "title"),
    "draft text": (lambda p: p.author.propose_draft(p.charter_id, BLANK), "text"),
    "comment body": (lambda p: p.steward.comment_on_draft(p.draft_id, BLANK), "body"),
    "organisation name": (lambda p: p.signer.request(
        "POST", f"/api/v1/charters/{p.charter_id}/signatures", sign_body(p, organisation_name=BLANK)),
        "organisation_name"),
    "signatory name": (lambda p: p.signer.request(
        "POST", f"/api/v1/charters/{p.charter_id}/signatures", sign_body(p, signatory_name=BLANK)), "signatory_name"),
    "signatory role": (lambda p: p.signer.request(
        "POST", f"/api/v1/charters/{p.charter_id}/signatures", sign_body(p, signatory_role=BLANK)), "signatory_role"),
}


@pytest.mark.parametrize("case", BLANKS.values(), ids=BLANKS.keys())
def test_text_blank_once_trimmed_is_a_422_naming_the_field_and_writes_nothing(web, pledge, case):
    act, field = case
    assert pledge.steward.adopt_draft(pledge.charter_id, pledge.draft_id).status == 201
    pledge.signer = web.as_user().from_address(f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9")
    before = web.store_head("pledge")

    r = act(pledge)

    assert_refused(web, before, r, 422, "validation_failed", field)
    assert r.body["errors"][field] == ["must not be empty"]


def test_the_web_forms_say_what_is_wrong_with_blank_text_and_write_nothing(web, pledge):
    steward, author = PageReader.signed_in(pledge.steward), PageReader.signed_in(pledge.author)
    steward.open("/stewardship")
    author.open(f"/charters/{pledge.charter_id}/drafts/new")
    before = web.store_head("pledge")

    pages = [steward.submit("/stewardship/charters", {"title": BLANK, "purpose": "Why we sign"}),
             author.submit(f"/charters/{pledge.charter_id}/drafts/new", {"title": "A draft", "text": BLANK})]

    for page, message in zip(pages, ("Enter the title", "Enter the text of the charter"), strict=True):
        assert page.status == 422, page.body[:500]
        assert message in page.body
    assert web.store_head("pledge") == before
