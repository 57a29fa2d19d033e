"""The tamper-evident chain over a service's events, exactly as DESIGN.md publishes it.

hash = SHA-256 hex of (previous event's hash, or 64 zeros for the first) followed by the
RFC 8785 canonical JSON of the envelope without its `hash` field. Auditors re-compute it from
the topics alone, in any language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import rfc8785

GENESIS = "0" * 64


def chain_hash(prev_hash: str, envelope: Mapping[str, Any]) -> str:
    """The hash of an envelope given its predecessor's hash; any `hash` key in it is ignored."""
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256(prev_hash.encode("ascii") + rfc8785.dumps(body)).hexdigest()


def first_broken_link(envelopes: Iterable[Mapping[str, Any]]) -> int | None:
    """The position of the first event whose chain does not verify, or None if all do.

    Envelopes must be given in `position` order from the first; a missing, altered or
    reordered event breaks the link at the first position that no longer follows.
    """
    prev = GENESIS
    expected_position = 1
    for env in envelopes:
        if env["position"] != expected_position or env["prev_hash"] != prev or chain_hash(prev, env) != env["hash"]:
            return expected_position
        prev = env["hash"]
        expected_position += 1
    return None
