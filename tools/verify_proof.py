#!/usr/bin/env python3
"""Check an Interactive Charter export, inclusion or consistency proof offline, with only Python's standard library.

    python3 verify_proof.py export EXPORT.jsonl [--keys KEYS.json]
    python3 verify_proof.py inclusion PROOF.json ENVELOPE.json [--checkpoint CHECKPOINT.json] [--keys KEYS.json]
    python3 verify_proof.py consistency PROOF.json [--first CHECKPOINT.json] [--second CHECKPOINT.json]

An export (`charter audit export`, or `GET /api/v1/audit/export`) is JSON Lines: a first line holding the
`keyring`, then one event envelope per line. It is valid when, for each producer, its events come in the
file in position order, contiguous from 1 (the file's order is what is checked, never re-sorted: a store
whose rows were swapped must not verify), each hash follows the chain below, and each event is signed by
one of its producer's keys. KEYS.json is `GET /api/v1/audit/keys`, which you may prefer to fetch yourself
rather than trust the keyring an export carries; with it, an inclusion check verifies the event's signature
and the checkpoint's: Ed25519 by the store's key over the RFC 8785 canonical JSON of its `store`, `tree_size`,
`root_hash` and `timestamp`.

An event's signature is Ed25519 (RFC 8032) over its `prev_hash` (ASCII) followed by the RFC 8785 canonical JSON
of the envelope without `hash` and `signature`, under the key its `signature.key_id` names, which must be a
key of the event's `producer`. Events a store wrote before it signed anything are unsigned, and accepted at
or below the keyring's `unsigned_through` position for their producer.

PROOF.json is the gateway's reply to `GET /api/v1/audit/proofs/<event_id>` (inclusion) or to
`GET /api/v1/audit/proofs/consistency?store=&first=&second=` (consistency). ENVELOPE.json is the event
as you hold it (from the topic, a webhook, the event stream or an export): one JSON object, or a JSON
Lines export holding it. A CHECKPOINT.json is one checkpoint from `GET /api/v1/audit/checkpoints`
(that reply whole will do when it holds one checkpoint of the proof's store) taken on its own; giving
one checks the proof against it rather than only against the tree head the proof carries.

An inclusion proof is valid when the envelope hashes to its own `hash` (SHA-256 hex of its `prev_hash`
followed by the RFC 8785 canonical JSON of the envelope without `hash`), it is the event the proof
names, and the audit path leads from SHA-256(0x00 || the 32 bytes of that hash) at leaf position - 1
to the root (RFC 9162 2.1.3.2; nodes hash as SHA-256(0x01 || left || right)). A consistency proof is
valid when it shows the first tree is a prefix of the second (RFC 9162 2.1.4.2). Prints `valid` or
`invalid` with the reason; exit status 0 valid, 1 invalid, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

GENESIS = "0" * 64


class Invalid(Exception):
    """The proof does not hold; the message says why."""


# --- RFC 8785 canonical JSON and the hash chain ---

def canonical(value: Any) -> str:
    """RFC 8785 (JCS) canonical JSON of a parsed JSON value."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(f"{canonical(k)}:{canonical(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is True or value is False or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    return _es_number(value)


def _es_number(x: float) -> str:
    # ECMAScript's Number.prototype.toString, which RFC 8785 prescribes for numbers.
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN and Infinity are not JSON")
    if x == 0:
        return "0"
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    shift = int(exp) if exp else 0
    if whole != "0":
        digits, exponent = (whole + frac).rstrip("0"), len(whole) - 1 + shift
    else:
        zeros = len(frac) - len(frac.lstrip("0"))
        digits, exponent = frac.strip("0"), -zeros - 1 + shift
    n = exponent + 1
    sign = "-" if x < 0 else ""
    if -6 < n <= 21:
        if n <= 0:
            return f"{sign}0.{'0' * -n}{digits}"
        return sign + (digits + "0" * (n - len(digits)) if n >= len(digits) else f"{digits[:n]}.{digits[n:]}")
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if n - 1 > 0 else '-'}{abs(n - 1)}"


def chain_hash(envelope: dict) -> str:
    """The hash an envelope should carry: SHA-256 hex of its prev_hash and canonical JSON without `hash`."""
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256((envelope["prev_hash"] + canonical(body)).encode("utf-8")).hexdigest()


# --- Ed25519 signatures (RFC 8032 5.1.7: verification only, from the RFC's reference code) ---

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_Q = 2**252 + 27742317777372353535851937790883648493
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a: tuple, b: tuple) -> tuple:
    # Points in extended coordinates (X, Y, Z, T).
    x = (a[1] - a[0]) * (b[1] - b[0]) % _P
    y = (a[1] + a[0]) * (b[1] + b[0]) % _P
    c, d = 2 * a[3] * b[3] * _D % _P, 2 * a[2] * b[2] % _P
    e, f, g, h = y - x, d - c, d + c, y + x
    return e * f, g * h, f * g, e * h


