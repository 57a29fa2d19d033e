"""Signed checkpoints: each store's relay signs its tree head into the log, and a signatory checks the proof of
their event against it with the stand-alone checker and the published keys. One system of this module's own,
checkpointing every few events (the shared end-to-end system signs none, so its tests see only their events)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from shared.checkpoints import Checkpoint
from shared.signing import Keyring, PublicKey

from ..e2e.auditor import audit
from ..e2e.pilot_steps import eventually
from .system import own_system

CHECKER = Path(__file__).resolve().parents[2] / "tools" / "verify_proof.py"


@pytest.fixture(scope="module")
def system(settings, workdir):
    with own_system(replace(settings, checkpoint_every_events=3, checkpoint_every_s=1.0), workdir,
                    "test_signed_checkpoints") as s:
        yield s


def check(tmp_path: Path, *args: str | dict) -> subprocess.CompletedProcess:
    """tools/verify_proof.py with only the standard library (-I -S); dict arguments are written to files first."""
    paths = []
    for n, arg in enumerate(args):
        if isinstance(arg, dict):
            path = tmp_path / f"{n}.json"
            path.write_text(json.dumps(arg))
            arg = str(path)
        paths.append(arg)
    return subprocess.run([sys.executable, "-I", "-S", str(CHECKER), *paths], capture_output=True, text=True,
                          timeout=60)


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
    valid = check(tmp_path, "inclusion", proof, envelope, "--checkpoint", checkpoint, "--keys", keys)
    assert valid.returncode == 0 and "a tree head signed by the store" in valid.stdout, valid.stdout + valid.stderr

    other_signature = checkpoint | {"signature": checkpoint["signature"][::-1]}
    refused = check(tmp_path, "inclusion", proof, envelope, "--checkpoint", other_signature, "--keys", keys)
    assert refused.returncode == 1 and "not the store's" in refused.stdout, refused.stdout + refused.stderr


def test_checkpoints_travel_in_the_log_like_any_event_and_the_log_verifies(system):
    steward = system.web("steward")
    for n in range(4):
        assert steward.create_charter(title=f"Charter {n} of a checkpointed log").status == 201

    def delivered() -> list[dict]:
        with psycopg.connect(system.settings.database_url) as conn:
            return [r[0] for r in conn.execute(
                "SELECT envelope FROM gateway.feed WHERE type = 'CheckpointPublished' ORDER BY seq")]

    fed = eventually(delivered, lambda f: len({e["producer"] for e in f}) >= 1, timeout_s=30)
    assert fed and all(e["data"]["store"] == e["producer"] and e["signature"] for e in fed)
    with psycopg.connect(system.settings.database_url) as conn:
        parked = conn.execute("SELECT count(*) FROM gateway.parked_events WHERE resolved_at IS NULL").fetchone()[0]
    assert parked == 0
    run = audit(system.settings, "verify")
    assert run.code == 0, run.out + run.err
