"""A store's checkpoint: how many of its events a Merkle tree head covers, the head, and when.

A checkpoint is a pure function of the log: `tree_size` is the position of the last event it covers,
`root_hash` the RFC 9162 tree hash (shared/merkle.py) over the hashes of events 1..tree_size, and
`timestamp` that last event's `occurred_at`. Anyone holding an export can compute the same checkpoint.

Checkpoints will be signed (Ed25519, issue 17). The signature will cover `signed_bytes()` — the RFC 8785
canonical JSON of exactly the fields below — and travel beside them as new fields (`key_id`,
`signature`), so adding it changes none of these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import rfc8785


@dataclass(frozen=True)
class Checkpoint:
    """One store's log up to `tree_size`, as a Merkle tree head."""

    store: str
    tree_size: int
    root_hash: str  # hex
    timestamp: str | None  # RFC 3339; None for an empty store

    def to_dict(self) -> dict[str, Any]:
        """The checkpoint as the API answers it."""
        return asdict(self)

    def signed_bytes(self) -> bytes:
        """What a checkpoint signature covers: the canonical JSON of the checkpoint's own fields."""
        return rfc8785.dumps(self.to_dict())
