"""Forms re-shown with errors, as the GOV.UK Design System shows them: "Error: " in the title, a summary whose
links lead to the fields, and plain-English messages in the labels' words, beside the fields too."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from .clients import Browser, PageReader, WebClient
from .pilot_steps import propose_barrier, running_pilot

RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|request body|Missing data|must not be empty|Shorter than|Longer than")


@dataclass
class ShownErrors(HTMLParser):
    """What a page shows of its errors: its title, the summary's links, every element id and the fields' messages."""

    title: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    beside: list[str] = field(default_factory=list)
    summary_text: str = ""
    _in: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        classes = (a.get("class") or "").split()
        if tag == "title":
            self._in.append("title")
        elif "error-summary" in classes:
            assert (a.get("role"), a.get("tabindex")) == ("alert", "-1"), a
            self._in.append("summary")
        elif "field-errors" in classes:
            self._in.append("beside")
        elif tag == "a" and "summary" in self._in:
            self.links.append((a["href"], ""))
            self._in.append("link")
        elif tag in ("div", "ul") and self._in:
            self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and (tag in ("title", "div", "ul") or (tag == "a" and self._in[-1] == "link")):
            self._in.pop()

    def handle_data(self, data):
        where = self._in[-1] if self._in else ""
        if where == "title":
            self.title += data
        if "summary" in self._in:
            self.summary_text += data
        if where == "link":
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)
        if "beside" in self._in and data.strip() and data.strip() != "Error:":
            self.beside.append(data.strip())


def shown_errors(html: str) -> ShownErrors:
    shown = ShownErrors()
    shown.feed(html)
    return shown


def assert_shown_as_gov_uk_errors(html: str, expected: dict[str, str]) -> None:
    """The page's title starts "Error: ", its summary links each field to the message also shown beside it."""
    shown = shown_errors(html)
    assert shown.title.startswith("Error: "), shown.title
    assert "There is a problem" in shown.summary_text
    links = {href: text.strip() for href, text in shown.links}
    assert links == {f"#{name}": message for name, message in expected.items()}, links
    assert all(href[1:] in shown.ids for href in links), (links, sorted(shown.ids))
    assert set(expected.values()) <= set(shown.beside), shown.beside
    assert not RAW.search(shown.summary_text + " ".join(shown.beside)), shown.summary_text


@pytest.fixture
def charter(web, steward):
    """A charter whose first version is adopted, read by the gateway."""
    charter_id = steward.create_charter(title=f"Charter {uuid.uuid4().hex[:8]}").body["charter_id"]
    draft = web.as_user().propose_draft(charter_id, "We will work in the open.")
    steward.wait_until_read(steward.adopt_draft(charter_id, draft.body["draft_id"]).body["consistency_token"])
    return charter_id


def test_signing_up_with_a_short_password_says_how_long_it_must_be_and_opens_no_account(web):
    email = f"short-{uuid.uuid4().hex[:8]}@example.test"

    r = PageReader(web.base_url).sign_up(email, "short")

    assert r.status == 422
    assert_shown_as_gov_uk_errors(r.body, {"password": "Password must be 10 characters or more"})
    assert Browser(web.base_url).sign_in(email, "short").status == 401


def test_signing_up_with_nothing_typed_asks_for_each_field(web):
    browser = PageReader(web.base_url)
    browser.open("/sign-up")

    r = browser.submit("/sign-up", {"email": "", "password": "", "display_name": ""})

    assert r.status == 422
    assert_shown_as_gov_uk_errors(r.body, {"display_name": "Enter your name", "email": "Enter your e-mail address",
                                           "password": "Enter password"})


def test_the_sign_form_with_blanks_names_the_fields_by_their_labels_and_writes_nothing(web, charter):
    stranger = PageReader(web.base_url)
    stranger.open(f"/charters/{charter}/sign")
    before = web.store_head("pledge")

    r = stranger.submit(f"/charters/{charter}/sign", {
        "organisation_name": "", "organisation_type": "council", "area": "", "signatory_name": "Chris Exec",
        "signatory_role": " ", "email": f"cx-{uuid.uuid4().hex[:8]}@example.org", "statement": ""})

    assert r.status == 422
    assert_shown_as_gov_uk_errors(r.body, {"organisation_name": "Enter the name of the organisation",
                                           "signatory_role": "Enter your role in the organisation"})
    assert web.store_head("pledge") == before


def test_a_barrier_with_a_blank_title_asks_for_the_title_and_writes_nothing(web):
    person = PageReader.signed_in(web.as_user())
    person.open("/barriers/new")
    before = web.store_head("knowledge")

    r = person.submit("/barriers/new", {"title": "", "description": "Shared drives are blocked.",
                                        "category": "other", "tags": "", "summary": ""})

    assert r.status == 422
    assert_shown_as_gov_uk_errors(r.body, {"title": "Enter the title"})
    assert web.store_head("knowledge") == before


def test_a_field_too_long_says_how_many_characters_it_may_have(web: WebClient):
    person = PageReader.signed_in(web.as_user())
    person.open("/barriers/new")

    r = person.submit("/barriers/new", {"title": "x" * 201, "description": "Shared drives are blocked.",
                                        "category": "other", "tags": "", "summary": ""})

    assert r.status == 422
    assert_shown_as_gov_uk_errors(r.body, {"title": "The title must be 200 characters or fewer"})


def test_a_page_of_several_forms_links_its_summary_to_the_refused_form_s_own_field(web):
    barrier_id = propose_barrier(web, f"Shared drives locked {uuid.uuid4().hex[:8]}")
    person = PageReader.signed_in(web.as_user())
    person.open(f"/barriers/{barrier_id}")
    before = web.store_head("knowledge")

    r = person.submit(f"/barriers/{barrier_id}/flag", {"reason": ""})

    assert r.status == 422
    assert_shown_as_gov_uk_errors(r.body, {"flag-reason": "Enter what is wrong with this page"})
    assert web.store_head("knowledge") == before


def test_a_pilot_stopped_without_a_reason_asks_why_it_stops_and_writes_nothing(web):
    pilot = running_pilot(web, web.as_user("steward"))
    lead = PageReader.signed_in(pilot.lead)
    lead.open(f"/pilots/{pilot.pilot_id}?consistency_token={pilot.token}")
    before = web.store_head("pilots")

    r = lead.submit(f"/pilots/{pilot.pilot_id}/stop", {"reason": " "})

    assert r.status == 422
    assert_shown_as_gov_uk_errors(r.body, {"stop-reason": "Enter why the pilot stops"})
    assert web.store_head("pilots") == before


def test_a_page_without_errors_has_no_error_title_or_summary(web):
    page = PageReader(web.base_url).open("/sign-up")

    shown = shown_errors(page.body)
    assert not shown.title.startswith("Error:") and not shown.links and "There is a problem" not in page.body
