#!/usr/bin/env python3
"""Verify an Interactive Charter log export offline, with nothing but Python's standard library.

    python3 standalone_verify.py export.jsonl

Each line of the export is one event envelope. For each producer, its events must come in the file
in position order, contiguous from 1 (the file's order is what is checked, never re-sorted: a store
whose rows were swapped must not verify), and each hash must be SHA-256 (hex) of the previous
event's hash (64 zeros for the first) followed by the RFC 8785 canonical JSON of the envelope
without its `hash` field. Exit status 0 means every chain verifies; otherwise the first broken
link of each broken chain is printed.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections import defaultdict

GENESIS = "0" * 64


def canonical(value) -> str:
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
    digits, exponent = _shortest(x)
    n = exponent + 1
    sign = "-" if x < 0 else ""
    if -6 < n <= 21:
        if n <= 0:
            return f"{sign}0.{'0' * -n}{digits}"
        return sign + (digits + "0" * (n - len(digits)) if n >= len(digits) else f"{digits[:n]}.{digits[n:]}")
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if n - 1 > 0 else '-'}{abs(n - 1)}"


def _shortest(x: float) -> tuple[str, int]:
    # repr() gives the shortest digits that round-trip, as ECMAScript does; return them and the
    # decimal exponent of the first digit.
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    shift = int(exp) if exp else 0
    if whole != "0":
        return (whole + frac).rstrip("0"), len(whole) - 1 + shift
    zeros = len(frac) - len(frac.lstrip("0"))
    return frac.strip("0"), -zeros - 1 + shift


def chain_hash(prev_hash: str, envelope: dict) -> str:
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def verify(lines) -> dict[str, int | None]:
    """For each producer, None if its chain verifies, else the position of the first broken link."""
    by_producer = defaultdict(list)
    for line in lines:
        if line.strip():
            env = json.loads(line)
            by_producer[env["producer"]].append(env)
    result = {}
    for producer, envelopes in sorted(by_producer.items()):
        prev, broken = GENESIS, None
        for expected, env in enumerate(envelopes, start=1):
            if env["position"] != expected or env["prev_hash"] != prev or chain_hash(prev, env) != env["hash"]:
                broken = expected
                break
            prev = env["hash"]
        result[producer] = broken
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        result = verify(f)
    for producer, broken in result.items():
        print(f"{producer}: " + ("chain verifies" if broken is None else f"BROKEN at position {broken}"))
    return 0 if all(b is None for b in result.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
