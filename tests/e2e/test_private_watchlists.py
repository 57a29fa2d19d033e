"""A watch list is private: watching writes no event, so nothing that reads the public log learns who watches what."""

import json
import uuid

from ..integration.topics import read_topic
from .clients import PageReader
from .test_knowledge import edit, new_barrier


def test_watching_and_unwatching_write_no_event_and_no_consumer_of_the_log_learns_who_watches(web, settings):
    editor, watcher = web.as_user(), web.as_user()
    page, made = new_barrier(editor)
    before_watching = web.store_head("knowledge")

    watched = watcher.watch_page(page, made)
    after_watching = web.store_head("knowledge")
    edited = edit(editor, page, 1, "Uploads fail for everyone, not only for us.", "Said who")
    watchlist = watcher.read_watchlist(consistency_token=edited.body["consistency_token"]).body
    before_unwatching = web.store_head("knowledge")
    unwatched = watcher.unwatch_page(page)
    after_unwatching = web.store_head("knowledge")
    log = read_topic(settings.kafka_bootstrap_servers, "charter.knowledge.v1", after_unwatching)

    assert (watched.status, unwatched.status) == (201, 200)
    assert "consistency_token" not in watched.body and "consistency_token" not in unwatched.body
    assert after_watching == before_watching and after_unwatching == before_unwatching
    assert [(c["revision"], c["author"]) for c in watchlist["changes"]["items"]] == [(2, editor.actor),
                                                                                     (1, editor.actor)]
    assert edited.body["position"] in {e["position"] for e in log}
    assert [e["type"] for e in log if watcher.actor in json.dumps(e)] == []


def test_watching_an_unknown_or_hidden_page_is_refused_naming_the_field(web):
    page, _ = new_barrier(web)
    hidden = web.as_user("moderator").hide(page, "posted twice")
    web.wait_until_read(hidden.body["consistency_token"])
    before = web.store_head("knowledge")

    unknown = web.watch_page(f"barriers/{uuid.uuid4()}")
    other_kind = web.watch_page(f"solutions/{page.split('/')[1]}")
    of_hidden = web.watch_page(page)
    anonymous = web.anonymous().watch_page(page)
    not_json = web.request("POST", f"/api/v1/{page}/watch", raw=b"watch", content_type="text/plain")

    assert (unknown.status, unknown.body["code"]) == (404, "not_found") and "barrier_id" in unknown.body["errors"]
    assert other_kind.status == 404 and "solution_id" in other_kind.body["errors"]
    assert (of_hidden.status, of_hidden.body["code"]) == (409, "conflict") and "item_id" in of_hidden.body["errors"]
    assert (anonymous.status, anonymous.body["code"]) == (401, "unauthenticated")
    assert not_json.status == 415
    assert web.read_watchlist().body["pages"] == [] and web.store_head("knowledge") == before


def test_watching_a_page_twice_or_unwatching_one_not_watched_is_refused(web):
    page, made = new_barrier(web)
    web.watch_page(page, made)

    again = web.watch_page(page)
    web.unwatch_page(page)
    not_watched = web.unwatch_page(page)

    assert (again.status, again.body["code"]) == (409, "conflict") and "item_id" in again.body["errors"]
    assert (not_watched.status, not_watched.body["code"]) == (404, "not_found")
    assert "item_id" in not_watched.body["errors"]


def test_the_watch_form_needs_the_sessions_csrf_token(web):
    page, made = new_barrier(web)
    web.wait_until_read(made)
    person = PageReader.signed_in(web.as_user())
    person.open(f"/{page}")

    forged = person.submit(f"/{page}/watch", {}, csrf=False)
    watchlist = person.open("/knowledge/watchlist")

    assert forged.status == 403 and f"/{page}" not in watchlist.body
