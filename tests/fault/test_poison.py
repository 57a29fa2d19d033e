"""Bad data written straight into a store, as a bug or a bad migration would: parked, never fatal.

One system of this module's own. Each event is appended with a correct position, version and hash
chain (through EventStore.append itself, so the store's lock, head and NOTIFY are as for any append),
so the relay publishes it; then every consumer that cannot apply it must park it in its own
`parked_events`, hold its stream behind it, and keep every other stream flowing.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from shared.db import connect_pool
from shared.envelope import CommandMeta
from shared.eventstore import EventStore
from shared.signing import Signer, private_key_file

from ..e2e.pilot_steps import eventually
from .harness import (
    HealthWatch,
    Load,
    assert_converged,
    converge,
    health_transitions,
    matches,
    report,
)

CONSUMER_SCHEMAS = ("gateway", "pilots", "knowledge", "webhooks")


class RawEvent:
    """Anything at all as an event: the type name and data are taken as given, unchecked."""

    SCHEMA_VERSION = 1

    def __init__(self, type_name: str, data: dict) -> None:
        self._type, self._data = type_name, data

    def type_name(self) -> str:
        return self._type

    def to_data(self) -> dict:
        return self._data


def write_straight_into(system, service: str, stream_type: str, stream_id: str, *events: RawEvent) -> int:
    """Append events to a new stream of a service's store, bypassing the service; the last position."""
    pool = connect_pool(system.settings.database_url, max_size=1, name="poison")
    try:
        meta = CommandMeta(actor="fault-test", correlation_id=str(uuid.uuid4()), causation_id=str(uuid.uuid4()))
        signer = Signer.from_file(service, private_key_file(Path(system.settings.trusted_keys_file).parent, service))
        return EventStore(pool, service, signer=signer).append(stream_type, stream_id, 0, list(events), meta).position
    finally:
        pool.close()


def parked(system, stream_id: str) -> dict[str, list[dict]]:
    """Open parked events of a stream, per consumer schema that has a `parked_events` table."""
    found = {}
    with psycopg.connect(system.settings.database_url, connect_timeout=5) as conn:
        for schema in CONSUMER_SCHEMAS:
            if conn.execute("SELECT to_regclass(%s)", [f"{schema}.parked_events"]).fetchone()[0] is None:
                continue
            rows = conn.execute(
                sql.SQL("SELECT stream_id, version, envelope, error, handler, parked_at, attempts FROM {}.parked_events"
                        " WHERE stream_id = %s AND resolved_at IS NULL ORDER BY version")
                .format(sql.Identifier(schema)), [stream_id]).fetchall()
            if rows:
                found[schema] = [dict(zip(("stream_id", "version", "envelope", "error", "handler", "parked_at",
                                           "attempts"), r, strict=True)) for r in rows]
    return found


def applied_version(system, schema: str, stream_id: str) -> int:
    with psycopg.connect(system.settings.database_url, connect_timeout=5) as conn:
        row = conn.execute(sql.SQL("SELECT version FROM {}.stream_checkpoints WHERE stream_id = %s")
                           .format(sql.Identifier(schema)), [stream_id]).fetchone()
    return row[0] if row else 0


def wait_parked(system, stream_id: str, schema: str = "gateway", timeout_s: float = 20) -> dict[str, list[dict]]:
    deadline = time.monotonic() + timeout_s
    while True:
        found = parked(system, stream_id)
        if schema in found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def poisoned_under_load(system, targets, record_property, poison) -> tuple[dict, HealthWatch, float]:
    """Write `poison()` into a store in the middle of a write load; check the rest converges; what was parked."""
    with HealthWatch(system) as watch:
        with Load(system, targets) as load:
            time.sleep(2)
            fault_at = time.monotonic()
            stream_id = poison()
            found = wait_parked(system, stream_id)
            time.sleep(3)  # the load goes on: other streams must keep flowing behind and beside it
            acknowledged = load.stop()
        converged = converge(system, acknowledged, fault_at, record_property, exclude_streams={stream_id})
        time.sleep(1)
    report(record_property, "parked", {s: [(p["version"], p["handler"], p["error"][:120]) for p in rows]
                                       for s, rows in parked(system, stream_id).items()})
    assert acknowledged.acks, f"the load got nothing acknowledged: {acknowledged.summary()}"
    assert_converged(converged)  # every other stream flowed, the log verifies with the bad event in it
    return found, watch, fault_at


def assert_health_names_parked(watch: HealthWatch, fault_at: float, part: str, record_property) -> None:
    t = health_transitions(watch, fault_at, part)
    report(record_property, "health", t)
    assert not watch.endpoints_missing, f"/readyz never answered 200 or 503 (answers: " \
        f"{sorted({str(s.readyz) for s in watch.samples})}): the health contract is not there yet"
    assert t["degraded_after_s"] is not None and t["degraded_after_s"] <= 10, \
        f"health never turned degraded naming {part!r} for the parked event: {t}"
    last = watch.samples[-1]
    assert not last.ready and matches(part, last.bad), f"health stopped naming the parked event: {t}"


def test_a_malformed_event_is_parked_its_stream_held_and_every_other_stream_flows(
        revived, targets, record_property):
    draft_id = str(uuid.uuid4())

    def poison():
        write_straight_into(revived, "pledge", "draft", draft_id,
                            RawEvent("DraftProposed", {"nonsense": 1}),  # data that does not fit its type
                            RawEvent("DraftWithdrawn", {"draft_id": draft_id}))  # fine alone, but behind it
        return draft_id

    found, watch, fault_at = poisoned_under_load(revived, targets, record_property, poison)

    assert [p["version"] for p in found.get("gateway", [])] == [1], f"the projector parked {found}"
    entry = found["gateway"][0]
    assert entry["envelope"]["data"] == {"nonsense": 1} and entry["error"] and entry["handler"]
    assert entry["attempts"] >= 1 and entry["parked_at"] is not None
    assert applied_version(revived, "gateway", draft_id) == 0, "the stream was not held behind its parked event"
    assert revived.web().read_draft(draft_id).status == 404
    assert_health_names_parked(watch, fault_at, "projector", record_property)


def test_an_unknown_type_event_is_parked_not_ignored_and_every_other_stream_flows(
        revived, targets, record_property):
    barrier_id = str(uuid.uuid4())

    def poison():
        write_straight_into(revived, "knowledge", "barrier", barrier_id, RawEvent("NoSuchEvent", {"what": "ever"}))
        return barrier_id

    found, watch, fault_at = poisoned_under_load(revived, targets, record_property, poison)

    assert [p["version"] for p in found.get("gateway", [])] == [1], f"the projector parked {found}"
    assert found["gateway"][0]["envelope"]["type"] == "NoSuchEvent"
    assert applied_version(revived, "gateway", barrier_id) == 0
    # Long after it, a new command on another stream of the same store still becomes visible.
    steward = revived.web("steward")
    fresh = steward.propose_barrier("Filed after the unknown event", "Seen after it, in practice.")
    assert fresh.status == 201, fresh.body
    seen = eventually(lambda: steward.request("GET", f"/api/v1/barriers/{fresh.body['barrier_id']}"),
                      lambda r: r.status == 200, timeout_s=20)
    assert seen.status == 200, seen.body
    assert_health_names_parked(watch, fault_at, "projector", record_property)
