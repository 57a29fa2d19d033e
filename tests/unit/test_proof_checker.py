"""tools/verify_proof.py on its own: RFC 8785 as the chain uses it, and its command line's verdicts."""

import json
import subprocess
import sys
from pathlib import Path

import rfc8785
from hypothesis import given, settings

from services.gateway.audit.proofs import inclusion_reply
from services.gateway.audit.trees import StoreTree
from tools import verify_proof

from .gateway.test_proofs_of_a_log import a_log
from .test_export_checker import json_values

CHECKER = Path(verify_proof.__file__)


@settings(max_examples=300)
@given(json_values)
def test_the_checkers_canonical_json_is_rfc8785(value):
    assert verify_proof.canonical(value).encode() == rfc8785.dumps(value)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", "-S", str(CHECKER), *args], capture_output=True, text=True)


def test_the_command_line_says_valid_invalid_or_unreadable_with_its_exit_status(tmp_path):
    log = a_log(7)
    tree = StoreTree("pledge")
    tree.add(log)
    (tmp_path / "proof.json").write_text(json.dumps(inclusion_reply(tree, log[3]["event_id"])))
    (tmp_path / "export.jsonl").write_text("".join(json.dumps(e) + "\n" for e in log))
    (tmp_path / "other.json").write_text(json.dumps(log[4]))

    valid = run("inclusion", str(tmp_path / "proof.json"), str(tmp_path / "export.jsonl"))
    invalid = run("inclusion", str(tmp_path / "proof.json"), str(tmp_path / "other.json"))
    unreadable = run("inclusion", str(tmp_path / "proof.json"), str(tmp_path / "missing.json"))

    assert (valid.returncode, valid.stdout.split(":")[0]) == (0, "valid")
    assert (invalid.returncode, invalid.stdout.split(":")[0]) == (1, "invalid")
    assert "the proof is for" in invalid.stdout
    assert unreadable.returncode == 2 and "cannot read" in unreadable.stderr
