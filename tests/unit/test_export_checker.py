"""tools/verify_proof.py export: an export's chains and signatures, checked with the standard library alone."""

import json
import os

import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.hashchain import GENESIS, chain_hash
from shared.signing import Keyring, Signer, ensure_keys, private_key_file
from tools.verify_proof import canonical, check_export, ed25519_verify

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500)
@given(json_values)
def test_the_standard_library_canonical_json_matches_rfc8785(value):
    assert canonical(value).encode() == rfc8785.dumps(value)


def test_the_standard_library_ed25519_agrees_with_the_cryptography_library():
    for n in range(20):
        key, message = Ed25519PrivateKey.generate(), os.urandom(n * 13)
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        signature = key.sign(message)
        flipped = bytes([signature[0] ^ 1]) + signature[1:]
        assert ed25519_verify(public, message, signature)
        assert not ed25519_verify(public, message + b".", signature)
        assert not ed25519_verify(public, message, flipped)


def export_of(tmp_path, *events: dict, signer: Signer | None = None, unsigned: bool = False) -> list[str]:
    ring = Keyring.load(ensure_keys(tmp_path, ["pledge"]))
    signer = signer or Signer.from_file("pledge", private_key_file(tmp_path, "pledge"))
    lines, prev = [json.dumps({"keyring": ring.to_dict()})], GENESIS
    for position, data in enumerate(events, start=1):
        env = {"producer": "pledge", "position": position, "type": "Noted", "data": data, "prev_hash": prev}
        if not unsigned:
            env["signature"] = signer.sign(env)
        env["hash"] = prev = chain_hash(prev, env)
        lines.append(json.dumps(env))
    return lines


def test_an_export_in_position_order_signed_by_its_producer_verifies(tmp_path):
    assert check_export(export_of(tmp_path, {"n": 1}, {"n": 2}, {"n": 3})) == {"pledge": None}


def test_an_export_whose_lines_were_swapped_does_not_verify_though_each_event_is_intact(tmp_path):
    lines = export_of(tmp_path, {"n": 1}, {"n": 2}, {"n": 3})

    swapped = [lines[0], lines[1], lines[3], lines[2]]

    assert check_export(swapped) == {"pledge": "BROKEN at position 2"}


def test_an_export_with_a_missing_event_breaks_where_it_is_missing(tmp_path):
    lines = export_of(tmp_path, {"n": 1}, {"n": 2}, {"n": 3})

    assert check_export([lines[0], lines[1], lines[3]]) == {"pledge": "BROKEN at position 2"}


def test_a_log_rewritten_whole_by_someone_without_the_key_chains_but_is_not_signed(tmp_path):
    # Anyone can recompute a consistent hash chain; only the producer's key can sign it.
    forged = export_of(tmp_path, {"n": 1}, {"n": 2}, signer=Signer.generate("pledge"))

    assert check_export(forged)["pledge"].startswith("BADLY SIGNED at position 1: signed by an unknown key")


def test_unsigned_events_are_refused_unless_the_keyring_says_they_predate_signing(tmp_path):
    lines = export_of(tmp_path, {"n": 1}, unsigned=True)
    assert check_export(lines) == {"pledge": "BADLY SIGNED at position 1: unsigned"}

    keyring = json.loads(lines[0])["keyring"] | {"unsigned_through": {"pledge": 1}}
    assert check_export(lines[1:], keyring) == {"pledge": None}
