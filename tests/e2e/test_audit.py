import subprocess
import sys
import time
from datetime import UTC, datetime

import psycopg
import pytest

from tools import verify_proof

from .auditor import audit


@pytest.fixture
def a_charter(steward):
    return steward.create_charter(title="Audited charter").body


def test_verify_finds_every_chain_intact_and_every_topic_complete(settings, a_charter):
    run = audit(settings, "verify")

    assert run.code == 0, run.out + run.err
    assert {r["service"]: r["ok"] for r in run.json} == {"pledge": True, "knowledge": True, "pilots": True}
    assert next(r for r in run.json if r["service"] == "pledge")["stored"] >= a_charter["position"]


def test_verify_names_the_first_broken_link_when_a_stored_event_is_altered(settings, a_charter):
    position = a_charter["position"] - 1  # the CharterCreated event
    forge = "UPDATE pledge.events SET envelope = jsonb_set(envelope, '{data,title}', %s) WHERE position = %s"
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        original = conn.execute(
            "SELECT envelope->'data'->'title' FROM pledge.events WHERE position = %s", [position]
        ).fetchone()[0]
        conn.execute(forge, ['"Forged title"', position])
        try:
            run = audit(settings, "verify")
        finally:
            conn.execute(forge, [psycopg.types.json.Jsonb(original), position])

    pledge = next(r for r in run.json if r["service"] == "pledge")
    assert run.code == 1
    assert pledge["first_broken_link"] == position
    assert position in pledge["differing_on_topic"]
    assert audit(settings, "verify").code == 0


def test_an_export_verifies_offline_with_only_the_standard_library_and_a_forgery_is_named(
    settings, a_charter, tmp_path
):
    export = tmp_path / "log.jsonl"
    assert audit(settings, "export", "--out", str(export)).code == 0
    verifier = [sys.executable, "-I", "-S", verify_proof.__file__, "export", str(export)]  # -S: no site-packages

    intact = subprocess.run(verifier, capture_output=True, text=True)
    lines = export.read_text().splitlines()
    forged_at = next(i for i, line in enumerate(lines) if a_charter["charter_id"] in line and "CharterCreated" in line)
    lines[forged_at] = lines[forged_at].replace("Audited charter", "Forged charter")
    export.write_text("\n".join(lines) + "\n")
    forged = subprocess.run(verifier, capture_output=True, text=True)

    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "pledge: chain and signatures verify" in intact.stdout
    assert forged.returncode == 1
    assert f"pledge: BROKEN at position {a_charter['position'] - 1}" in forged.stdout


def test_the_snapshot_command_rebuilds_the_world_as_it_was_at_a_moment(settings, steward):
    before = steward.create_charter(title="Existed before").body
    time.sleep(0.05)
    moment = datetime.now(UTC)
    time.sleep(0.05)
    after = steward.create_charter(title="Came later").body

    run = audit(settings, "snapshot", moment.isoformat())

    assert run.code == 0, run.err
    schema = run.json["schema"]
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        ids = {r[0] for r in conn.execute(f'SELECT charter_id FROM "{schema}".charters')}
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    assert before["charter_id"] in ids and after["charter_id"] not in ids
    assert run.json["events"] >= 2


def test_the_snapshot_command_refuses_a_malformed_or_future_moment(settings):
    malformed = audit(settings, "snapshot", "last tuesday")
    future = audit(settings, "snapshot", "2999-01-01T00:00:00Z")

    assert malformed.code == 2 and "RFC 3339" in malformed.err
    assert future.code == 2 and "future" in future.err


def test_auditors_see_an_items_whole_history_and_others_are_refused(web, steward, a_charter):
    auditor = web.as_user("auditor")

    refused = web.request("GET", f"/api/v1/audit/history/{a_charter['charter_id']}")
    history = auditor.request("GET", f"/api/v1/audit/history/{a_charter['charter_id']}")

    assert refused.status == 403
    assert history.status == 200
    assert [e["type"] for e in history.body["events"]] == ["CharterCreated", "RoundOpened"]
    assert history.body["events"][0]["actor"] == steward.actor


def projector_caught_up(status: dict, asked: float) -> bool:
    """A status measured after `asked` in which every projector lane has applied every store's head."""
    measured = datetime.fromisoformat(status["measured_at"].replace("Z", "+00:00")).timestamp()
    lanes = [part for name, part in status["parts"].items() if name.startswith("gateway-projector.")]
    return measured >= asked and bool(lanes) and not any(n for lane in lanes for n in lane["lag"].values())


@pytest.mark.after_everything
def test_replaying_the_whole_log_rebuilds_read_models_equal_to_the_live_ones(settings, stack):
    asked, deadline = time.time(), time.monotonic() + 30
    while not projector_caught_up(stack.wait_healthy(), asked) and time.monotonic() < deadline:
        time.sleep(0.2)

    run = audit(settings, "replay", timeout=600)

    assert run.code == 0, run.out + run.err
    assert run.json == {"equal": True, "differences": {}}
    assert "replaying:" in run.err  # the running count with rate
