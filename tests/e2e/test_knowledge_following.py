"""Following the knowledge base and keeping it healthy: watch lists, feeds, discussion, protection, reverts."""

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from ..unit.knowledge.image_bytes import png
from .clients import PageReader
from .test_knowledge import ORIGINAL, TITLE, edit, new_barrier

ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_watch_list_and_recent_changes_follow_edits_as_pages_and_atom_feeds(web):
    watcher, editor = web.as_user(), web.as_user()
    page, made = new_barrier(editor)
    watcher.watch_page(page, made)
    edited = edit(editor, page, 1, "Uploads fail <silently> & \"often\".", "Fixed <b>typo</b> & more\x01")
    web.wait_until_read(edited.body["consistency_token"])

    watchlist = watcher.read_watchlist().body
    feed = web.anonymous().download(watchlist["feed"])
    recent = web.read_recent_changes(limit="100").body
    recent_feed = web.anonymous().download("/api/v1/recent-changes/feed", limit="100")

    item_id = page.split("/")[1]
    assert [p["item_id"] for p in watchlist["pages"]] == [item_id]
    assert [(c["revision"], c["author"]) for c in watchlist["changes"]["items"]] == [(2, editor.actor),
                                                                                     (1, editor.actor)]
    assert (2, "edited") in [(c["revision"], c["change"]) for c in recent["items"] if c["item_id"] == item_id]
    for answer in (feed, recent_feed):
        assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/atom+xml")
        entries = ET.fromstring(answer.body).findall(f"{ATOM}entry")
        mine = [e for e in entries if item_id in e.findtext(f"{ATOM}id")]
        assert mine[0].findtext(f"{ATOM}summary") == "Fixed <b>typo</b> & more\ufffd"
        assert mine[0].findtext(f"{ATOM}title").startswith(TITLE)
    assert b"<b>typo" not in feed.body and b"&lt;b&gt;typo" in feed.body


def test_unwatching_takes_a_page_off_the_watch_list_at_once(web):
    page, made = new_barrier(web)
    web.watch_page(page, made)

    unwatched = web.unwatch_page(page)
    watchlist = web.read_watchlist().body

    assert unwatched.status == 200 and unwatched.body == {"item_id": page.split("/")[1], "watching": False}
    assert watchlist["pages"] == [] and watchlist["changes"]["items"] == []


def feed_key(address: str) -> str:
    """The key in a watch list feed's address."""
    return parse_qs(urlsplit(address).query)["key"][0]


def feed_entry_ids(answer) -> list[str]:
    """The ids of an Atom feed's entries."""
    return [e.findtext(f"{ATOM}id") for e in ET.fromstring(answer.body).findall(f"{ATOM}entry")]


def test_a_watch_list_is_shown_only_to_its_own_account(web):
    owner = web.as_user()
    page, made = new_barrier(web)
    owner.watch_page(page, made)

    someone_else = web.as_user().read_watchlist(owner.actor)
    anonymous = web.anonymous().read_watchlist(owner.actor)
    own = owner.read_watchlist()

    assert (someone_else.status, someone_else.body["code"]) == (403, "forbidden")
    assert "user" in someone_else.body["errors"]
    assert (anonymous.status, anonymous.body["code"]) == (401, "unauthenticated")
    assert set(anonymous.body) == {"code", "message", "errors"}
    assert own.status == 200 and own.body["user"] == owner.actor


def test_the_watch_list_feed_opens_only_with_the_accounts_key_and_lists_the_watched_pages_change(web):
    watcher, reader = web.as_user(), web.anonymous()
    page, made = new_barrier(web)
    watcher.watch_page(page, made)
    edited = edit(web, page, 1, "Uploads fail silently.", "Said how they fail")
    key = feed_key(watcher.read_watchlist().body["feed"])
    web.wait_until_read(edited.body["consistency_token"])

    without_key = reader.read_watchlist_feed(watcher.actor)
    wrong_key = reader.read_watchlist_feed(watcher.actor, key=key[:-1] + ("A" if key[-1] != "A" else "B"))
    no_such_account = reader.read_watchlist_feed(str(uuid.uuid4()), key=key)
    with_key = reader.read_watchlist_feed(watcher.actor, key=key)

    for refused in (without_key, wrong_key, no_such_account):
        assert refused.status == 404 and refused.body == without_key.body
    assert with_key.status == 200 and with_key.headers["Content-Type"].startswith("application/atom+xml")
    assert f"urn:charter:knowledge:{page.split('/')[1]}:revision:2" in feed_entry_ids(with_key)


