"""shared/merkle.py against RFC 9162's own recursive definitions, its published vectors and tampering."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.merkle import MerkleTree, leaf_hash, node_hash, root_of, verify_consistency, verify_inclusion
from tools import verify_proof

# The RFC 6962 test leaves and the roots of each prefix, as Certificate Transparency's implementations test them.
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _k(n):
    return 1 << ((n - 1).bit_length() - 1)


def mth(d):
    """RFC 9162 2.1.1, word for word."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return leaf_hash(d[0])
    k = _k(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m, d):
    """RFC 9162 2.1.3.1."""
    if len(d) == 1:
        return []
    k = _k(len(d))
    return path(m, d[:k]) + [mth(d[k:])] if m < k else path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m, d, b):
    """RFC 9162 2.1.4.1."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = _k(len(d))
    return subproof(m, d[:k], b) + [mth(d[k:])] if m <= k else subproof(m - k, d[k:], False) + [mth(d[:k])]


leaf_lists = st.lists(st.binary(min_size=0, max_size=8), min_size=1, max_size=40, unique=True)


def test_the_roots_of_the_rfc_test_leaves_are_the_published_ones():
    tree = MerkleTree(bytes.fromhex(h) for h in CT_LEAVES)

    assert [tree.root(n).hex() for n in range(1, 9)] == CT_ROOTS
    assert tree.root(0) == hashlib.sha256(b"").digest()


@settings(max_examples=150, deadline=None)
@given(leaf_lists)
def test_heads_and_proofs_of_every_size_are_the_rfcs_recursive_definitions(leaves):
    tree = MerkleTree(leaves)

    for n in range(1, len(leaves) + 1):
        assert tree.root(n) == mth(leaves[:n])
        assert all(tree.inclusion_proof(m, n) == path(m, leaves[:n]) for m in range(n))
        assert all(tree.consistency_proof(m, n) == subproof(m, leaves[:n], True) for m in range(1, n + 1))


@settings(max_examples=100, deadline=None)
@given(leaf_lists, st.data())
def test_a_tree_grown_in_pieces_is_the_tree_built_at_once(leaves, data):
    cut = data.draw(st.integers(0, len(leaves)))
    grown = MerkleTree(leaves[:cut])

    grown.extend(leaves[cut:])

    assert grown.root() == root_of(leaves) and grown.size == len(leaves)


@settings(max_examples=150, deadline=None)
@given(leaf_lists, st.data())
def test_both_verifiers_accept_every_proof_and_refuse_it_for_another_leaf_or_first_tree(leaves, data):
    tree, n = MerkleTree(leaves), len(leaves)
    m = data.draw(st.integers(0, n - 1))
    proof, root = tree.inclusion_proof(m), tree.root()
    first = data.draw(st.integers(1, n))
    cproof = tree.consistency_proof(first)

    for inclusion, consistency in ((verify_inclusion, verify_consistency),
                                   (_checker_inclusion, verify_proof.consistent)):
        assert inclusion(leaf_hash(leaves[m]), m, n, proof, root)
        assert consistency(first, n, tree.root(first), root, cproof)
        assert not inclusion(leaf_hash(leaves[m] + b"!"), m, n, proof, root)
        if n > 1:
            assert not inclusion(leaf_hash(leaves[m]), (m + 1) % n, n, proof, root)
        if first < n:
            assert not consistency(first, n, node_hash(tree.root(first), b""), root, cproof)
            assert not consistency(first + 1, n, tree.root(first), root, cproof)


def _checker_inclusion(leaf, index, size, proof, root):
    return verify_proof.root_from_inclusion(leaf, index, size, proof) == root


def test_proofs_are_refused_for_leaves_and_sizes_the_tree_does_not_hold():
    tree = MerkleTree([b"a", b"b", b"c"])

    with pytest.raises(IndexError):
        tree.inclusion_proof(3)
    with pytest.raises(IndexError):
        tree.consistency_proof(0, 3)
    with pytest.raises(IndexError):
        tree.root(4)
    assert not verify_consistency(0, 3, b"", tree.root(), [])
