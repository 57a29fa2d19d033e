"""RFC 9162 (Certificate Transparency 2.0) Merkle trees over a store's events, with their proofs.

A store's log is the list of its events' `hash`es in `position` order; leaf i (from 0) is the raw
32 bytes of the event at position i + 1. The tree hash is RFC 9162's Merkle Tree Hash with SHA-256:
a leaf hashes as SHA-256(0x00 || leaf), a node as SHA-256(0x01 || left || right), the empty tree as
SHA-256(""), and a list of n > 1 leaves splits at the largest power of two below n (section 2.1.1).
Inclusion proofs (audit paths, 2.1.3) and consistency proofs (2.1.4) are the RFC's, so any
Certificate Transparency verifier can check them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
_SIZE = 32


def leaf_hash(leaf: bytes) -> bytes:
    """SHA-256(0x00 || leaf): what a leaf contributes to the tree."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 9162 splits a list of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only tree that keeps every complete subtree, so heads and proofs for any size are O(log n).

    Level k holds the hash of each complete, aligned block of 2**k leaves (level 0: the leaf hashes),
    32 bytes apiece in one bytearray. Appending n leaves costs about 2n hashes in all; the head of any
    earlier size, and any proof, combines at most two complete blocks per level. Every subtree RFC 9162's
    recursion names is a complete aligned block or splits into one and a smaller such subtree, which is
    what makes this enough.
    """

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self.extend(leaves)

    @property
    def size(self) -> int:
        """How many leaves the tree holds."""
        return len(self._levels[0]) // _SIZE

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append leaves (each the raw bytes of an event's hash), completing the blocks they finish."""
        bottom = self._levels[0]
        for leaf in leaves:
            bottom += leaf_hash(leaf)
        level = 0
        while True:
            below = self._levels[level]
            pairs = len(below) // (2 * _SIZE)
            if pairs == 0:
                return
            if level + 1 == len(self._levels):
                self._levels.append(bytearray())
            above = self._levels[level + 1]
            done = len(above) // _SIZE
            if done == pairs:
                return
            for i in range(done, pairs):
                above += hashlib.sha256(b"\x01" + below[2 * _SIZE * i:2 * _SIZE * (i + 1)]).digest()
            level += 1

    def leaf_hash(self, index: int) -> bytes:
        """The hash leaf `index` contributes: SHA-256(0x00 || leaf)."""
        if not 0 <= index < self.size:
            raise IndexError(f"leaf {index} is not in a tree of {self.size}")
        return bytes(self._levels[0][index * _SIZE:(index + 1) * _SIZE])

    def root(self, size: int | None = None) -> bytes:
        """The Merkle Tree Hash of the first `size` leaves (all of them by default)."""
        size = self._size(size)
        return self._hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 2.1.3.1)."""
        size = self._size(size)
        if not 0 <= index < size:
            raise IndexError(f"leaf {index} is not in a tree of {size}")
        return self._path(index, 0, size)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """The proof that the tree of `first` leaves is a prefix of the tree of `second` (RFC 9162 2.1.4.1)."""
        second = self._size(second)
        if not 0 < first <= second:
            raise IndexError(f"no consistency proof from {first} to {second}")
        return self._subproof(first, 0, second, True)

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise IndexError(f"the tree holds {self.size} leaves, not {size}")
        return size

    def _hash(self, start: int, end: int) -> bytes:
        # MTH(D[start:end]) for a non-empty range RFC 9162's recursion reaches from 0.
        n = end - start
        if n & (n - 1) == 0:  # a complete block, aligned because every split is at a power of two
            level = n.bit_length() - 1
            offset = (start >> level) * _SIZE
            return bytes(self._levels[level][offset:offset + _SIZE])
        k = _split(n)
        return node_hash(self._hash(start, start + k), self._hash(start + k, end))

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        # PATH(m, D[start:end]), m relative to start.
        n = end - start
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return [*self._path(m, start, start + k), self._hash(start + k, end)]
        return [*self._path(m - k, start + k, end), self._hash(start, start + k)]

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        # SUBPROOF(m, D[start:end], b); `whole` is b: whether D[start:start+m] is the first tree entire.
        n = end - start
        if m == n:
            return [] if whole else [self._hash(start, end)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, whole), self._hash(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self._hash(start, start + k)]


def root_of(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a list of leaves."""
    return MerkleTree(leaves).root()


def root_from_inclusion(leaf_hash_: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root an audit path leads to from a leaf hash (RFC 9162 2.1.3.2), or None if the path cannot fit."""
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


def verify_inclusion(leaf_hash_: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """Whether the audit path proves the leaf hash is leaf `index` of the tree of `size` with this root."""
    return root_from_inclusion(leaf_hash_, index, size, path) == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """Whether the proof shows the tree (`first`, `first_root`) is a prefix of (`second`, `second_root`).

    RFC 9162 2.1.4.2; equal sizes need an empty proof and equal roots.
    """
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