def _mul2(s: int, a: tuple, t: int, b: tuple) -> tuple:
    # [s]a + [t]b in one pass of doublings (Shamir's trick): verifying costs little more than one multiplication.
    both, result = _add(a, b), (0, 1, 1, 0)
    for i in reversed(range(max(s.bit_length(), t.bit_length()))):
        result = _add(result, result)
        bits = (s >> i & 1, t >> i & 1)
        if bits != (0, 0):
            result = _add(result, both if bits == (1, 1) else a if bits[0] else b)
    return result


def _x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _point(raw: bytes) -> tuple | None:
    y = int.from_bytes(raw, "little")
    x = _x(y & ((1 << 255) - 1), y >> 255)
    return None if x is None else (x, y & ((1 << 255) - 1), 1, x * (y & ((1 << 255) - 1)) % _P)


_BASE = _point((4 * pow(5, _P - 2, _P) % _P).to_bytes(32, "little"))


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is the Ed25519 signature of `message` under the 32-byte `public` key."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _point(public), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _Q
    minus_a = (-a[0] % _P, a[1], a[2], -a[3] % _P)
    left = _mul2(s, _BASE, h, minus_a)  # type: ignore[arg-type]  # [s]B - [h]A must be R
    return (left[0] * r[2] - r[0] * left[2]) % _P == 0 and (left[1] * r[2] - r[1] * left[2]) % _P == 0


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature_problem(envelope: dict, keyring: dict) -> str | None:
    """Why an envelope is not signed by its producer under `keyring` (as `GET /api/v1/audit/keys`), or None."""
    signature, producer = envelope.get("signature"), envelope.get("producer")
    if signature is None:
        if envelope.get("position", 0) <= keyring.get("unsigned_through", {}).get(producer, 0):
            return None
        return "unsigned"
    if not isinstance(signature, dict):
        return "badly signed: the signature is not {key_id, algorithm, value}"
    body = {k: v for k, v in envelope.items() if k not in ("hash", "signature")}
    message = envelope["prev_hash"].encode("ascii") + canonical(body).encode("utf-8")
    return _key_problem(keyring, signature.get("key_id"), producer, message, signature.get("value"))


def checkpoint_signature_problem(checkpoint: dict, keyring: dict) -> str | None:
    """Why a checkpoint is not signed by its store, or None: Ed25519 over the canonical JSON of its four fields."""
    if not checkpoint.get("signature"):
        return "the tree head is not signed (yet)"
    fields = {k: checkpoint.get(k) for k in ("store", "tree_size", "root_hash", "timestamp")}
    return _key_problem(keyring, checkpoint.get("key_id"), checkpoint.get("store"), canonical(fields).encode("utf-8"),
                        checkpoint["signature"])


def _key_problem(keyring: dict, key_id: Any, producer: Any, message: bytes, value: Any) -> str | None:
    key = {k["key_id"]: k for k in keyring.get("keys", [])}.get(key_id)
    if key is None:
        return f"signed by an unknown key {key_id!r}"
    if key["producer"] != producer:
        return f"signed by a key of {key['producer']!r}, not of {producer!r}"
    try:
        good = ed25519_verify(_unb64(key["public_key"]), message, _unb64(str(value)))
    except ValueError:
        good = False
    return None if good else f"badly signed: the signature does not verify under {key['key_id']!r}"


