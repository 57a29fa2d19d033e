"""A command retried with the same Idempotency-Key writes once, from the API and from a web form sent twice."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest

from .clients import PageReader, WebClient

FORM_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
CHARTER = {"title": "Interactive Charter", "purpose": "Make government interactive"}


def events_by(settings, actor: str, event_type: str) -> list[str]:
    """The stream ids of the pledge service's events of a type the account caused."""
    with psycopg.connect(settings.database_url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT stream_id FROM pledge.events WHERE envelope ->> 'actor' = %s AND type = %s ORDER BY position",
            [actor, event_type])]


def create_charter(person: WebClient, key: str, body: dict | None = None):
    return person.request("POST", "/api/v1/charters", body or CHARTER, headers={"Idempotency-Key": key})


def test_the_same_key_and_body_twice_writes_one_charter_and_answers_the_same(stack, settings, steward):
    key = str(uuid.uuid4())

    first = create_charter(steward, key)
    again = create_charter(steward, key)

    assert first.status == again.status == 201, (first.body, again.body)
    assert again.body == first.body
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert events_by(settings, steward.actor, "CharterCreated") == [first.body["charter_id"]]


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(stack, settings, steward):
    key = str(uuid.uuid4())
    first = create_charter(steward, key)

    other = create_charter(steward, key, CHARTER | {"title": "Another charter"})

    assert first.status == 201, first.body
    assert other.status == 422, other.body
    assert other.body["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.body["errors"]
    assert events_by(settings, steward.actor, "CharterCreated") == [first.body["charter_id"]]


@pytest.mark.parametrize("key", ["k" * 256, "café"], ids=["too long", "not ASCII"])
def test_a_malformed_key_is_refused_naming_the_header_and_writes_nothing(stack, settings, steward, key):
    refused = create_charter(steward, key)

    assert refused.status == 400, refused.body
    assert refused.body["code"] == "invalid_idempotency_key"
    assert "Idempotency-Key" in refused.body["errors"]
    assert events_by(settings, steward.actor, "CharterCreated") == []


def test_keys_are_per_account_so_two_people_with_one_key_each_write(stack, settings, steward):
    other_steward, key = steward.as_user("steward"), str(uuid.uuid4())

    mine, theirs = create_charter(steward, key), create_charter(other_steward, key)

    assert mine.status == theirs.status == 201, (mine.body, theirs.body)
    assert mine.body["charter_id"] != theirs.body["charter_id"]


def test_a_retry_whose_first_answer_the_gateway_never_kept_is_answered_by_the_service_without_a_second_write(
        stack, settings, steward):
    key = str(uuid.uuid4())
    first = create_charter(steward, key)
    # As after a forward that timed out although the service committed: the gateway kept no answer.
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("DELETE FROM gateway_auth.idempotency_keys WHERE account_id = %s AND key = %s",
                     [steward.actor, key])

    retried = create_charter(steward, key)

    assert first.status == retried.status == 201, (first.body, retried.body)
    assert retried.body["charter_id"] == first.body["charter_id"]
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert events_by(settings, steward.actor, "CharterCreated") == [first.body["charter_id"]]


def test_a_web_form_submitted_twice_proposes_one_draft(stack, settings, steward, web):
    charter_id = steward.create_charter().body["charter_id"]
    browser = PageReader.signed_in(web)
    form = browser.open(f"/charters/{charter_id}/drafts/new")
    fields = {"title": "Work in the open", "text": "We will work in the open.", "change_summary": "first go",
              "idempotency_key": FORM_KEY.search(form.body).group(1)}

    first = browser.submit(f"/charters/{charter_id}/drafts/new", fields)
    double_click = browser.submit(f"/charters/{charter_id}/drafts/new", fields)

    assert first.status == double_click.status == 303, (first.body, double_click.body)
    assert double_click.headers["Location"] == first.headers["Location"]
    assert len(events_by(settings, web.actor, "DraftProposed")) == 1


def test_every_post_form_carries_a_fresh_key(stack, steward, web):
    charter_id = steward.create_charter().body["charter_id"]
    browser = PageReader.signed_in(web)

    keys = [FORM_KEY.findall(browser.open(f"/charters/{charter_id}/drafts/new").body) for _ in range(2)]

    assert all(len(found) >= 1 for found in keys)
    assert set(keys[0]).isdisjoint(keys[1])
