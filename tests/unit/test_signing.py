"""Signed events: what a consumer accepts as its producer's, and what it parks (shared/signing.py)."""

import copy
import json

import pytest

from shared.hashchain import GENESIS, chain_hash
from shared.signing import Keyring, Signer, ensure_keys, private_key_file, rotate


def an_envelope(producer: str = "pledge", position: int = 1) -> dict:
    return {"event_id": "6f1c2a8e-3d55-4c1b-9a0e-2f4b5c6d7e8f", "type": "CharterCreated", "schema_version": 1,
            "stream_type": "charter", "stream_id": "c-1", "version": 1, "position": position,
            "occurred_at": "2026-12-01T10:00:00.000000Z", "producer": producer, "actor": "a-1",
            "correlation_id": "r-1", "causation_id": "r-1", "data": {"title": "Open data", "score": 1.5},
            "prev_hash": GENESIS}


def signed(signer: Signer, env: dict) -> dict:
    env = dict(env, signature=signer.sign(env))
    env["hash"] = chain_hash(env["prev_hash"], env)
    return env


@pytest.fixture
def keys(tmp_path):
    ring = ensure_keys(tmp_path, ["pledge", "knowledge"])
    return tmp_path, Keyring.load(ring)


def signer_of(directory, producer: str) -> Signer:
    return Signer.from_file(producer, private_key_file(directory, producer))


def test_an_event_signed_by_its_producer_verifies_and_its_hash_covers_the_signature(keys):
    directory, ring = keys
    env = signed(signer_of(directory, "pledge"), an_envelope())
    assert ring.problem(env) is None
    assert env["signature"]["key_id"].startswith("pledge:") and env["signature"]["algorithm"] == "Ed25519"
    assert chain_hash(GENESIS, {k: v for k, v in env.items() if k != "signature"}) != env["hash"]


def test_a_signature_survives_the_round_trip_through_json_as_the_topics_carry_it(keys):
    directory, ring = keys
    env = signed(signer_of(directory, "pledge"), an_envelope())
    assert ring.problem(json.loads(json.dumps(env, sort_keys=True))) is None


@pytest.mark.parametrize("change", [
    lambda e: e["data"].update(title="Closed data"),
    lambda e: e.update(actor="someone-else"),
    lambda e: e.update(prev_hash="1" * 64),  # moved onto another history
    lambda e: e["signature"].update(value=e["signature"]["value"][:-4] + "AAAA"),
], ids=["data", "actor", "prev_hash", "signature bytes"])
def test_any_change_after_signing_is_badly_signed(keys, change):
    directory, ring = keys
    env = copy.deepcopy(signed(signer_of(directory, "pledge"), an_envelope()))
    change(env)
    assert ring.problem(env).startswith("badly signed")


def test_an_unsigned_event_is_refused(keys):
    _, ring = keys
    assert ring.problem(an_envelope()) == "unsigned: the event carries no signature"


def test_a_key_outside_the_keyring_is_unknown(keys):
    _, ring = keys
    env = signed(Signer.generate("pledge"), an_envelope())
    assert ring.problem(env).startswith("signed by an unknown key 'pledge:")


def test_one_service_cannot_sign_for_another(keys):
    directory, ring = keys
    env = signed(signer_of(directory, "knowledge"), an_envelope(producer="pledge"))
    assert ring.problem(env) == "signed by a key of 'knowledge', not of 'pledge'"


@pytest.mark.parametrize("signature", [None, "abc", {"key_id": 1}, {"key_id": "x", "algorithm": "Ed25519"}])
def test_a_malformed_signature_is_named_not_raised(keys, signature):
    _, ring = keys
    env = dict(an_envelope(), signature=signature)
    assert ring.problem(env) is not None


def test_unsigned_history_from_before_signing_is_accepted_only_as_far_as_the_store_had_come(tmp_path):
    ring = Keyring.load(ensure_keys(tmp_path, ["pledge"], unsigned_through={"pledge": 3}))
    assert ring.problem(an_envelope(position=3)) is None
    assert ring.problem(an_envelope(position=4)) == "unsigned: the event carries no signature"
    # A second run keeps what the first recorded, whatever the store has reached since.
    assert Keyring.load(ensure_keys(tmp_path, ["pledge"], unsigned_through={"pledge": 9})).unsigned_through == {
        "pledge": 3}


def test_after_a_rotation_old_events_still_verify_and_new_ones_carry_the_new_key(keys):
    directory, ring = keys
    old = signed(signer_of(directory, "pledge"), an_envelope())
    new_id = rotate(directory, "pledge")
    new = signed(signer_of(directory, "pledge"), an_envelope(position=2))
    assert new["signature"]["key_id"] == new_id != old["signature"]["key_id"]
    fresh = Keyring.load(directory / "trusted-keys.json")
    assert fresh.problem(old) is None and fresh.problem(new) is None
    retired = [k for k in fresh.keys.values() if k.producer == "pledge" and k.retired_at is not None]
    assert [k.key_id for k in retired] == [old["signature"]["key_id"]]


def test_a_running_consumer_learns_a_rotated_key_from_its_keyring_file(keys):
    directory, ring = keys
    ring._reload_s = 0  # the file is read again at most once a second; here at once
    rotate(directory, "pledge")
    assert ring.problem(signed(signer_of(directory, "pledge"), an_envelope())) is None


def test_private_keys_are_readable_by_their_owner_only(keys):
    directory, _ = keys
    assert private_key_file(directory, "pledge").stat().st_mode & 0o077 == 0
