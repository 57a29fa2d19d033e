"""A store's checkpoint: how many of its events a Merkle tree head covers, the head, and when.

A checkpoint is a pure function of the log: `tree_size` is the position of the last event it covers,
`root_hash` the RFC 9162 tree hash (shared/merkle.py) over the hashes of events 1..tree_size, and
`timestamp` that last event's `occurred_at`. Anyone holding an export can compute the same checkpoint.

Each store's relay signs one every N events or T seconds and appends it to the store as a
`CheckpointPublished` event (shared/checkpointing.py), so it travels on the store's topic like any event.
Its signature (Ed25519, the store's own key) covers `signed_bytes()`, the RFC 8785 canonical JSON of
exactly the four fields below, and travels beside them as `key_id` and `signature`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import rfc8785

from .events import Event

CHECKPOINT_STREAM_TYPE = "checkpoint"


def checkpoint_stream(store: str) -> str:
    """The stream a store's checkpoints are appended to."""
    return f"{store}-checkpoints"


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


@dataclass(frozen=True)
class CheckpointPublished(Event):
    """A store's signed tree head over its first `tree_size` events, in its own log."""

    store: str
    tree_size: int
    root_hash: str
    timestamp: str | None
    key_id: str
    signature: str  # Ed25519 over Checkpoint.signed_bytes(), unpadded base64url

    def checkpoint(self) -> Checkpoint:
        return Checkpoint(self.store, self.tree_size, self.root_hash, self.timestamp)
