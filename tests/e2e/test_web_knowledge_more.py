"""The knowledge base's pages beyond reading, through the web forms: discussion, watching, withdrawing an endorsement,
restoring a revision, and a moderator's protection and revert."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from markupsafe import escape

from .clients import PageReader, WebClient

SCRIPT = "<script>alert(1)</script>"


def barrier(web: WebClient, description: str = "Shared drives are blocked.") -> str:
    proposed = web.propose_barrier(f"Barrier {uuid.uuid4().hex[:8]}", description)
    assert proposed.status == 201, proposed.body
    web.wait_until_read(proposed.body["consistency_token"])
    return proposed.body["barrier_id"]


def edit(person: WebClient, barrier_id: str, based_on: int, description: str, summary: str = "") -> str:
    edited = person.edit_barrier(barrier_id, based_on, title="Shared drives", description=description,
                                 summary=summary)
    assert edited.status == 201, edited.body
    return edited.body["consistency_token"]


def test_a_person_posts_to_a_barriers_discussion_and_it_shows_on_the_page_escaped(web):
    barrier_id = barrier(web)
    person = PageReader.signed_in(web.as_user())
    person.open(f"/barriers/{barrier_id}")

    posted = person.submit(f"/barriers/{barrier_id}/comments", {"body": f"{SCRIPT} Try the intranet instead"})

    page = person.follow(posted)
    assert "Your comment is posted." in page.body and "Discussion (1)" in page.body
    assert str(escape(f"{SCRIPT} Try the intranet instead")) in page.body and SCRIPT not in page.body


def test_a_reply_posted_from_the_page_shows_under_the_comment_it_answers(web):
    barrier_id = barrier(web)
    first = web.comment_on_page(f"barriers/{barrier_id}", "Has anyone asked IT?")
    second = web.as_user().comment_on_page(f"barriers/{barrier_id}", "We use USB sticks meanwhile.")
    web.wait_until_read(first.body["consistency_token"], second.body["consistency_token"])
    person = PageReader.signed_in(web.as_user())
    person.open(f"/barriers/{barrier_id}")

    replied = person.submit(f"/barriers/{barrier_id}/comments",
                            {"body": "Yes: they said next quarter.", "reply_to": first.body["comment_id"]})

    page = person.follow(replied).body
    order = [page.index(text) for text in ("Has anyone asked IT?", "Yes: they said next quarter.",
                                           "We use USB sticks meanwhile.")]
    assert order == sorted(order)
    assert 'class="card comment reply"' in page


def test_an_empty_comment_is_refused_with_the_fields_error_and_nothing_is_written(web):
    barrier_id = barrier(web)
    person = PageReader.signed_in(web.as_user())
    person.open(f"/barriers/{barrier_id}")
    before = web.store_head("knowledge")

    refused = person.submit(f"/barriers/{barrier_id}/comments", {"body": ""})

    assert refused.status == 422 and 'id="comment-body-err"' in refused.body
    assert web.store_head("knowledge") == before


def test_a_watched_page_is_on_the_watch_list_page_with_an_edit_by_someone_else(web):
    barrier_id = barrier(web)
    watcher = web.as_user()
    person = PageReader.signed_in(watcher)
    person.open(f"/barriers/{barrier_id}")

    watched = person.follow(person.submit(f"/barriers/{barrier_id}/watch", {}))
    token = edit(web.as_user(), barrier_id, 1, "Shared drives are blocked by policy.", summary="Named the policy")
    watchlist = person.open(f"/knowledge/watchlist?consistency_token={token}")
    key = watcher.read_watchlist().body["feed"].partition("?key=")[2]

    assert "Stop watching this page" in watched.body
    assert watchlist.status == 200 and f"/barriers/{barrier_id}" in watchlist.body
    assert "Named the policy" in watchlist.body and f"/barriers/{barrier_id}/diff?from=1&amp;to=2" in watchlist.body
    assert (f'<link rel="alternate" type="application/atom+xml" title="Interactive Charter: pages I watch"'
            f' href="/api/v1/watchlists/{watcher.actor}/feed?key={key}">') in watchlist.body


def test_recent_changes_list_an_edit_with_its_diff_and_the_atom_feed(web):
    barrier_id = barrier(web)
    summary = f"Clearer wording {uuid.uuid4().hex[:6]}"

    token = edit(web, barrier_id, 1, "Shared drives are blocked for everyone.", summary=summary)
    page = PageReader(web.base_url).open(f"/knowledge/changes?consistency_token={token}")

    assert page.status == 200 and summary in page.body
    assert f"/barriers/{barrier_id}/diff?from=1&amp;to=2" in page.body
    assert ('<link rel="alternate" type="application/atom+xml" title="Interactive Charter: recent changes"'
            ' href="/api/v1/recent-changes/feed">') in page.body


def test_unwatching_takes_the_page_off_the_watch_list(web):
    barrier_id = barrier(web)
    person = PageReader.signed_in(web.as_user())
    person.open(f"/barriers/{barrier_id}")
    person.follow(person.submit(f"/barriers/{barrier_id}/watch", {}))

    unwatched = person.follow(person.submit(f"/barriers/{barrier_id}/unwatch", {}))

    assert "The page is off your watch list." in unwatched.body and "Watch this page" in unwatched.body
    assert f"/barriers/{barrier_id}" not in person.open("/knowledge/watchlist").body


def test_a_withdrawn_endorsement_lowers_the_shown_count(web):
    barrier_id = barrier(web)
    ours, theirs = f"Council {uuid.uuid4().hex[:6]}", f"Agency {uuid.uuid4().hex[:6]}"
    assert web.as_user().endorse(f"barriers/{barrier_id}", theirs).status == 201
    person = PageReader.signed_in(web.as_user())
    person.open(f"/barriers/{barrier_id}")
    endorsed = person.follow(person.submit(f"/barriers/{barrier_id}/endorse", {"organisation": ours}))

    withdrawn = person.follow(person.submit(f"/barriers/{barrier_id}/endorse/withdraw", {"organisation": ours}))

    assert "Endorsements (2)" in endorsed.body and f"Withdraw the endorsement of {ours}" in endorsed.body
    assert f"Withdraw the endorsement of {theirs}" not in endorsed.body
    assert "Endorsements (1)" in withdrawn.body and "The endorsement is withdrawn." in withdrawn.body


def test_restoring_an_old_revision_from_the_history_makes_it_the_current_text(web):
    barrier_id = barrier(web, "The first wording.")
    token = edit(web.as_user(), barrier_id, 1, "A worse wording.")
    person = PageReader.signed_in(web.as_user())
    history = person.open(f"/barriers/{barrier_id}/history?consistency_token={token}")

    restored = person.follow(person.submit(f"/barriers/{barrier_id}/restore",
                                            {"revision": "1", "based_on_revision": "2"}))

    assert "Restore revision 1" in history.body
    assert "The first wording." in restored.body and "revision 3 of 3" in restored.body


def test_restoring_from_an_out_of_date_history_shows_what_changed_since_and_writes_nothing(web):
    barrier_id = barrier(web, "The first wording.")
    person = PageReader.signed_in(web.as_user())
    person.open(f"/barriers/{barrier_id}/history")
    edit(web.as_user(), barrier_id, 1, "A second wording.")
    edit(web.as_user(), barrier_id, 2, "A third wording.")
    before = web.store_head("knowledge")

    stale = person.submit(f"/barriers/{barrier_id}/restore", {"revision": "2", "based_on_revision": "2"})

    assert stale.status == 409 and "Someone else changed this page meanwhile" in stale.body
    assert 'name="based_on_revision" value="3"' in stale.body
    assert web.store_head("knowledge") == before


def edit_form(description: str, based_on: int) -> dict[str, str]:
    return {"title": "Shared drives", "description": description, "category": "it_policy_and_tools", "tags": "",
            "summary": "", "based_on_revision": str(based_on)}


def test_a_protected_page_refuses_a_participants_edit_through_the_form_until_a_moderator_unprotects_it(web):
    barrier_id = barrier(web)
    moderator_account = web.as_user("moderator")
    moderator, participant = PageReader.signed_in(moderator_account), PageReader.signed_in(web.as_user())
    participant.open(f"/barriers/{barrier_id}/edit")
    moderator.open(f"/barriers/{barrier_id}")
    until = (date.today() + timedelta(days=3)).isoformat()
    protected = moderator.follow(moderator.submit(f"/moderation/barriers/{barrier_id}/protect",
                                                   {"reason": "An edit war", "until": until, "from": "page"}))
    before = web.store_head("knowledge")

    refused = participant.submit(f"/barriers/{barrier_id}/edit", edit_form("Mine now.", 1))
    form_refused = participant.open(f"/barriers/{barrier_id}/edit")

    assert f"Protected by {moderator_account.display_name()}" in protected.body and "An edit war" in protected.body
    assert refused.status == 409 and "This page is protected until" in refused.body and "An edit war" in refused.body
    assert form_refused.status == 403 and "Only moderators can edit it" in form_refused.body
    assert web.store_head("knowledge") == before
    moderator.open(f"/barriers/{barrier_id}")
    moderator.follow(moderator.submit(f"/moderation/barriers/{barrier_id}/unprotect", {"reason": "Calmer now"}))
    edited = participant.follow(participant.submit(f"/barriers/{barrier_id}/edit", edit_form("Mine now.", 1)))
    assert "Mine now." in edited.body and "revision 2 of 2" in edited.body


def test_a_protection_without_an_expiry_date_is_refused_with_the_fields_error_and_nothing_is_written(web):
    barrier_id = barrier(web)
    moderator = PageReader.signed_in(web.as_user("moderator"))
    moderator.open(f"/barriers/{barrier_id}")
    before = web.store_head("knowledge")

    refused = moderator.submit(f"/moderation/barriers/{barrier_id}/protect", {"reason": "Edit war", "from": "page"})

    assert refused.status == 422 and 'id="protect-until-err"' in refused.body
    assert web.store_head("knowledge") == before


def test_a_moderator_reverts_the_edits_by_one_author_since_a_revision(web):
    barrier_id = barrier(web, "The careful wording.")
    vandal = web.as_user()
    edit(vandal, barrier_id, 1, "Spam.")
    token = edit(vandal, barrier_id, 2, "More spam.")
    moderator = PageReader.signed_in(web.as_user("moderator"))
    page = moderator.open(f"/barriers/{barrier_id}?consistency_token={token}")

    reverted = moderator.follow(moderator.submit(f"/moderation/barriers/{barrier_id}/revert",
                                                  {"author": vandal.actor, "reason": "Vandalism"}))

    assert f"Revert the edits by {vandal.display_name()} since revision 1" in page.body
    assert "The careful wording." in reverted.body and "revision 4 of 4" in reverted.body


def test_a_participant_neither_sees_nor_can_post_the_moderator_forms_and_nothing_is_written(web):
    barrier_id = barrier(web)
    token = edit(web.as_user(), barrier_id, 1, "Spam.")
    participant = PageReader.signed_in(web.as_user())
    page = participant.open(f"/barriers/{barrier_id}?consistency_token={token}")
    before = web.store_head("knowledge")

    refused = [participant.submit(f"/moderation/barriers/{barrier_id}/{action}", fields) for action, fields in (
        ("protect", {"reason": "Mine", "until": "2099-01-01", "from": "page"}), ("unprotect", {"reason": "Mine"}),
        ("revert", {"author": web.actor, "reason": "Mine"}))]

    assert "/moderation/barriers/" not in page.body and "Revert the edits" not in page.body
    assert [r.status for r in refused] == [403, 403, 403]
    assert web.store_head("knowledge") == before
