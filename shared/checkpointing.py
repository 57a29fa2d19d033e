"""A store's relay signs a checkpoint every N events or T seconds and appends it to the store's own log.

The relay is the one process per store that runs alone (its lease), and it has read every event it
published, so it keeps the store's Merkle tree and signs its head. The checkpoint covers only published
events, and lands in the store like any event: after the events it covers, on the store's topic, in its
chain. A checkpoint is due when the log has grown since the last one by anything but that checkpoint
itself, and either `every_events` have been added or `every_s` have passed.
"""

from __future__ import annotations

import logging
import time
import uuid

import psycopg
from psycopg import sql

from .checkpoints import CHECKPOINT_STREAM_TYPE, Checkpoint, CheckpointPublished, checkpoint_stream
from .envelope import CommandMeta
from .eventstore import ConcurrencyConflict, EventStore
from .merkle import MerkleTree

log = logging.getLogger(__name__)


class Checkpointer:
    """One store's tree over the events its relay has published, and the checkpoints it signs of it."""

    def __init__(self, store: EventStore, every_events: int, every_s: float) -> None:
        if store.signer is None:
            raise RuntimeError(f"the {store.schema} relay signs checkpoints: its store needs a signer")
        self.store, self.every_events, self.every_s = store, every_events, every_s
        self.stream = checkpoint_stream(store.schema)
        self.tree = MerkleTree()
        self._t = sql.Identifier(store.schema)
        self._last_at: str | None = None
        self._version = 0  # of the checkpoint stream
        self._covered = 0  # the last checkpoint's tree_size
        self._landed = 0  # the position the last checkpoint landed at
        self._published_at = 0.0  # monotonic; 0: none by this process yet

    def load(self, conn: psycopg.Connection) -> None:
        """Where the last checkpoint stands (the tree is grown by `catch_up`)."""
        row = conn.execute(sql.SQL(
            "SELECT version, position, envelope->'data'->>'tree_size' FROM {}.events WHERE stream_id = %s"
            " ORDER BY version DESC LIMIT 1").format(self._t), [self.stream]).fetchone()
        self._version, self._landed, covered = row if row else (0, 0, 0)
        self._covered = int(covered)

    def catch_up(self, conn: psycopg.Connection, published: int) -> None:
        """Grow the tree with the stored events up to position `published`."""
        if published <= self.tree.size:
            return
        rows = conn.execute(sql.SQL(
            "SELECT envelope->>'hash', envelope->>'occurred_at' FROM {}.events WHERE position > %s"
            " AND position <= %s ORDER BY position").format(self._t), [self.tree.size, published]).fetchall()
        self.tree.extend(bytes.fromhex(h) for h, _ in rows)
        if rows:
            self._last_at = rows[-1][1]

    def due(self) -> bool:
        """Whether a checkpoint should be signed now."""
        if self.every_events <= 0 or self.tree.size <= max(self._covered, self._landed):
            return False
        return (self.tree.size - self._covered >= self.every_events
                or time.monotonic() - self._published_at >= self.every_s)

    def publish(self) -> Checkpoint | None:
        """Sign the tree head and append it to the store; the checkpoint (None: another copy just did)."""
        head = Checkpoint(self.store.schema, self.tree.size, self.tree.root().hex(), self._last_at)
        signer = self.store.signer
        assert signer is not None  # checked when made
        event = CheckpointPublished(head.store, head.tree_size, head.root_hash, head.timestamp, signer.key_id,
                                    signer.sign_bytes(head.signed_bytes()))
        correlation = str(uuid.uuid4())
        meta = CommandMeta(actor=f"{self.store.schema}-relay", correlation_id=correlation, causation_id=correlation)
        try:
            result = self.store.append(CHECKPOINT_STREAM_TYPE, self.stream, self._version, [event], meta)
        except ConcurrencyConflict as conflict:  # another copy appended one while the lease changed hands
            self._version = conflict.actual
            return None
        self._version, self._covered, self._landed = result.version, head.tree_size, result.position
        self._published_at = time.monotonic()
        log.info("checkpoint signed", extra={"fields": {"tree_size": head.tree_size, "position": result.position}})
        return head
