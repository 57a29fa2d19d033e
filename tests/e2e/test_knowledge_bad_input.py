"""Bad input to the knowledge base gets a clear 4xx naming the problem, and writes nothing."""

import uuid

import pytest

from ..unit.knowledge.image_bytes import jpeg_with_gps
from .test_knowledge import TITLE, edit, new_barrier

GOOD = {"title": TITLE, "description": "Staff cannot upload photos.", "category": "skills"}



def refused(web, send, status: int, field: str | None, code: str | None = None):
    """Send a request and check its refusal names `field` and leaves the knowledge store as it was."""
    before = web.store_head("knowledge")
    r = send()
    assert r.status == status, r.body
    assert r.body["message"] and (field is None or field in r.body["errors"]), r.body
    assert code is None or r.body["code"] == code, r.body
    assert web.store_head("knowledge") == before
    return r


@pytest.fixture
def barrier(web):
    """A barrier's page path, with one endorsement from Leeds, already in the gateway's read model."""
    page, _ = new_barrier(web)
    endorsed = web.endorse(page, "Leeds City Council")
    assert endorsed.status == 201, endorsed.body
    assert web.read_page(page, endorsed.body["consistency_token"]).status == 200
    return page


BARRIER_BODIES = {
    "missing title": ({k: v for k, v in GOOD.items() if k != "title"}, "title"),
    "over-long title": (GOOD | {"title": "x" * 201}, "title"),
    "blank title": (GOOD | {"title": "   "}, "title"),
    "unknown category": (GOOD | {"category": "weather"}, "category"),
    "tags not a list": (GOOD | {"tags": "photos"}, "tags"),
    "too many tags": (GOOD | {"tags": [f"t{n}" for n in range(21)]}, "tags"),
    "over-long description": (GOOD | {"description": "x" * 50_001}, "description"),
    "description of the wrong type": (GOOD | {"description": 5}, "description"),
    "unknown field": (GOOD | {"colour": "red"}, "colour"),
}


@pytest.mark.parametrize("body, field", BARRIER_BODIES.values(), ids=BARRIER_BODIES.keys())
def test_a_bad_barrier_is_refused_naming_the_field(web, body, field):
    refused(web, lambda: web.request("POST", "/api/v1/barriers", body), 422, field)


EDITS = {
    "no based_on_revision": ({}, 422, "based_on_revision"),
    "based_on_revision as text": ({"based_on_revision": "1"}, 422, "based_on_revision"),
    "based_on_revision zero": ({"based_on_revision": 0}, 422, "based_on_revision"),
    "unknown based_on_revision": ({"based_on_revision": 99}, 404, "based_on_revision"),
}


@pytest.mark.parametrize("change, status, field", EDITS.values(), ids=EDITS.keys())
def test_an_edit_without_a_valid_base_revision_is_refused(web, barrier, change, status, field):
    body = GOOD | {"description": "Another text."} | change
    refused(web, lambda: web.request("POST", f"/api/v1/{barrier}/edits", body), status, field)


def test_a_stale_edit_is_refused_with_a_conflict(web, barrier):
    assert edit(web, barrier, 1, "A newer text.").status == 201

    r = refused(web, lambda: edit(web.as_user(), barrier, 1, "My text, on the old one."), 409, "based_on_revision")

    assert r.body["code"] == "stale_revision" and r.body["latest_revision"] == 2


def test_a_second_endorsement_by_the_same_organisation_is_refused(web, barrier):
    refused(web, lambda: web.as_user().endorse(barrier, " leeds city council "), 409, "organisation")


def test_unknown_ids_are_refused_naming_them(web, barrier):
    unknown = str(uuid.uuid4())

    refused(web, lambda: edit(web, f"barriers/{unknown}", 1, "text"), 404, "barrier_id")
    refused(web, lambda: web.endorse(f"solutions/{unknown}", "Kent"), 404, "solution_id")
    refused(web, lambda: web.propose_solution("t", "b", (unknown,)), 404, "barrier_ids")
    refused(web, lambda: web.propose_solution("t", "b", ("not-an-id",)), 422, "barrier_ids")
    refused(web, lambda: web.propose_solution("t", "b", ()), 422, "barrier_ids")
    refused(web, lambda: web.restore_revision(barrier, revision=7, based_on=1), 404, "revision")
    refused(web, lambda: web.read_page(f"barriers/{unknown}"), 404, "barrier_id")
    refused(web, lambda: web.compare_revisions(barrier, 1, 9), 404, "to")
    refused(web, lambda: web.compare_revisions(barrier, "one", 1), 400, "from")


UPLOADS = {
    "a text file renamed .png": (dict(image=("cat.png", b"some text", "image/png"), alt_text="A cat"), 422, "image"),
    "no image field": (dict(alt_text="A cat"), 422, "image"),
    "no alt text": (dict(image=("photo.jpg", jpeg_with_gps(), "image/jpeg")), 422, "alt_text"),
}


@pytest.mark.parametrize("form, status, field", UPLOADS.values(), ids=UPLOADS.keys())
def test_a_bad_photo_upload_is_refused_naming_the_field(web, barrier, form, status, field):
    refused(web, lambda: web.request("POST", f"/api/v1/{barrier}/photos", **form), status, field)


def test_an_oversized_or_mislabelled_image_body_is_refused(web, barrier, settings):
    oversized = jpeg_with_gps() + b"\x00" * settings.max_image_bytes

    refused(web, lambda: web.attach_photo(barrier, oversized, "Too big"), 422, "image", "image_rejected")
    refused(web, lambda: web.attach_photo(barrier, b"GIF89a....", "A gif", "image/png"), 422, "image")
    refused(web, lambda: web.attach_photo(barrier, jpeg_with_gps(), "Text", "text/plain"), 415, "image")


def test_moderation_by_someone_who_is_not_a_moderator_is_refused(web, barrier):
    until = "2099-01-01T00:00:00Z"

    refused(web, lambda: web.hide(barrier, "I dislike it"), 403, None, "forbidden")
    refused(web, lambda: web.protect_page(barrier, "mine now", until), 403, None, "forbidden")
    refused(web, lambda: web.revert_edits(barrier, web.actor, "oops"), 403, None, "forbidden")
    refused(web, lambda: web.as_user("moderator").hide(barrier, ""), 422, "reason")
    refused(web, lambda: web.as_user("moderator").protect_page(barrier, "why", "2001-01-01T00:00:00Z"), 422, "until")
    refused(web, lambda: web.as_user("moderator").protect_page(barrier, "why", "2099-01-01T00:00:00"), 422, "until")


def test_someone_not_signed_in_cannot_change_the_knowledge_base(web):
    refused(web, lambda: web.anonymous().propose_barrier(TITLE, "text"), 401, None)


def test_bad_queries_get_a_400_naming_the_parameter(web, barrier):
    assert "q" in web.request("GET", "/api/v1/search").body["errors"]
    assert "category" in web.search_knowledge("photos", category="weather").body["errors"]
    assert "category" in web.request("GET", "/api/v1/barriers", category="weather").body["errors"]
    assert web.download(f"/api/v1/photos/{'0' * 64}").status == 404
    assert web.read_audit_view(barrier).status == 403
