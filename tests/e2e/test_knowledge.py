"""The knowledge base through the gateway: editing like a wiki, photos, endorsements, search, moderation."""

import hashlib
import json
import random
import string

from ..integration.topics import read_topic
from ..unit.knowledge.image_bytes import GPS_RATIONALS, jpeg_with_gps

TITLE = "Photo uploads are refused"
ORIGINAL = "Staff cannot upload photos from phones."
PRECISE = "Staff cannot upload photos from their phones to the intranet."


def word() -> str:
    """A word no other test uses, to find things by."""
    return "".join(random.choices(string.ascii_lowercase, k=14))


def new_barrier(web, description: str = ORIGINAL, **fields) -> tuple[str, str]:
    """A barrier proposed by `web`: its page path and the write's consistency token."""
    proposed = web.propose_barrier(TITLE, description, **fields)
    assert proposed.status == 201, proposed.body
    return f"barriers/{proposed.body['barrier_id']}", proposed.body["consistency_token"]


def edit(client, page: str, based_on: int, description: str, summary: str = ""):
    """`client` edits the barrier's description, keeping its title."""
    return client.edit_barrier(page.split("/")[1], based_on, title=TITLE, description=description, summary=summary)


def test_two_people_editing_the_same_revision_do_not_overwrite_each_other(web):
    alice, bob = web, web.as_user()
    page, _ = new_barrier(alice)

    first = edit(alice, page, 1, PRECISE, "more precise")
    second = edit(bob, page, 1, "Nobody can upload anything.", "rewrite")

    assert first.status == 201 and first.body["revision"] == 2, first.body
    assert (second.status, second.body["code"]) == (409, "stale_revision"), second.body
    assert "based_on_revision" in second.body["errors"] and second.body["latest_revision"] == 2
    changes = second.body["changes"]
    assert [(c["revision"], c["author"], c["summary"]) for c in changes] == [(2, alice.actor, "more precise")]
    assert any(c["op"] == "insert" and "intranet" in c["text"] for c in second.body["diff"]["description"])
    read = alice.read_page(page, token=first.body["consistency_token"]).body
    assert (read["revision"], read["description"]) == (2, PRECISE)


def test_history_and_diffs_show_each_revision_and_an_older_one_is_restored_as_a_new_one(web):
    alice, bob = web, web.as_user()
    page, _ = new_barrier(alice)
    edit(alice, page, 1, "Staff cannot upload photos.", "shorter")
    third = edit(bob, page, 2, "Staff cannot upload photos or videos.", "videos too")

    diff = bob.compare_revisions(page, 2, 3, consistency_token=third.body["consistency_token"])
    restored = bob.restore_revision(page, revision=1, based_on=3, summary="the first text was right")
    history = bob.read_history(page, consistency_token=restored.body["consistency_token"])

    assert diff.status == 200 and diff.body["changed"] == ["description"]
    assert [c for c in diff.body["fields"]["description"] if c["op"] == "insert"] == [
        {"op": "insert", "text": " or videos"}]  # the one word diff keeps "photos" and "." equal
    assert restored.status == 201 and restored.body["revision"] == 4
    assert [(h["revision"], h["change"], h["author"], h["summary"]) for h in history.body["items"]] == [
        (4, "restored", bob.actor, "the first text was right"), (3, "edited", bob.actor, "videos too"),
        (2, "edited", alice.actor, "shorter"), (1, "proposed", alice.actor, "")]
    assert history.body["items"][0]["restored_from"] == 1 and all(h["at"] for h in history.body["items"])
    assert bob.read_page(page).body["description"] == ORIGINAL


