"""Erasure meets the log as it is: signatures recorded in the clear before sealing, and keys that cannot be had.

An old log keeps its plaintext (history is never edited), but the pledge service finds such a signatory by their
e-mail hash, and the ErasureCompleted naming the signature makes every read model show "erased" from there on. A
sealed signature whose key the pledge service cannot lend right now is retried, never parked; a rebuild by the
migration, before any service runs, opens sealed fields with the keys the pledge schema holds.
"""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from deploy.migrate import StoredKeys
from services.gateway.audit.replay import drop, rebuild
from services.gateway.readmodels import rebuilds, sealed
from services.pledge import migrations as pledge_migrations
from services.pledge.domain.erasures import EraseSubject, erase_subject
from services.pledge.subjects import Subjects
from shared import sealing
from shared.config import Settings
from shared.events import DataSubject
from shared.projection import TRANSIENT
from shared.subject_keys import KeyTable

from ..fixtures.read_models import dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STEWARDS = frozenset({"steward"})


def old_log() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "log_v2.jsonl").read_text().splitlines()]


def pledge_store_holding(database_url: str, schema: str, log: list[dict]) -> None:
    """A pledge schema whose events are the old log's pledge events, as that code stored them."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        pledge_migrations.migrate(conn, schema)
        for env in (e for e in log if e["producer"] == "pledge"):
            conn.execute(f'INSERT INTO "{schema}".events (position, event_id, stream_type, stream_id, version, type,'
                         " occurred_at, envelope) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                         [env["position"], env["event_id"], env["stream_type"], env["stream_id"], env["version"],
                          env["type"], env["occurred_at"], Jsonb(env)])


def envelope(event, position: int, stream_type: str) -> dict:
    """An event as the pledge service would publish it, after everything in the old log."""
    return {"event_id": str(uuid.uuid4()), "type": event.type_name(), "schema_version": event.SCHEMA_VERSION,
            "stream_type": stream_type, "stream_id": getattr(event, "erasure_id", None) or event.signature_id,
            "version": 1, "position": position, "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "producer": "pledge", "actor": "steward-1", "correlation_id": str(uuid.uuid4()),
            "causation_id": str(uuid.uuid4()), "data": event.to_data()}


def test_a_signatory_recorded_in_the_clear_is_found_by_email_hash_and_reads_erased_after_a_replay(
        database_url, schema):
    log = old_log()
    signed = next(e for e in log if e["type"] == "SignatureRequested")
    pledge_store_holding(database_url, schema, log)
    with psycopg.connect(database_url) as conn:
        found = Subjects(schema).forget(conn, signed["data"]["email_hash"])
    [erased] = erase_subject(found, EraseSubject("erasure-1", "x@example.org", "uk-gdpr-17-1-b", "steward-1",
                                                 STEWARDS), datetime.now(UTC))
    last = max(e["position"] for e in log if e["producer"] == "pledge")

    before, after = rebuild(database_url, log), rebuild(database_url, [*log, envelope(erased, last + 1, "erasure")])
    try:
        was, now = dump(database_url, before), dump(database_url, after)
    finally:
        drop(database_url, before), drop(database_url, after)

    assert found.subject_id is None and found.signature_ids == (signed["stream_id"],)
    row = next(s for s in now["signatures"] if s["signature_id"] == signed["stream_id"])
    assert (row["signatory_name"], row["signatory_role"]) == ("erased", "erased")
    others = {t: rows for t, rows in now.items() if t not in ("signatures", "erasures")}
    assert others == {t: rows for t, rows in was.items() if t not in ("signatures", "erasures")}
    assert [s for s in now["signatures"] if s is not row] == [
        s for s in was["signatures"] if s["signature_id"] != signed["stream_id"]]
    assert [(e["erasure_id"], e["service"], e["records"]) for e in now["erasures"]] == [("erasure-1", "pledge", 1)]


@pytest.fixture
def pledge_out_of_reach():
    """The gateway's key client pointed at a port nothing listens on, as when the pledge service is down."""
    sealed.use(sealed.SubjectKeys(Settings.from_env({}, pledge_url="http://127.0.0.1:9", internal_token="t")))
    yield
    sealed.use(None)


def a_sealed_request(subject: DataSubject) -> dict:
    """The old log's first signature request as v5 writes it: its signatory (A, B) sealed for `subject`."""
    signature = next(e for e in old_log() if e["type"] == "SignatureRequested")
    personal = {"signatory_name": "A", "signatory_role": "B", "email_hash": "C"}
    data = signature["data"] | dict.fromkeys(personal) | {
        "organisation_id": "x", "withdrawal_token_hash": None, "assurance": "self-declared",
        "subject_id": subject.subject_id, "sealed": subject.seal(signature["stream_id"], personal)}
    return signature | {"schema_version": 5, "data": data}


def signatories(database_url: str, envelopes: list[dict]) -> list[tuple[str, str]]:
    schema = rebuild(database_url, envelopes)
    try:
        return [(s["signatory_name"], s["signatory_role"]) for s in dump(database_url, schema)["signatures"]]
    finally:
        drop(database_url, schema)


def test_a_rebuild_by_the_migration_before_any_service_runs_opens_sealed_signatories_with_the_stored_keys(
        database_url, schema):
    table = KeyTable(schema, "email_hash")
    with psycopg.connect(database_url, autocommit=True) as conn:
        pledge_migrations.migrate(conn, schema)
        request = a_sealed_request(table.subject_for(conn, "hash-1"))
    keys = StoredKeys(database_url, {"pledge": schema})
    sealed.use(keys)
    try:
        opened = signatories(database_url, [request])
        with psycopg.connect(database_url, autocommit=True) as conn:
            table.forget(conn, "hash-1")
        erased = signatories(database_url, [request])
    finally:
        sealed.use(None)
        keys.close()

    assert opened == [("A", "B")]
    assert erased == [("erased", "erased")]


def test_a_sealed_signature_whose_key_cannot_be_had_is_retried_and_never_parked(database_url, pledge_out_of_reach):
    key, subject_id = sealing.new_key(), str(uuid.uuid4())
    sealed_env = a_sealed_request(DataSubject(subject_id, lambda record, f: sealing.seal(key, subject_id, record, f)))
    schema = f"replay_{uuid.uuid4().hex[:10]}"

    try:
        with pytest.raises(TRANSIENT) as unavailable:
            rebuilds.build(database_url, [sealed_env], schema)
        with psycopg.connect(database_url) as conn:
            parked = conn.execute(f'SELECT count(*) FROM "{schema}".parked_events').fetchone()[0]
            applied = conn.execute(f'SELECT count(*) FROM "{schema}".stream_checkpoints').fetchone()[0]
    finally:
        drop(database_url, schema)

    assert isinstance(unavailable.value, sealed.KeysUnavailable)
    assert (parked, applied) == (0, 0)