# --- RFC 9162 Merkle proofs ---

def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(leaf_hash_: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root an audit path leads to (RFC 9162 2.1.3.2), or None if it cannot belong to this index and size."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf_hash_
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def consistent(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """Whether the proof shows tree (first, first_root) is a prefix of (second, second_root): RFC 9162 2.1.4.2."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# --- the checks ---

def check_export(lines: Sequence[str], keyring: dict | None = None) -> dict[str, str | None]:
    """For each producer, None if its chain and every signature verify, else what is wrong first."""
    by_producer: dict[str, list[dict]] = {}
    for line in lines:
        if line.strip():
            record = json.loads(line)
            if "keyring" in record and "event_id" not in record:
                keyring = keyring or record["keyring"]
                continue
            by_producer.setdefault(record["producer"], []).append(record)
    if keyring is None:
        raise ValueError("the export holds no keyring: give the keys with --keys")
    result: dict[str, str | None] = {}
    for producer, envelopes in sorted(by_producer.items()):
        prev, wrong = GENESIS, None
        for expected, env in enumerate(envelopes, start=1):
            if env["position"] != expected or env["prev_hash"] != prev or chain_hash(env) != env["hash"]:
                wrong = f"BROKEN at position {expected}"
                break
            if (problem := signature_problem(env, keyring)) is not None:
                wrong = f"BADLY SIGNED at position {expected}: {problem}"
                break
            prev = env["hash"]
        result[producer] = wrong
    return result


def check_inclusion(proof: dict, envelope: dict, checkpoint: dict | None = None, keyring: dict | None = None) -> str:
    """What the inclusion proof shows, or Invalid saying why it does not hold."""
    if envelope.get("event_id") != proof["event_id"]:
        raise Invalid(f"the envelope is event {envelope.get('event_id')}, the proof is for {proof['event_id']}")
    if chain_hash(envelope) != envelope["hash"]:
        raise Invalid("the envelope does not hash to its own `hash`: it was altered")
    if keyring is not None and (problem := signature_problem(envelope, keyring)) is not None:
        raise Invalid(f"the envelope is not its producer's: {problem}")
    if envelope["producer"] != proof["store"] or envelope["position"] != proof["leaf_index"] + 1:
        raise Invalid(f"the envelope is {envelope['producer']} position {envelope['position']}, the proof is for"
                      f" {proof['store']} leaf {proof['leaf_index']} (position {proof['leaf_index'] + 1})")
    head = _head(proof, checkpoint)
    signed = ""
    if keyring is not None:
        held = _one_checkpoint(checkpoint, proof["store"]) if checkpoint is not None else proof.get("checkpoint")
        problem = checkpoint_signature_problem(held or {}, keyring)
        if problem is not None and held and held.get("signature"):
            raise Invalid(f"the checkpoint is not the store's: {problem}")
        signed = ", a tree head signed by the store" if problem is None else f" ({problem})"
    leaf = leaf_hash(bytes.fromhex(envelope["hash"]))
    root = root_from_inclusion(leaf, proof["leaf_index"], proof["tree_size"], _hashes(proof["audit_path"]))
    if root is None:
        raise Invalid(f"the audit path has the wrong length for leaf {proof['leaf_index']} of {proof['tree_size']}")
    if root != head:
        raise Invalid("the audit path does not lead to the checkpoint's root hash")
    return (f"event {proof['event_id']} ({proof['store']} position {envelope['position']}) is in the tree of"
            f" {proof['tree_size']} events with root {head.hex()}{signed}")


def check_consistency(proof: dict, first: dict | None = None, second: dict | None = None) -> str:
    """What the consistency proof shows, or Invalid saying why it does not hold."""
    older, newer = proof["first"], proof["second"]
    for given, claimed, name in ((first, older, "first"), (second, newer, "second")):
        if given is not None:
            given = _one_checkpoint(given, proof["store"])
            if (given["tree_size"], given["root_hash"]) != (claimed["tree_size"], claimed["root_hash"]):
                raise Invalid(f"the proof's {name} tree ({claimed['tree_size']}, {claimed['root_hash']}) is not the"
                              f" checkpoint given ({given['tree_size']}, {given['root_hash']})")
    if not consistent(older["tree_size"], newer["tree_size"], bytes.fromhex(older["root_hash"]),
                      bytes.fromhex(newer["root_hash"]), _hashes(proof["consistency_path"])):
        raise Invalid(f"the tree of {newer['tree_size']} does not extend the tree of {older['tree_size']}:"
                      " the history under the first was rewritten, or the proof is wrong")
    return (f"{proof['store']}: the tree of {newer['tree_size']} events extends the tree of {older['tree_size']}"
            f" ({older['root_hash']} -> {newer['root_hash']})")


def _head(proof: dict, checkpoint: dict | None) -> bytes:
    # The root to prove against: the checkpoint given on its own, else the one the proof carries.
    claimed = proof["root_hash"]
    carried = proof.get("checkpoint")
    if carried and (carried["tree_size"], carried["root_hash"]) != (proof["tree_size"], claimed):
        raise Invalid("the proof's tree size and root are not those of the checkpoint it carries")
    if checkpoint is not None:
        given = _one_checkpoint(checkpoint, proof["store"])
        if (given["tree_size"], given["root_hash"]) != (proof["tree_size"], claimed):
            raise Invalid(f"the proof is against the tree of {proof['tree_size']} ({claimed}), not the checkpoint"
                          f" given ({given['tree_size']}, {given['root_hash']})")
    return bytes.fromhex(claimed)


def _one_checkpoint(document: dict, store: str) -> dict:
    # A checkpoint, or a `GET /api/v1/audit/checkpoints` reply holding the store's.
    if "checkpoints" not in document:
        if document.get("store") != store:
            raise Invalid(f"the checkpoint given is {document.get('store')}'s, the proof is {store}'s")
        return document
    found = [c for c in document["checkpoints"] if c.get("store") == store]
    if len(found) != 1:
        raise Invalid(f"the checkpoints given hold no single checkpoint of {store}")
    return found[0]


def _hashes(hexes: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


def read_envelope(path: str, event_id: str) -> dict:
    """The envelope in a file: one JSON object, or the line of a JSON Lines export that is this event."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        for line in text.splitlines():
            if event_id in line and line.strip():
                env = json.loads(line)
                if env.get("event_id") == event_id:
                    return env
    raise ValueError(f"{path} holds no envelope of event {event_id}")


def _load(path: str | None) -> dict | None:
    if path is None:
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="verify_proof.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="kind", required=True)
    exp = sub.add_parser("export", help="every chain and signature of an export")
    exp.add_argument("export")
    exp.add_argument("--keys", help="the public keys (GET /api/v1/audit/keys), instead of the export's own")
    inc = sub.add_parser("inclusion", help="an event's inclusion proof, with its envelope")
    inc.add_argument("proof")
    inc.add_argument("envelope")
    inc.add_argument("--checkpoint", help="a checkpoint taken on its own, to prove against")
    inc.add_argument("--keys", help="the public keys (GET /api/v1/audit/keys): check the event's and the"
                                    " checkpoint's signatures too")
    con = sub.add_parser("consistency", help="a consistency proof between two tree sizes")
    con.add_argument("proof")
    con.add_argument("--first", help="the earlier checkpoint you hold")
    con.add_argument("--second", help="the later checkpoint you hold")
    args = p.parse_args(argv)
    if args.kind == "export":
        return _export(args)
    try:
        proof = _load(args.proof) or {}
        if args.kind == "inclusion":
            envelope = read_envelope(args.envelope, proof["event_id"])
            said = check_inclusion(proof, envelope, _load(args.checkpoint), _load(args.keys))
        else:
            said = check_consistency(proof, _load(args.first), _load(args.second))
    except Invalid as exc:
        print(f"invalid: {exc}")
        return 1
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot read the input: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(f"valid: {said}")
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        with open(args.export, encoding="utf-8") as f:
            result = check_export(f.readlines(), _load(args.keys))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot read the input: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    for producer, wrong in result.items():
        print(f"{producer}: " + ("chain and signatures verify" if wrong is None else wrong))
    return 0 if all(w is None for w in result.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
