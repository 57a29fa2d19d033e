"""A council system on Kafka itself: librdkafka (confluent-kafka), its own consumer group, from the beginning."""

import json
import time
import uuid
from collections import defaultdict
from pathlib import Path

from confluent_kafka import Consumer, KafkaError, KafkaException
from jsonschema import Draft202012Validator

from shared.envelope import CONTRACT_FIELDS
from shared.hashchain import chain_hash, first_broken_link
from shared.signing import Keyring, PublicKey

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
ENVELOPE = Draft202012Validator(json.loads((SCHEMAS / "envelope.json").read_text()))


def council_consumer(bootstrap: str, group: str) -> Consumer:
    """A consumer as a council would configure one: its own group, from the beginning, committing itself."""
    return Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                     "enable.auto.commit": False, "session.timeout.ms": 6000, "heartbeat.interval.ms": 1000})


def consume_until(consumer: Consumer, done, timeout_s: float = 60) -> list[dict]:
    """Envelopes in arrival order, de-duplicated by event_id (delivery is at least once), until `done(them)`."""
    seen: dict[str, dict] = {}
    deadline = time.monotonic() + timeout_s
    while not done(list(seen.values())) and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None or (message.error() and message.error().code() == KafkaError._PARTITION_EOF):
            continue
        if message.error():
            raise KafkaException(message.error())
        envelope = json.loads(message.value())
        assert message.key().decode() == envelope["stream_id"]
        seen.setdefault(envelope["event_id"], envelope)
    return list(seen.values())


def schema_problems(envelope: dict) -> list[str]:
    data = Draft202012Validator(json.loads(
        (SCHEMAS / "events" / "pledge" / f"{envelope['type']}.v{envelope['schema_version']}.json").read_text()))
    return [e.message for e in ENVELOPE.iter_errors(envelope)] + [e.message for e in data.iter_errors(envelope["data"])]


def test_a_council_on_librdkafka_reads_the_pledge_topic_from_the_beginning_and_every_envelope_checks_out(
        web, steward, settings):
    charter = steward.create_charter(title=f"Council view {uuid.uuid4().hex}").body
    first = web.propose_draft(charter["charter_id"], "We commit to overcoming the barriers.").body
    last = web.propose_draft(charter["charter_id"], "We commit, and we report back.").body
    council = council_consumer(settings.kafka_bootstrap_servers, f"council-{uuid.uuid4().hex[:8]}")
    council.subscribe(["charter.pledge.v1"])
    head = last["position"]

    try:
        envelopes = consume_until(council, lambda got: {e["position"] for e in got} >= set(range(1, head + 1)))
        council.commit(asynchronous=False)
    finally:
        council.close()

    versions = defaultdict(list)
    for e in envelopes:
        versions[e["stream_id"]].append(e["version"])
    stored = sorted((e for e in envelopes if e["position"] <= head), key=lambda e: e["position"])
    assert [e["position"] for e in stored] == list(range(1, head + 1))
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values()), "per-stream order from the beginning"
    assert versions[charter["charter_id"]] == [1, 2]
    assert versions[first["draft_id"]] == versions[last["draft_id"]] == [1]
    keys = web.anonymous().request("GET", "/api/v1/audit/keys").body  # as a council fetches them, once
    keyring = Keyring([PublicKey(**k) for k in keys["keys"]], keys["unsigned_through"])
    for e in envelopes:
        assert set(e) == {*CONTRACT_FIELDS, "signature"} and e["producer"] == "pledge"
        assert keyring.problem(e) is None, e  # the pledge service signed it
        assert e["hash"] == chain_hash(e["prev_hash"], e)
        assert schema_problems(e) == []
    assert first_broken_link(stored) is None