def test_a_photo_is_attached_and_fetched_back_without_its_gps_metadata(web):
    page, _ = new_barrier(web)

    attached = web.attach_photo(page, jpeg_with_gps(), "Staff photographing the upload error", "image/png")
    assert attached.status == 201, attached.body
    shown = web.read_page(page, token=attached.body["consistency_token"]).body["photos"]
    photo = web.anonymous().download(shown[0]["url"])

    assert attached.status == 201 and attached.body["media_type"] == "image/jpeg", attached.body
    assert [(p["sha256"], p["alt_text"], p["attached_by"]) for p in shown] == [
        (attached.body["sha256"], "Staff photographing the upload error", web.actor)]
    assert photo.status == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert "max-age" in photo.headers["Cache-Control"] and photo.headers["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(photo.body).hexdigest() == attached.body["sha256"]
    assert photo.body.startswith(b"\xff\xd8") and GPS_RATIONALS not in photo.body
    assert b"Exif" not in photo.body and b"Acacia Avenue" not in photo.body


def test_a_solution_that_worked_for_two_organisations_shows_both_endorsements(web):
    page, _ = new_barrier(web)
    barrier_id = page.split("/")[1]
    proposed = web.propose_solution("A written photo policy", "Agree a one-page photo policy.", (barrier_id,),
                                    steps=("Draft it", "Agree it with IG"), organisations=("Leeds", "Kent"))
    solution = f"solutions/{proposed.body['solution_id']}"

    leeds = web.as_user().endorse(solution, "Leeds City Council")
    kent = web.as_user().endorse(solution, "Kent County Council")
    web.wait_until_read(leeds.body["consistency_token"], kent.body["consistency_token"])
    read = web.read_page(solution).body
    barrier = web.read_page(page).body

    assert leeds.status == kent.status == 201
    assert read["endorsements"]["count"] == 2 and read["steps"] == ["Draft it", "Agree it with IG"]
    assert sorted(e["organisation"] for e in read["endorsements"]["items"]) == ["Kent County Council",
                                                                                 "Leeds City Council"]
    assert [b["barrier_id"] for b in read["barriers"]] == [barrier_id]
    assert [(s["solution_id"], s["endorsement_count"]) for s in barrier["solutions"]] == [
        (proposed.body["solution_id"], 2)]


def test_search_finds_the_barrier_and_its_solution_by_a_word_in_their_bodies(web):
    needle = word()
    page, barrier_token = new_barrier(web, f"Consent forms {needle} block every photo.",
                                      category="consent_and_moderation_policy", tags=("photos",))
    solution = web.propose_solution("One consent form", f"A single {needle} consent form for all photos.",
                                    (page.split("/")[1],), tags=("consent",))
    web.wait_until_read(barrier_token, solution.body["consistency_token"])

    found = web.search_knowledge(needle).body
    in_category = web.search_knowledge(needle, category="consent_and_moderation_policy").body
    tagged = web.search_knowledge(needle, tag="Consent").body
    elsewhere = web.search_knowledge(needle, category="procurement").body

    ids = {("barrier", page.split("/")[1]), ("solution", solution.body["solution_id"])}
    assert {(i["kind"], i["item_id"]) for i in found["items"]} == ids and found["total"] == 2
    assert all(i["rank"] > 0 for i in found["items"])
    assert {(i["kind"], i["item_id"]) for i in in_category["items"]} == ids
    assert [i["kind"] for i in tagged["items"]] == ["solution"] and elsewhere["items"] == []


def test_a_hidden_revision_is_gone_from_public_reads_but_stays_in_the_audit_history(web):
    rude = word()
    page, _ = new_barrier(web)
    vandal, moderator, auditor = web.as_user(), web.as_user("moderator"), web.as_user("auditor")
    edit(vandal, page, 1, f"Photo uploads are {rude}.", f"{rude}!")

    flagged = web.flag(page, "abusive language", revision=2)
    hidden = moderator.hide(page, "abusive language in revision 2", revision=2)
    public = web.read_page(page, token=hidden.body["consistency_token"])
    history, log = web.read_history(page), web.read_moderation_log(limit="100")

    assert (flagged.status, hidden.status) == (201, 200), hidden.body
    assert public.body["revision"] == 1 and public.body["description"] == ORIGINAL
    assert rude not in json.dumps(public.body) + json.dumps(history.body)
    assert [(h["revision"], h["hidden"], h["author"]) for h in history.body["items"]] == [
        (2, True, None), (1, False, web.actor)]
    assert web.read_revision(page, 2).status == 404 and web.search_knowledge(rude).body["items"] == []
    assert {"item_id": page.split("/")[1], "action": "RevisionHidden", "revision": 2, "moderator": moderator.actor,
            "reason": "abusive language in revision 2"}.items() <= next(
        d for d in log.body["items"] if d["item_id"] == page.split("/")[1]).items()
    audit = auditor.read_audit_view(page).body
    assert [(r["revision"], r["hidden"]) for r in audit["revisions"]] == [(1, False), (2, True)]
    assert rude in audit["revisions"][1]["content"]["description"]
    assert [f["status"] for f in audit["flags"]] == ["actioned"]
    assert web.read_audit_view(page).status == 403


def test_a_consumer_of_the_knowledge_topic_sees_the_same_story(web, settings):
    editor, moderator = web.as_user(), web.as_user("moderator")
    page, _ = new_barrier(web)
    barrier_id = page.split("/")[1]
    edit(editor, page, 1, "Photo uploads are refused by the proxy.")
    web.endorse(page, "Leeds City Council")
    web.flag(page, "wrong", revision=2)
    moderator.hide(page, "inaccurate", revision=2)
    last = web.attach_photo(page, jpeg_with_gps(), "A refused upload")

    envelopes = read_topic(settings.kafka_bootstrap_servers, "charter.knowledge.v1", last.body["position"])

    mine = sorted({e["version"]: e for e in envelopes if e["stream_id"] == barrier_id}.values(),
                  key=lambda e: e["version"])
    assert [(e["type"], e["actor"]) for e in mine] == [
        ("BarrierProposed", web.actor), ("BarrierEdited", editor.actor), ("BarrierEndorsed", web.actor),
        ("ItemFlagged", web.actor), ("RevisionHidden", moderator.actor), ("PhotoAttached", web.actor)]
    assert set(mine[-1]["data"]) == {"item_id", "sha256", "media_type", "size", "alt_text", "attached_by",
                                     "attached_at"}
    assert mine[-1]["data"]["sha256"] == last.body["sha256"]
