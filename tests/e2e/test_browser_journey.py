"""A newcomer's journey through the web app, in a real browser (Debian's chromium), with screenshots as artefacts."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from .browser import screenshot
from .clients import WebClient
from .pilot_steps import eventually
from .web_steps import World, build_world, looks_right, nav, sign_up, tiny_png

DRAFT_TEXT = "We will open our services to the people who use them, and say what we changed."


@pytest.fixture(scope="module")
def world(stack, settings) -> World:
    """What the newcomer finds: a charter with an adopted version and an open round, a barrier, a running pilot."""
    return build_world(settings)


def test_a_newcomer_signs_up_drafts_rates_signs_edits_a_barrier_and_follows_a_pilot(tab: Page, world: World):
    page = tab
    page.goto(world.base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    looks_right(page, "01-home")

    page.get_by_role("link", name="Sign up").click()
    looks_right(page, "02-sign-up")
    sign_up(page, world.base)

    page.goto(f"{world.base}/charters/{world.charter_id}")
    looks_right(page, "03-drafting")
    page.get_by_role("link", name="Propose a draft").click()
    page.get_by_label("Title").fill("Open by default")
    page.get_by_label("Text of the charter").fill(DRAFT_TEXT)
    page.get_by_label("What you changed, and why").fill("A first go")
    page.get_by_role("button", name="Propose this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open by default")
    expect(page.locator("#draft-text")).to_have_text(DRAFT_TEXT)
    looks_right(page, "04-my-draft")

    page.goto(f"{world.base}/drafts/{world.other_draft_id}")
    page.get_by_label("4 stars").check()
    page.get_by_role("button", name="Rate this draft").click()
    expect(page.get_by_role("status")).to_contain_text("your rating is recorded")
    expect(page.locator("#ratings-heading + p")).to_contain_text("4.0 stars on average from 1 rating")
    looks_right(page, "05-rated-draft")

    page.goto(f"{world.base}/charters/{world.charter_id}")
    page.get_by_role("link", name="sign it").click()
    page.get_by_label("Name of the organisation").fill(f"Borough of {uuid.uuid4().hex[:8]}")
    page.get_by_label("Kind of organisation").select_option("council")
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Your role in the organisation").fill("Chief executive")
    page.get_by_label("Your work e-mail address").fill(f"nia-{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_label("A statement to publish").fill("We are in.")
    looks_right(page, "06-sign")
    page.get_by_role("button", name="Sign the charter").click()
    expect(page.locator(".status")).to_have_text("Waiting for e-mail confirmation")
    page.get_by_role("link", name="open the mail that would have been sent").click()
    page.locator("#verification-link").click()
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.locator(".status")).to_have_text("Confirmed")
    looks_right(page, "07-signature")

    nav(page, "Knowledge base").click()
    looks_right(page, "08-knowledge")
    page.get_by_label("Search the knowledge base").fill(world.search_word)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=world.barrier_title).click()
    looks_right(page, "09-barrier")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Description").fill("IT blocks photo uploads from staff phones, so nobody shares pictures.")
    page.get_by_label("Summary of your change").fill("What we saw")
    page.get_by_role("button", name="Save as a new revision").click()
    expect(page.get_by_role("status")).to_contain_text("saved as a new revision")
    expect(page.locator(".prose")).to_contain_text("nobody shares pictures")
    expect(page.get_by_text("revision 2 of 2")).to_be_visible()
    page.get_by_label("Photo (JPEG, PNG or WebP)").set_input_files(
        files={"name": "upload.png", "mimeType": "image/png", "buffer": tiny_png()})
    page.get_by_label("Describe the photo").fill("The upload error on a staff phone")
    page.get_by_role("button", name="Attach the photo").click()
    photo = page.get_by_role("img", name="The upload error on a staff phone")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 16
    page.get_by_label("Endorse for your organisation").fill("Borough of Newcomers")
    page.get_by_role("button", name="Endorse", exact=True).click()
    expect(page.get_by_role("heading", name="Endorsements (1)")).to_be_visible()
    looks_right(page, "10-barrier-edited")

    nav(page, "Pilots").click()
    looks_right(page, "11-pilots")
    page.get_by_role("link", name=world.pilot_title).first.click()
    expect(page.locator("progress#pb")).to_have_attribute("max", "1")
    expect(page.locator("figure.chart svg polyline")).to_have_count(1)
    expect(page.locator("figure.chart svg circle")).to_have_count(3)
    expect(page.locator(".timeline")).to_contain_text("Targeted the barrier")
    looks_right(page, "12-pilot")
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_a_passage_selected_in_a_draft_becomes_the_quote_of_a_comment(tab: Page, world: World):
    page = tab
    sign_up(page, world.base)
    page.goto(f"{world.base}/drafts/{world.other_draft_id}")

    page.evaluate("""() => {
        const text = document.getElementById('draft-text');
        const range = document.createRange();
        range.setStart(text.firstChild, 8);
        range.setEnd(text.firstChild, 24);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        text.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    expect(page.get_by_label("Passage you are commenting on")).to_have_value("work in the open")
    page.get_by_label("Your comment").fill("Which meetings will be open?")
    page.get_by_role("button", name="Post comment").click()

    expect(page.get_by_role("status")).to_contain_text("Your comment is posted")
    expect(page.locator("#comments blockquote").last).to_have_text("work in the open")


def test_an_edit_crossing_another_shows_what_changed_since_and_saves_on_the_second_try(tab: Page, world: World):
    page = tab
    sign_up(page, world.base)
    page.goto(f"{world.base}/barriers/{world.barrier_id}/edit")
    other = WebClient(world.base).as_user()
    read = eventually(lambda: other.read_page(f"barriers/{world.barrier_id}"), lambda r: r.status == 200,
                      timeout_s=20)
    assert read.status == 200, read.body
    seen = read.body
    crossed = other.edit_barrier(world.barrier_id, seen["revision"], title=seen["title"],
                                 description="Someone else rewrote this meanwhile.")
    assert crossed.status == 201, crossed.body

    page.get_by_label("Description").fill("My own account of the barrier.")
    page.get_by_role("button", name="Save as a new revision").click()

    conflict = page.get_by_role("alert").filter(has_text="Someone else changed this page")
    expect(conflict).to_contain_text("Someone else rewrote this meanwhile.")
    expect(page.get_by_label("Description")).to_have_value("My own account of the barrier.")
    screenshot(page, "13-edit-conflict")
    page.get_by_role("button", name="Save as a new revision").click()
    expect(page.get_by_role("status")).to_contain_text("saved as a new revision")
    expect(page.locator(".prose")).to_contain_text("My own account of the barrier.")
