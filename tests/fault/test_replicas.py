"""Every process as two copies (the HTTP ones behind a round-robin proxy), one copy of each kind SIGKILLed under load.

Afterwards: no acknowledged command lost, the read models equal a fresh replay (no event applied twice),
each event on its topic once (the relays' lease: only the copy killed mid-publish may have sent its
last, unrecorded batch again), no webhook delivery sent twice at once, and health counting both copies.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter

import psycopg
import pytest
import urllib3
from kafka import KafkaConsumer, TopicPartition

from shared.config import DOMAIN_SERVICES, TOPICS

from ..e2e.council import Receiver
from .harness import Load, assert_converged, converge, report, stored_events
from .system import own_system

# One copy of each kind: a domain service, the gateway, consumers of each sort, the webhook dispatcher. The relay
# killed is whichever copy holds pledge's lease (see `active_relay`).
KILLED = ["gateway#2", "pledge", "pilots#2", "projector#2", "pilots-subscriptions", "knowledge-subscriptions#2",
          "webhook-dispatcher#2"]


@pytest.fixture(scope="module")
def system(settings, workdir):
    """This module's own system, every process as two copies; gunicorn copies with one worker each (two cores)."""
    before = os.environ.get("GUNICORN_WORKERS")
    os.environ["GUNICORN_WORKERS"] = "1"
    try:
        with own_system(settings, workdir, "replicas", copies=2) as s:
            yield s
    finally:
        os.environ.pop("GUNICORN_WORKERS") if before is None else os.environ.update(GUNICORN_WORKERS=before)


def active_relay(system, service: str) -> tuple[str, int, int]:
    """The copy of the service's relay that publishes, its checkpoint and its store's head."""
    with psycopg.connect(system.settings.database_url) as conn:
        pids = [r[0] for r in conn.execute(f"SELECT pid FROM {service}.heartbeats WHERE process = %s"
                                           " AND details->>'state' = 'publishing' AND beat_at > now() - interval '3 s'",
                                           [f"{service}-relay"])]
        checkpoint = conn.execute(f"SELECT position FROM {service}.relay_checkpoint").fetchone()[0]
        head = conn.execute(f"SELECT position FROM {service}.head").fetchone()[0]
    names = [n for n, p in system.stack.procs.items() if p.pid in pids]
    assert len(names) == 1, f"not exactly one copy of {service}-relay publishes: {names}"
    return names[0], checkpoint, head


def records_per_event(bootstrap: str, topic: str, stored: int, quiet_s: float = 1.5) -> Counter:
    """How many records each position has on the topic, read by a fresh group-less consumer until all are seen
    and the topic stays quiet for `quiet_s`."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    try:
        consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()])
        consumer.seek_to_beginning()
        counts: Counter = Counter()
        deadline, quiet_since = time.monotonic() + 30, time.monotonic()
        while time.monotonic() < deadline and (len(counts) < stored or time.monotonic() - quiet_since < quiet_s):
            records = [r for rs in consumer.poll(timeout_ms=200).values() for r in rs]
            counts.update(json.loads(r.value)["position"] for r in records)
            quiet_since = time.monotonic() if records else quiet_since
        return counts
    finally:
        consumer.close()


def status(system) -> dict:
    return json.loads(urllib3.request("GET", system.url + "/api/v1/status", timeout=5).data)


def test_two_copies_of_every_process_with_one_of_each_kind_killed_lose_nothing_and_do_nothing_twice(
        system, targets, record_property):
    with Receiver() as council:
        hook = system.web().register_webhook(council.url)
        assert hook.status == 201, hook.body
        with Load(system, targets, threads=4) as load:
            time.sleep(3)
            relay, checkpoint, head = active_relay(system, "pledge")
            killed_at = time.monotonic()
            pids = {}
            for name in [relay, *KILLED]:
                pids[name] = system.kill(name)
                time.sleep(0.3)
            report(record_property, "killed", f"{relay} (checkpoint {checkpoint}, head {head}) and {KILLED}")
            back = {name: system.wait_restarted(name, pid, timeout_s=30) for name, pid in pids.items()}
            time.sleep(2)
            acknowledged = load.stop()
        converged = converge(system, acknowledged, killed_at, record_property, timeout_s=90)
        taken_over = active_relay(system, "pledge")[0]
        twice = {}
        for service in DOMAIN_SERVICES:
            stored = len(stored_events(system, service))
            counts = records_per_event(system.settings.kafka_bootstrap_servers, TOPICS[service], stored)
            # The killed active relay may have sent a last batch it did not live to record: only those may repeat.
            resent = range(checkpoint + 1, head + 1) if service == "pledge" else range(0)
            twice[service] = sorted(p for p, n in counts.items() if n > 1 and p not in resent)
            report(record_property, f"{service}_topic", f"{stored} stored, {sum(counts.values())} records, "
                                                        f"{sum(n > 1 for n in counts.values())} positions repeated")
        time.sleep(1)
        arrivals: dict[str, list[float]] = {}
        for r in council.requests:
            arrivals.setdefault(r.headers["X-Charter-Event-Id"], []).append(r.at)
    at_once = {e: ts for e, ts in arrivals.items() if any(b - a < 5 for a, b in zip(ts, ts[1:], strict=False))}
    report(record_property, "webhooks", f"{len(arrivals)} events delivered, "
                                        f"{sum(len(t) > 1 for t in arrivals.values())} more than once")
    parts = status(system)["parts"]
    copies = {name: parts[name].get("copies") for name in ("pledge-relay", "gateway-projector.charter.pledge.v1",
                                                           "gateway-webhooks", "pilots-subscriptions")}
    report(record_property, "copies_reporting", copies)
    report(record_property, "pledge_relay_lease", f"held by {relay}, then by {taken_over}")

    assert all(b is not None for b in back.values()), f"not every killed copy was restarted: {back}"
    assert acknowledged.acks, f"the load got nothing acknowledged: {acknowledged.summary()}"
    assert_converged(converged)
    assert not any(twice.values()), f"events published twice by two active relays: {twice}"
    assert arrivals and not at_once, f"webhook deliveries sent twice at once: {list(at_once.items())[:5]}"
    assert taken_over in ("pledge-relay", "pledge-relay#2")
    assert parts["pledge-relay"]["state"] == "publishing"
    assert all(n == 2 for n in copies.values()), f"health does not count both copies of every part: {copies}"
