"""A council's dashboard follows the live stream: filtered, resumable with Last-Event-ID, bounded in time."""

import time
import uuid

from .council import EventStream
from .pilot_steps import adopted_charter, organisation_name, propose_barrier


def mine(charter_ids):
    return lambda events: len({e.envelope["stream_id"] for e in events} & set(charter_ids))


def test_a_client_that_reconnects_with_last_event_id_misses_nothing_and_gets_nothing_twice(web, steward):
    stream = EventStream(web.base_url, types="CharterCreated").ready()
    charter_ids = [steward.create_charter(title=f"Streamed {i} {uuid.uuid4().hex}").body["charter_id"]
                   for i in range(4)]

    first = stream.take(lambda seen: mine(charter_ids)(seen) == 2)
    stream.close()
    resumed = EventStream(web.base_url, last_event_id=first[-1].id, types="CharterCreated").ready()
    rest = resumed.take(lambda seen: mine(charter_ids)(seen) == 2)
    resumed.close()

    ours = [e.envelope["stream_id"] for e in first + rest if e.envelope["stream_id"] in charter_ids]
    assert sorted(ours) == sorted(charter_ids)
    assert [e.id for e in first + rest] == sorted({e.id for e in first + rest})
    assert {e.envelope["type"] for e in first + rest} == {"CharterCreated"}


def test_an_organisation_filter_follows_the_streams_that_name_it_in_any_spelling(web):
    organisation = organisation_name()
    stream = EventStream(web.base_url, organisation=f"  {organisation.upper()} ").ready()
    charter_id = adopted_charter(web)

    signature_id = web.sign_charter(charter_id, 1, organisation, f"ceo-{uuid.uuid4().hex[:8]}@example.org").body[
        "signature_id"]
    web.follow_verification_link(signature_id)
    events = stream.take(lambda seen: len(seen) == 2)
    stream.close()

    assert [(e.envelope["type"], e.envelope["stream_id"]) for e in events] == [
        ("SignatureRequested", signature_id), ("SignatureVerified", signature_id)]
    assert events[0].envelope["data"]["organisation_name"] == organisation


def test_a_topic_filter_from_the_beginning_carries_only_that_topic(web, steward):
    barrier_id = propose_barrier(web, f"Streams blocked {uuid.uuid4().hex}")
    steward.create_charter(title="Not knowledge")

    stream = EventStream(web.base_url, last_event_id=0, topics="charter.knowledge.v1")
    events = stream.take(lambda seen: seen[-1].envelope["stream_id"] == barrier_id)
    stream.close()

    assert stream.status == 200 and events[-1].envelope["type"] == "BarrierProposed"
    assert {e.envelope["producer"] for e in events} == {"knowledge"}


def test_a_stream_ends_after_its_time_bound_telling_the_client_to_reconnect(web):
    stream = EventStream(web.base_url).ready()

    list(stream.events())

    assert stream.retry_ms and stream.retry_ms > 0
    assert stream.comments[-1].startswith(": time is up; reconnect with Last-Event-ID")
    assert any(c == ": keep-alive" for c in stream.comments)


def test_streams_beyond_a_workers_share_are_turned_away_while_ordinary_requests_still_answer(web):
    streams = []
    try:
        while len(streams) < 20 and (not streams or streams[-1].status == 200):
            streams.append(EventStream(web.base_url, retry_busy=False))
        started = time.monotonic()
        health = web.request("GET", "/healthz")
        answered_in = time.monotonic() - started
    finally:
        for s in streams:
            s.close()

    assert streams[-1].status == 503 and streams[-1].response.headers["Retry-After"]
    assert health.status == 200 and answered_in < 2


def test_a_stream_with_an_unknown_filter_is_refused_naming_it(web):
    unknown_topic = web.request("GET", "/api/v1/events/stream", topics="charter.secrets.v1")
    unknown_type = web.request("GET", "/api/v1/events/stream", types="CharterCreated,CharterBurnt")
    bad_resume = web.request("GET", "/api/v1/events/stream", headers={"Last-Event-ID": "yesterday"})

    assert (unknown_topic.status, list(unknown_topic.body["errors"])) == (400, ["topics"])
    assert (unknown_type.status, list(unknown_type.body["errors"])) == (400, ["types"])
    assert (bad_resume.status, list(bad_resume.body["errors"])) == (400, ["Last-Event-ID"])
