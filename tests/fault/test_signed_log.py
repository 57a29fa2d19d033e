"""A log no one can forge: signed events, a key rotation, and signed checkpoints a signatory checks.

Forged events are produced straight onto a topic, as anyone who can reach the broker could: none is applied.
One system of this module's own, with keys of its own (a rotation here must not touch another system's), that
checkpoints every few events (the shared end-to-end system signs none, so its tests see only their events).
The forger copies a real event, gives it a new stream, and produces it with a Kafka client of its own, its
hash recomputed (anyone can). Unsigned, signed by a key of its own, or keeping the real event's signature
over altered data: each must be parked by every consumer with the reason, never reach a read model, the
event stream or a webhook, and be reported by `charter audit verify`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import psycopg
import pytest
from confluent_kafka import Producer
from psycopg import sql

from services.gateway.audit.log import topic_events
from shared.checkpoints import Checkpoint
from shared.config import DOMAIN_SERVICES, TOPICS
from shared.hashchain import chain_hash
from shared.signing import Keyring, PublicKey, Signer, ensure_keys, rotate

from ..e2e.auditor import audit
from ..e2e.pilot_steps import eventually
from ..e2e.test_proofs import check
from .harness import stored_events
from .system import own_system

CONSUMERS = ("gateway", "gateway_hooks", "pilots")  # the projector, the webhook dispatcher, pilots' subscriptions


@pytest.fixture(scope="module")
def system(settings, workdir):
    keys = ensure_keys(workdir / "test_signed_log-keys", DOMAIN_SERVICES)
    with own_system(replace(settings, trusted_keys_file=str(keys), checkpoint_every_events=3,
                            checkpoint_every_s=1.0), workdir, "test_signed_log") as s:
        yield s


def a_real_barrier(system) -> tuple[str, dict]:
    steward = system.web("steward")
    made = steward.propose_barrier("A genuine barrier", "Proposed through the gateway, signed by knowledge.")
    assert made.status == 201, made.body
    barrier_id = made.body["barrier_id"]
    seen = eventually(lambda: steward.request("GET", f"/api/v1/barriers/{barrier_id}"), lambda r: r.status == 200,
                      timeout_s=20)
    assert seen.status == 200, seen.body
    head = len(stored_events(system, "knowledge"))
    published = topic_events(system.settings.kafka_bootstrap_servers, TOPICS["knowledge"], head, timeout_s=20)
    return barrier_id, next(e for e in published if e["stream_id"] == barrier_id and e["version"] == 1)


def forged_from(real: dict, title: str, position: int) -> dict:
    """The real event moved to a new stream with another title: what an outsider would produce."""
    new_id = str(uuid.uuid4())
    env = json.loads(json.dumps(real).replace(real["stream_id"], new_id))
    env.update(event_id=str(uuid.uuid4()), position=position)
    env["data"]["title"] = title
    return env


def rehashed(env: dict) -> dict:
    env["hash"] = chain_hash(env["prev_hash"], env)
    return env


def produce(system, envelopes: list[dict]) -> None:
    producer = Producer({"bootstrap.servers": system.settings.kafka_bootstrap_servers, "broker.address.family": "v4"})
    for env in envelopes:
        producer.produce(TOPICS[env["producer"]], key=env["stream_id"].encode(), value=json.dumps(env).encode())
    assert producer.flush(15) == 0, "the broker did not take the forged records"


def parked_errors(system, stream_id: str) -> dict[str, str]:
    found = {}
    with psycopg.connect(system.settings.database_url, connect_timeout=5) as conn:
        for schema in CONSUMERS:
            row = conn.execute(sql.SQL("SELECT error FROM {}.parked_events"
                                       " WHERE stream_id = %s AND resolved_at IS NULL")
                               .format(sql.Identifier(schema)), [stream_id]).fetchone()
            if row:
                found[schema] = row[0]
    return found


def in_feed_or_deliveries(system, event_ids: list[str]) -> list[str]:
    with psycopg.connect(system.settings.database_url, connect_timeout=5) as conn:
        fed = conn.execute("SELECT event_id::text FROM gateway.feed WHERE event_id = ANY(%s::uuid[])",
                           [event_ids]).fetchall()
        queued = conn.execute("SELECT event_id FROM gateway_hooks.deliveries WHERE event_id = ANY(%s)",
                              [event_ids]).fetchall()
    return [r[0] for r in fed + queued]


def test_events_forged_onto_a_topic_are_parked_with_the_reason_and_reach_no_reader(system):
    owner = system.web()
    hook = owner.request("POST", "/api/v1/webhooks",
                         {"url": "http://127.0.0.1:9/hook", "topics": [TOPICS["knowledge"]]})
    assert hook.status == 201, hook.body
    _, real = a_real_barrier(system)
    top = len(stored_events(system, "knowledge")) + 100

    unsigned = forged_from(real, "Forged, unsigned", top + 1)
    del unsigned["signature"]
    own_key = forged_from(real, "Forged, signed by the forger's own key", top + 2)
    own_key["signature"] = Signer.generate("knowledge").sign(own_key)
    altered = forged_from(real, "Forged, the real signature over other words", top + 3)  # keeps real's signature
    forged = {"unsigned": rehashed(unsigned), "signed by an unknown key": rehashed(own_key),
              "badly signed": rehashed(altered)}
    produce(system, list(forged.values()))

    for reason, env in forged.items():
        errors = eventually(lambda e=env: parked_errors(system, e["stream_id"]), lambda f: set(f) == set(CONSUMERS),
                            timeout_s=30)
        assert set(errors) == set(CONSUMERS), f"{reason}: parked only by {errors}"
        assert all(reason in error for error in errors.values()), errors
        assert system.web().request("GET", f"/api/v1/barriers/{env['stream_id']}").status == 404, reason
    assert in_feed_or_deliveries(system, [e["event_id"] for e in forged.values()]) == []

    run = audit(system.settings, "verify")
    knowledge = next(r for r in run.json if r["service"] == "knowledge")
    assert run.code == 1 and not knowledge["ok"]
    flagged = {b["event_id"]: b for b in knowledge["badly_signed"]}
    for reason, env in forged.items():
        assert flagged[env["event_id"]]["where"] == "topic" and reason in flagged[env["event_id"]]["problem"]
        assert env["position"] in knowledge["not_in_store"]


def test_after_a_key_rotation_old_and_new_events_verify_and_both_are_applied(system):
    steward = system.web("steward")
    before = steward.create_charter(title="Signed before the rotation")
    assert before.status == 201, before.body
    keys = system.settings.trusted_keys_file.rsplit("/", 1)[0]
    rotate(keys, "pledge")
    pid = system.kill("pledge")  # the supervisor starts it again, reading the new key
    assert system.wait_restarted("pledge", pid, timeout_s=30) is not None
    after = eventually(lambda: steward.create_charter(title="Signed after the rotation"), lambda r: r.status == 201,
                       timeout_s=20)
    assert after.status == 201, after.body

    for made in (before, after):
        seen = eventually(lambda m=made: steward.request("GET", f"/api/v1/charters/{m.body['charter_id']}"),
                          lambda r: r.status == 200, timeout_s=20)
        assert seen.status == 200, seen.body
    events = {e["stream_id"]: e for e in stored_events(system, "pledge") if e["type"] == "CharterCreated"}
    old, new = (events[m.body["charter_id"]]["signature"]["key_id"] for m in (before, after))
    assert old != new
    report = next(r for r in audit(system.settings, "verify").json if r["service"] == "pledge")
    assert report["ok"] and report["badly_signed"] == [], report


def test_a_signatory_checks_their_event_against_a_checkpoint_the_store_signed(system, tmp_path):
    steward, anyone = system.web("steward"), system.web()
    charter = steward.create_charter(title="Covered by a signed checkpoint")
    assert charter.status == 201, charter.body
    with psycopg.connect(system.settings.database_url) as conn:
        envelope = conn.execute("SELECT envelope FROM pledge.events WHERE stream_id = %s AND version = 1",
                                [charter.body["charter_id"]]).fetchone()[0]

    def signed_pledge_checkpoint():
        reply = anyone.request("GET", "/api/v1/audit/checkpoints", store="pledge")
        return reply.body["checkpoints"][0] if reply.status == 200 else {}

    checkpoint = eventually(signed_pledge_checkpoint, lambda c: c.get("signature") and c["tree_size"]
                            >= envelope["position"], timeout_s=30)
    assert checkpoint.get("signature") and checkpoint["key_id"].startswith("pledge:"), checkpoint
    keys = anyone.request("GET", "/api/v1/audit/keys").body
    ring = Keyring([PublicKey(**k) for k in keys["keys"]])
    head = Checkpoint(checkpoint["store"], checkpoint["tree_size"], checkpoint["root_hash"], checkpoint["timestamp"])
    assert ring.bytes_problem(checkpoint["key_id"], "pledge", head.signed_bytes(), checkpoint["signature"]) is None

    proof = anyone.request("GET", f"/api/v1/audit/proofs/{envelope['event_id']}").body
    assert proof["tree_size"] == checkpoint["tree_size"] and proof["checkpoint"] == checkpoint, proof
    valid = check(tmp_path, "inclusion", proof, (None, envelope), ("--checkpoint", checkpoint), ("--keys", keys))
    assert valid.returncode == 0 and "a tree head signed by the store" in valid.stdout, valid.stdout + valid.stderr

    other_signature = checkpoint | {"signature": checkpoint["signature"][::-1]}
    refused = check(tmp_path, "inclusion", proof, (None, envelope), ("--checkpoint", other_signature),
                    ("--keys", keys))
    assert refused.returncode == 1 and "not the store's" in refused.stdout, refused.stdout + refused.stderr


def test_checkpoints_travel_in_the_log_like_any_event_and_the_log_verifies(system):
    steward = system.web("steward")
    for n in range(4):
        assert steward.create_charter(title=f"Charter {n} of a checkpointed log").status == 201

    def delivered() -> list[dict]:
        with psycopg.connect(system.settings.database_url) as conn:
            return [r[0] for r in conn.execute(
                "SELECT envelope FROM gateway.feed WHERE type = 'CheckpointPublished' ORDER BY seq")]

    fed = eventually(delivered, lambda f: {"pledge", "knowledge"} <= {e["producer"] for e in f}, timeout_s=30)
    assert {"pledge", "knowledge"} <= {e["producer"] for e in fed}, fed  # the stores this module wrote to
    assert all(e["data"]["store"] == e["producer"] and e["signature"] for e in fed)
    with psycopg.connect(system.settings.database_url) as conn:
        parked = conn.execute("SELECT count(*) FROM gateway.parked_events WHERE resolved_at IS NULL"
                              " AND envelope->>'type' = 'CheckpointPublished'").fetchone()[0]
    assert parked == 0
    # Every store's chain and every stored signature (the checkpoints' among them) verify; only what was forged
    # onto a topic earlier in this module is named.
    reports = {r["service"]: r for r in audit(system.settings, "verify").json}
    assert all(r["first_broken_link"] is None for r in reports.values()), reports
    named = [b for r in reports.values() for b in r["badly_signed"]]
    assert all(b["where"] == "topic" for b in named), named
    assert reports["pledge"]["ok"] and reports["pilots"]["ok"], reports
