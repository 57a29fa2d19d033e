#!/usr/bin/env python3
"""Check an Interactive Charter inclusion or consistency proof offline, with nothing but Python's standard library.

    python3 verify_proof.py inclusion PROOF.json ENVELOPE.json [--checkpoint CHECKPOINT.json]
    python3 verify_proof.py consistency PROOF.json [--first CHECKPOINT.json] [--second CHECKPOINT.json]

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
import hashlib
import json
import math
import sys
from collections.abc import Sequence
from typing import Any


class Invalid(Exception):
    """The proof does not hold; the message says why."""


# --- RFC 8785 canonical JSON and the hash chain (as services/gateway/audit/standalone_verify.py) ---

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

def check_inclusion(proof: dict, envelope: dict, checkpoint: dict | None = None) -> str:
    """What the inclusion proof shows, or Invalid saying why it does not hold."""
    if envelope.get("event_id") != proof["event_id"]:
        raise Invalid(f"the envelope is event {envelope.get('event_id')}, the proof is for {proof['event_id']}")
    if chain_hash(envelope) != envelope["hash"]:
        raise Invalid("the envelope does not hash to its own `hash`: it was altered")
    if envelope["producer"] != proof["store"] or envelope["position"] != proof["leaf_index"] + 1:
        raise Invalid(f"the envelope is {envelope['producer']} position {envelope['position']}, the proof is for"
                      f" {proof['store']} leaf {proof['leaf_index']} (position {proof['leaf_index'] + 1})")
    head = _head(proof, checkpoint)
    leaf = leaf_hash(bytes.fromhex(envelope["hash"]))
    root = root_from_inclusion(leaf, proof["leaf_index"], proof["tree_size"], _hashes(proof["audit_path"]))
    if root is None:
        raise Invalid(f"the audit path has the wrong length for leaf {proof['leaf_index']} of {proof['tree_size']}")
    if root != head:
        raise Invalid("the audit path does not lead to the checkpoint's root hash")
    return (f"event {proof['event_id']} ({proof['store']} position {envelope['position']}) is in the tree of"
            f" {proof['tree_size']} events with root {head.hex()}")


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
    inc = sub.add_parser("inclusion", help="an event's inclusion proof, with its envelope")
    inc.add_argument("proof")
    inc.add_argument("envelope")
    inc.add_argument("--checkpoint", help="a checkpoint taken on its own, to prove against")
    con = sub.add_parser("consistency", help="a consistency proof between two tree sizes")
    con.add_argument("proof")
    con.add_argument("--first", help="the earlier checkpoint you hold")
    con.add_argument("--second", help="the later checkpoint you hold")
    args = p.parse_args(argv)
    try:
        proof = _load(args.proof) or {}
        if args.kind == "inclusion":
            envelope = read_envelope(args.envelope, proof["event_id"])
            said = check_inclusion(proof, envelope, _load(args.checkpoint))
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


if __name__ == "__main__":
    sys.exit(main())