def test_resetting_the_feed_key_on_the_watch_list_page_retires_the_old_feed_address(web):
    watcher, reader = web.as_user(), web.anonymous()
    browser = PageReader.signed_in(watcher)
    old = feed_key(re.search(r'href="([^"]*/feed\?key=[^"]*)"', browser.open("/knowledge/watchlist").body)[1])

    forged = browser.submit("/knowledge/watchlist/feed-key", {}, csrf=False)
    unchanged = feed_key(watcher.read_watchlist().body["feed"])
    reset = browser.follow(browser.submit("/knowledge/watchlist/feed-key", {}))
    new = feed_key(watcher.read_watchlist().body["feed"])

    assert forged.status == 403 and unchanged == old
    assert "the old one no longer works" in reset.body and f"/feed?key={new}" in reset.body and new != old
    assert reader.read_watchlist_feed(watcher.actor, key=old).status == 404
    assert reader.read_watchlist_feed(watcher.actor, key=new).status == 200


def test_a_moderator_reverts_a_run_of_bad_edits_in_one_action_and_protects_the_page(web):
    vandal, moderator = web.as_user(), web.as_user("moderator")
    page, _ = new_barrier(web)
    edit(vandal, page, 1, "Spam one.")
    edit(vandal, page, 2, "Spam two.")

    reverted = moderator.revert_edits(page, vandal.actor, "vandalism")
    until = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    protected = moderator.protect_page(page, "repeated vandalism", until)
    refused = edit(vandal, page, 4, "Spam three.")
    read = web.read_page(page, token=protected.body["consistency_token"]).body
    log = [d for d in web.read_moderation_log(limit="100").body["items"] if d["item_id"] == page.split("/")[1]]

    assert reverted.status == 201 and reverted.body["revision"] == 4
    assert (read["revision"], read["description"]) == (4, ORIGINAL)
    assert read["protection"]["reason"] == "repeated vandalism" and read["protection"]["moderator"] == moderator.actor
    assert (refused.status, refused.body["code"]) == (409, "page_is_protected")
    assert [(d["action"], d["moderator"], d["reason"]) for d in log] == [
        ("PageProtected", moderator.actor, "repeated vandalism"), ("EditsReverted", moderator.actor, "vandalism")]
    assert "revisions 2, 3 by" in log[1]["subject"]


def test_people_discuss_a_page_and_a_moderator_hides_an_abusive_comment(web):
    page, _ = new_barrier(web)
    first = web.comment_on_page(page, "We have this in Leeds too.")
    rude = web.as_user().comment_on_page(page, "You are all idiots.", reply_to=first.body["comment_id"])

    hidden = web.as_user("moderator").hide_comment(page, rude.body["comment_id"], "personal attack")
    thread = web.read_page(page, token=hidden.body["consistency_token"]).body["discussion"]

    assert (first.status, rude.status, hidden.status) == (201, 201, 200)
    assert [(c["body"], c["hidden"], c["reply_to"]) for c in thread] == [
        ("We have this in Leeds too.", False, None), (None, True, first.body["comment_id"])]


def test_the_photos_of_a_hidden_page_are_no_longer_served_publicly(web):
    page, _ = new_barrier(web)
    attached = web.attach_photo(page, png(), "A screenshot of the error", "image/png")
    url = f"/api/v1/photos/{attached.body['sha256']}"
    before = web.anonymous().download(url)

    hidden = web.as_user("moderator").hide(page, "posted by mistake")
    after = web.anonymous().download(url)
    read = web.read_page(page, token=hidden.body["consistency_token"])

    assert before.status == 200 and before.headers["Content-Type"] == "image/png"
    assert after.status == 404 and read.status == 404
    assert web.as_user("auditor").download(url).status == 200


def test_a_watch_list_feed_key_used_in_a_request_never_reaches_a_log(web, workdir):
    watcher = web.as_user()
    page, made = new_barrier(web)
    watcher.watch_page(page, made)
    address = watcher.read_watchlist().body["feed"]

    fetched = web.anonymous().download(address)

    logs = "".join(p.read_text(errors="replace") for p in (workdir / "logs").glob("*.log"))
    assert fetched.status == 200
    assert feed_key(address) not in logs
