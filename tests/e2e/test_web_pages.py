"""The pages a newcomer reads first: the home page and "How it works", and the pages a browser gets for an address
that does not work (a styled page with the site's navigation), while the API keeps answering JSON."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import urllib3
from playwright.sync_api import Page

from .browser import accessibility_problems, screenshot
from .clients import Response, WebClient
from .naming import text_of

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
THREE_PARTS = ("Drafting and signing the charter", "The knowledge base", "Pilots")
NAVIGATION = ('href="/charters"', 'href="/knowledge"', 'href="/pilots"', 'href="/about"')


def browse(web: WebClient, path: str, method: str = "GET", accept: str = BROWSER) -> Response:
    """What a browser (or a client sending `accept`) gets for `path`: the status, the body as text, the headers."""
    r = urllib3.PoolManager().request(method, web.base_url + path, headers={"Accept": accept}, redirect=False,
                                      timeout=15)
    return Response(r.status, r.data.decode(errors="replace"), dict(r.headers))


def seen(page: Response) -> str:
    """The page's text as a reader sees it, its spaces collapsed (none before punctuation)."""
    return re.sub(r" ([:;.,])", r"\1", " ".join(text_of(page.body).split()))


def title_of(page: Response) -> str:
    found = re.search(r"<title>(.*?)</title>", page.body, re.S)
    return " ".join(found.group(1).split()) if found else ""


def made(r: Response) -> dict:
    assert r.status == 201, r.body
    return r.body


def test_the_home_page_explains_the_three_parts_and_where_each_charter_stands(web):
    steward, author = web.as_user("steward"), web.as_user()
    word = uuid.uuid4().hex[:6]
    made(steward.create_charter(title=f"Charter being drafted {word}"))
    adopted = made(steward.create_charter(title=f"Charter adopted {word}"))["charter_id"]
    draft = made(author.propose_draft(adopted, "We will answer every letter."))["draft_id"]
    made(steward.adopt_draft(adopted, draft))
    closes = datetime.now(UTC) + timedelta(days=9)
    steward.wait_until_read(made(steward.open_round(adopted, closes.isoformat()))["consistency_token"])

    home = browse(web, "/")

    text = seen(home)
    assert home.status == 200
    assert all(part in text for part in THREE_PARTS)
    assert "Anyone can read everything here" in text and "with or without an account" in text
    assert f"Charter being drafted {word}: drafting round 1 is open" in text
    assert (f"Charter adopted {word}: drafting round 2 is open until {closes.day} " in text
            and "version 1 is adopted and open for signatures" in text)
    assert 'href="/about"' in home.body


def test_the_how_it_works_page_says_who_can_do_what(web):
    about = browse(web, "/about")

    text = seen(about)
    assert about.status == 200 and title_of(about).startswith("How it works")
    assert all(part in text for part in THREE_PARTS)
    for role in ("Anyone", "People with an account", "Stewards", "Moderators", "Pilot leads", "Organisations"):
        assert role in text
    assert "adopt a draft as a new version" in text and "confirms it by e-mail" in text


def test_an_unknown_address_in_a_browser_is_a_page_not_found_with_the_site_navigation(web):
    missing = browse(web, f"/no-such-page-{uuid.uuid4().hex[:6]}")
    not_an_id = browse(web, "/charters/not-a-charter")

    for page in (missing, not_an_id):
        assert page.status == 404 and page.headers["Content-Type"].startswith("text/html")
        assert title_of(page).startswith("Page not found") and title_of(page).endswith("Interactive Charter")
        assert '<html lang="en-GB">' in page.body and all(link in page.body for link in NAVIGATION)
        assert "check it is correct" in seen(page) and "go to the home page" in seen(page)
        assert "not_found" not in page.body


def test_the_api_and_clients_asking_for_json_keep_the_json_errors_with_their_codes(web):
    asking_json = browse(web, "/no-such-page", accept="application/json")
    api_in_a_browser = browse(web, "/api/v1/no-such-resource")
    api_unknown_path = browse(web, "/api/v1/charters/not-a-charter/nothing-here")

    for reply in (asking_json, api_in_a_browser, api_unknown_path):
        assert reply.status == 404 and reply.headers["Content-Type"].startswith("application/json")
        assert json.loads(reply.body)["code"] == "not_found"


def test_a_wrong_method_on_a_form_address_is_a_page_for_a_browser_and_json_for_the_api(web):
    page = browse(web, "/sign-out")  # a link to the address only a form may post to
    api = web.request("PUT", "/api/v1/session", {}, headers={"Accept": BROWSER})

    assert page.status == 405 and page.headers["Allow"] == "POST"
    assert title_of(page).startswith("This page cannot do that") and all(link in page.body for link in NAVIGATION)
    assert "Go back to the page you came from" in seen(page)
    assert (api.status, api.body["code"]) == (405, "method_not_allowed")


def test_how_it_works_and_page_not_found_have_the_accessible_basics_in_a_browser(tab: Page, web):
    for path, name in (("/about", "how-it-works"), ("/no-such-page", "page-not-found")):
        tab.goto(web.base_url + path)

        assert accessibility_problems(tab) == [], path
        assert tab.locator("nav[aria-label=Main]").get_by_role("link", name="How it works").is_visible()
        screenshot(tab, name)
