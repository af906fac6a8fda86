"""ledger/commitment/proofs.py: strict folding of Merkle sum paths, JSON and binary forms."""

from __future__ import annotations

import hashlib

import pytest

from ledger.commitment.merkle_sum import (
    MAX_LEAF_VALUE,
    MerkleSumTree,
    ProofStep,
    compute_root_from_proof,
)
from ledger.commitment.proofs import (
    ProofError,
    decode_path,
    decode_path_binary,
    encode_path,
    encode_path_binary,
    fold_path,
)


def build(size: int) -> MerkleSumTree:
    tree = MerkleSumTree()
    tree.resize(size)
    for i in range(size):
        tree.set_leaf(i, hashlib.sha256(i.to_bytes(4, "big")).digest(), i * 10)
    tree.root()
    return tree


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_fold_agrees_with_the_tree_for_every_leaf(size):
    tree = build(size)
    for index in range(size):
        leaf_hash, value = tree.leaf(index)
        steps = tree.proof(index)
        folded = fold_path(leaf_hash, value, index, size, steps)
        assert (folded.root, folded.total) == tree.root()
        assert (folded.root, folded.total) == compute_root_from_proof(leaf_hash, value, steps)


def test_json_and_binary_forms_round_trip():
    tree = build(11)
    steps = tree.proof(6)
    assert decode_path(encode_path(steps)) == steps
    data = encode_path_binary(6, 11, steps)
    assert len(data) == 17 + 41 * 4
    assert decode_path_binary(data) == (6, 11, steps)
    with pytest.raises(ProofError, match="length"):
        decode_path_binary(data[:-1])


def test_structural_checks_name_the_problem():
    tree = build(6)
    leaf_hash, value = tree.leaf(3)
    steps = tree.proof(3)
    with pytest.raises(ProofError, match="needs exactly 3"):
        fold_path(leaf_hash, value, 3, 6, steps[:-1])
    with pytest.raises(ProofError, match="outside the tree of 6 leaves"):
        fold_path(leaf_hash, value, 6, 6, steps)
    with pytest.raises(ProofError, match="side does not match leaf index 2"):
        fold_path(leaf_hash, value, 2, 6, steps)  # the path of 3 claimed for index 2


def test_every_sum_is_range_checked():
    tree = build(4)
    leaf_hash, value = tree.leaf(1)
    steps = tree.proof(1)
    bad = [ProofStep(steps[0].sibling_hash, -1, steps[0].sibling_is_left), *steps[1:]]
    with pytest.raises(ProofError, match="sibling sum -1 is outside"):
        fold_path(leaf_hash, value, 1, 4, bad)
    big = [ProofStep(steps[0].sibling_hash, 2**64 + 1, steps[0].sibling_is_left), *steps[1:]]
    with pytest.raises(ProofError, match="outside"):
        fold_path(leaf_hash, value, 1, 4, big)
    near = [ProofStep(s.sibling_hash, MAX_LEAF_VALUE // 2 + 1, s.sibling_is_left) for s in steps]
    with pytest.raises(ProofError, match="running total"):
        fold_path(leaf_hash, value, 1, 4, near)
    with pytest.raises(ProofError, match="leaf sum"):
        fold_path(leaf_hash, 1000, 1, 4, steps, max_sum=999)


def test_decode_rejects_malformed_steps():
    with pytest.raises(ProofError, match="hash, sum and side"):
        decode_path([{"hash": "00" * 32, "sum": "1"}])
    with pytest.raises(ProofError, match="side must be"):
        decode_path([{"hash": "00" * 32, "sum": "1", "side": "X"}])
    with pytest.raises(ProofError, match="decimal string"):
        decode_path([{"hash": "00" * 32, "sum": 1, "side": "L"}])
    with pytest.raises(ProofError, match="hex"):
        decode_path([{"hash": "AB" * 32, "sum": "1", "side": "L"}])
