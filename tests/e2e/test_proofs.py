"""A signatory proves their signature is in the log, and anyone that it only grew: with the stand-alone checker."""

import json
import subprocess
import sys
from pathlib import Path

from .clients import PageReader
from .pilot_steps import adopted_charter, eventually, organisation_name, sign_and_verify

CHECKER = Path(__file__).resolve().parents[2] / "tools" / "verify_proof.py"


def check(tmp_path: Path, kind: str, proof: dict, *more: tuple[str | None, dict]) -> subprocess.CompletedProcess:
    """Run tools/verify_proof.py with only the standard library (-I -S), as a signatory on their own machine."""
    args = [sys.executable, "-I", "-S", str(CHECKER), kind, _written(tmp_path, "proof", proof)]
    for flag, document in more:
        path = _written(tmp_path, flag or "envelope", document)
        args += [flag, path] if flag else [path]
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


def _written(tmp_path: Path, name: str, document: dict) -> str:
    path = tmp_path / f"{name.strip('-')}.json"
    path.write_text(json.dumps(document))
    return str(path)


def the_envelope(auditor, stream_id: str, event_type: str) -> dict:
    """The event as the auditor's export holds it."""
    export = auditor.request("GET", "/api/v1/audit/export")
    lines = export.body.splitlines() if isinstance(export.body, str) else [json.dumps(export.body)]
    return next(e for e in map(json.loads, lines) if e.get("stream_id") == stream_id and e["type"] == event_type)


def pledge_checkpoint(client) -> dict:
    reply = client.request("GET", "/api/v1/audit/checkpoints", store="pledge")
    assert reply.status == 200, reply.body
    return reply.body["checkpoints"][0]


def test_a_signatures_event_has_an_inclusion_proof_the_stand_alone_checker_accepts(web, tmp_path):
    signature_id, _ = sign_and_verify(web, adopted_charter(web), organisation_name())
    envelope = the_envelope(web.as_user("auditor"), signature_id, "SignatureVerified")
    anyone = web.anonymous()

    checkpoint = pledge_checkpoint(anyone)  # taken on its own, as a signatory would keep it
    proof = anyone.request("GET", f"/api/v1/audit/proofs/{envelope['event_id']}",
                           tree_size=str(checkpoint["tree_size"]))
    forged = envelope | {"data": envelope["data"] | {"signatory_name": "Someone Else"}}

    assert proof.status == 200, proof.body
    assert proof.body["tree_size"] >= envelope["position"] == proof.body["leaf_index"] + 1
    valid = check(tmp_path, "inclusion", proof.body, (None, envelope), ("--checkpoint", checkpoint))
    assert valid.returncode == 0 and valid.stdout.startswith("valid:"), valid.stdout + valid.stderr
    refused = check(tmp_path, "inclusion", proof.body, (None, forged))
    assert refused.returncode == 1 and "altered" in refused.stdout


def test_the_checkpoint_after_more_writes_is_consistent_with_the_one_before(web, steward, tmp_path):
    anyone = web.anonymous()
    before = pledge_checkpoint(anyone)
    for i in range(3):
        assert steward.create_charter(title=f"Written after the first checkpoint {i}").status == 201
    after = pledge_checkpoint(anyone)

    proof = anyone.request("GET", "/api/v1/audit/proofs/consistency", store="pledge",
                           first=str(before["tree_size"]), second=str(after["tree_size"]))
    verdict = check(tmp_path, "consistency", proof.body, ("--first", before), ("--second", after))

    assert after["tree_size"] >= before["tree_size"] + 3 and proof.status == 200, proof.body
    assert verdict.returncode == 0 and verdict.stdout.startswith("valid:"), verdict.stdout + verdict.stderr


def test_proofs_refuse_an_unknown_event_and_a_tree_the_store_has_not_reached(web):
    anyone = web.anonymous()
    size = pledge_checkpoint(anyone)["tree_size"]

    unknown = anyone.request("GET", "/api/v1/audit/proofs/00000000-0000-4000-8000-000000000000")
    beyond = anyone.request("GET", "/api/v1/audit/proofs/consistency", store="pledge", first="1",
                            second=str(size + 10**6))

    assert (unknown.status, unknown.body["code"]) == (404, "unknown_event")
    assert (beyond.status, beyond.body["code"], beyond.body["tree_size"] >= size) == (
        400, "tree_size_out_of_range", True)


def test_a_confirmed_signature_names_its_event_and_its_page_links_to_the_proof_that_it_is_in_the_log(web, tmp_path):
    charter_id = adopted_charter(web)
    signature_id, _ = sign_and_verify(web, charter_id, organisation_name())
    envelope = the_envelope(web.as_user("auditor"), signature_id, "SignatureVerified")
    anyone = web.anonymous()

    listed = eventually(lambda: anyone.read_signatories(charter_id),
                        lambda r: any(s["signature_id"] == signature_id for s in r.body["items"]))
    [shown] = [s for s in listed.body["items"] if s["signature_id"] == signature_id]
    page = PageReader(web.base_url).open(f"/signatures/{signature_id}").body
    proof = anyone.request("GET", f"/api/v1/audit/proofs/{shown['verified_event_id']}")

    assert shown["verified_event_id"] == envelope["event_id"]
    assert f'href="/api/v1/audit/proofs/{envelope["event_id"]}"' in page
    assert proof.status == 200 and check(tmp_path, "inclusion", proof.body, (None, envelope)).returncode == 0
