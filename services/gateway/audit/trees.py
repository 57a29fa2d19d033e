"""Each store's Merkle tree, kept in memory and grown with the events appended since it was last read.

The stores are append-only, so the tree of the first n events never changes: each request reads only
the events after the tree's size (one small page when nothing is new) and hashes only those. A store
rewritten under us would not be noticed here, and must not be: the checkpoints already given out
commit to what was read, and a consistency proof from one of them to a head recomputed elsewhere is
what exposes the rewrite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from shared.checkpoints import Checkpoint, CheckpointPublished
from shared.config import Settings
from shared.merkle import MerkleTree

from .log import stored_events

Read = Callable[[str, int], Iterable[dict]]


class BrokenLog(Exception):
    """The store's events do not follow on from those already in its tree (a gap, or a broken link)."""


class StoreTree:
    """One store's tree, the index of each event id in it, and the latest checkpoint."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.tree = MerkleTree()
        self.index: dict[str, int] = {}
        self._last_hash = "0" * 64
        self._last_at: str | None = None
        self._signed: dict | None = None  # the latest CheckpointPublished read, as its data and where it landed
        self.lock = threading.Lock()

    def add(self, envelopes: Iterable[dict]) -> None:
        """Append envelopes that follow on from the tree: the next position, linked to the last hash."""
        self.tree.extend(self._leaves(envelopes))

    def _leaves(self, envelopes: Iterable[dict]) -> Iterator[bytes]:
        for env in envelopes:
            position = len(self.index) + 1
            if env["position"] != position or env["prev_hash"] != self._last_hash:
                raise BrokenLog(f"{self.store}: the event at position {env['position']} does not follow "
                                f"position {position - 1}")
            self.index[env["event_id"]] = position - 1
            self._last_hash, self._last_at = env["hash"], env["occurred_at"]
            if env["type"] == CheckpointPublished.type_name() and env["data"].get("store") == self.store:
                self._signed = env["data"] | {"event_id": env["event_id"], "position": env["position"]}
            yield bytes.fromhex(env["hash"])

    def checkpoint(self) -> Checkpoint:
        """The tree head over every event read so far."""
        with self.lock:
            return Checkpoint(self.store, self.tree.size, self.tree.root().hex(), self._last_at)

    def signed_checkpoint(self) -> dict | None:
        """The latest checkpoint the store's relay signed into its log, with its key id and signature; None if none.

        Its root must be this tree's at its size: a store whose signed head disagrees with its own events is broken.
        """
        with self.lock:
            signed = self._signed
            if signed is not None and self.tree.root(signed["tree_size"]).hex() != signed["root_hash"]:
                raise BrokenLog(f"{self.store}: the checkpoint signed at position {signed['position']} is not the"
                                " tree head of the events it covers")
            return signed

    def root(self, size: int) -> str:
        """The tree head (hex) over the first `size` events."""
        with self.lock:
            return self.tree.root(size).hex()

    def inclusion_proof(self, event_id: str, size: int) -> tuple[int, list[str]]:
        """The event's leaf index and its audit path (hex) in the tree of the first `size` events."""
        with self.lock:
            index = self.index[event_id]
            return index, [h.hex() for h in self.tree.inclusion_proof(index, size)]

    def leaf_hash(self, index: int) -> str:
        """The hash (hex) leaf `index` contributes to the tree."""
        with self.lock:
            return self.tree.leaf_hash(index).hex()

    def consistency_proof(self, first: int, second: int) -> list[str]:
        """The proof (hex) that the tree of `first` events is a prefix of the tree of `second`."""
        with self.lock:
            return [h.hex() for h in self.tree.consistency_proof(first, second)]


class StoreTrees:
    """The trees of every store, each brought up to date with its store when asked for."""

    def __init__(self, stores: Iterable[str], read: Read) -> None:
        self._trees = {store: StoreTree(store) for store in stores}
        self._read = read

    @classmethod
    def of(cls, settings: Settings, stores: Iterable[str]) -> StoreTrees:
        """Trees read from each domain service's store through its internal `/events` route."""
        return cls(stores, lambda store, after: stored_events(settings, store, after=after))

    @property
    def stores(self) -> list[str]:
        return list(self._trees)

    def current(self, store: str) -> StoreTree:
        """The store's tree with every event appended to the store so far."""
        tree = self._trees[store]
        with tree.lock:
            tree.add(self._read(store, tree.tree.size))
        return tree

    def find(self, event_id: str) -> StoreTree | None:
        """The up-to-date tree of the store holding this event, or None if none does."""
        for store in self._trees:
            tree = self.current(store)
            if event_id in tree.index:
                return tree
        return None
