"""The proofs' figures: tree-head build time, and inclusion and consistency proof sizes, for a large log."""

from __future__ import annotations

import hashlib
import time

from shared.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion

HASH_BYTES = 32


def proof_figures(n: int = 1_000_000) -> dict:
    """Build the tree of `n` event hashes in memory and measure heads and proofs over it (figures, not limits)."""
    print(f"proofs: building the Merkle tree of {n:,} events...", flush=True)
    leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(n)]
    started = time.perf_counter()
    tree = MerkleTree(leaves)
    root = tree.root()
    build_s = time.perf_counter() - started
    inclusion = [tree.inclusion_proof(i) for i in _spread(n)]
    consistency = [tree.consistency_proof(m) for m in _spread(n, start=1)]
    started = time.perf_counter()
    for i, proof in zip(_spread(n), inclusion, strict=True):
        assert verify_inclusion(leaf_hash(leaves[i]), i, n, proof, root)
    for m, proof in zip(_spread(n, start=1), consistency, strict=True):
        assert verify_consistency(m, n, tree.root(m), root, proof)
    verify_ms = 1000 * (time.perf_counter() - started) / (len(inclusion) + len(consistency))
    started = time.perf_counter()
    tree.extend([hashlib.sha256(b"one more").digest()])
    tree.root()
    append_us = 1e6 * (time.perf_counter() - started)
    return {
        "proofs_events": n,
        "proofs_tree_head_build_s": round(build_s, 2),
        "proofs_append_one_and_new_head_us": round(append_us, 1),
        "proofs_inclusion_hashes_max": max(map(len, inclusion)),
        "proofs_inclusion_bytes_max": HASH_BYTES * max(map(len, inclusion)),
        "proofs_consistency_hashes_max": max(map(len, consistency)),
        "proofs_consistency_bytes_max": HASH_BYTES * max(map(len, consistency)),
        "proofs_verify_ms_mean": round(verify_ms, 3),
        "proofs_tree_memory_mb": round(2 * n * HASH_BYTES / 2**20, 1),
    }


def _spread(n: int, start: int = 0, count: int = 1000) -> range:
    """About `count` indexes spread over [start, n)."""
    return range(start, n, max(1, (n - start) // count))


if __name__ == "__main__":
    import json

    print(json.dumps(proof_figures(), indent=2))
