"""Logs recorded by older code replay, through today's code and upcasters, to the same read models.

`tests/fixtures/log_v1.jsonl` is the three stores as the code of commit 512130b wrote them, before upcasting
existed, and `log_v2.jsonl` as the code of commit 491cf68 wrote them, before organisations had records (every
event type each code had; see tests/fixtures/record_log_v1.py). Beside each, `read_models_v<N>.json` holds the
gateway's read models that code rebuilt from it. History is never edited: if this test fails, an event changed
shape without an upcaster, or a read model changed what it makes of the same events.
"""

import json
from pathlib import Path

import pytest

from services.gateway.audit.replay import drop, rebuild

from ..fixtures.read_models import VOLATILE, dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Columns today's read models have that the recordings' did not: filled from the same events, never changing a
# value the recording has. Each is named with why it is there, and checked below for what old events give it.
ADDED = {"signatures": {"organisation_id", "assurance", "assurance_method",  # organisations as records
                        "verified_event_id"}}  # what a signatory asks an inclusion proof for


def replayed(database_url: str, recording: str) -> tuple[dict, dict]:
    log = [json.loads(line) for line in (FIXTURES / f"log_{recording}.jsonl").read_text().splitlines()]
    schema = rebuild(database_url, log)
    try:
        return dump(database_url, schema), json.loads((FIXTURES / f"read_models_{recording}.json").read_text())
    finally:
        drop(database_url, schema)


def without_added(table: str, rows: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in r.items() if k not in ADDED.get(table, ())} for r in rows),
                  key=lambda r: json.dumps(r, sort_keys=True))


@pytest.mark.parametrize("recording", ["v1", "v2"])
def test_a_log_recorded_by_older_code_replays_to_the_same_read_models(database_url, recording):
    rebuilt, recorded = replayed(database_url, recording)

    assert {t: without_added(t, rows) for t, rows in rebuilt.items() if t in recorded} == {
        t: without_added(t, rows) for t, rows in recorded.items()}, VOLATILE
    assert set(rebuilt) >= set(recorded)


@pytest.mark.parametrize("recording", ["v1", "v2"])
def test_old_signatures_replay_as_self_declared_for_unrecorded_organisations_named_by_their_canonical_names(
        database_url, recording):
    rebuilt, _ = replayed(database_url, recording)

    signatures, organisations = rebuilt["signatures"], rebuilt["organisations"]
    assert signatures and {s["assurance"] for s in signatures} == {"self-declared"}
    assert {s["organisation_id"] for s in signatures} == {o["organisation_id"] for o in organisations}
    assert all(" ".join(s["organisation_name"].casefold().split()) == s["organisation_id"] for s in signatures)
    assert not any(o["recorded"] or o["domains"] for o in organisations)
