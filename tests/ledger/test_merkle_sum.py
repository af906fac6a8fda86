"""ledger/commitment/merkle_sum.py: the incremental tree against a naive build, and proof folding."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.commitment.merkle_sum import (
    EMPTY_LEAF,
    MAX_LEAF_VALUE,
    MerkleSumTree,
    ProofStep,
    compute_node,
    compute_root_from_proof,
)
from ledger.encoding import tagged_hash


def leaf_hash(n: int) -> bytes:
    return hashlib.sha256(b"test-leaf" + n.to_bytes(8, "big")).digest()


def compute_naive_root(leaves: dict[int, tuple[bytes, int]], size: int) -> tuple[bytes, int]:
    """Build the whole perfect tree from scratch, exactly as docs/protocol.md describes it."""
    width = 1
    while width < size:
        width *= 2
    level = [leaves.get(i, (EMPTY_LEAF, 0)) for i in range(width)]
    while len(level) > 1:
        level = [
            (compute_node(lh, ls, rh, rs), ls + rs)
            for (lh, ls), (rh, rs) in zip(level[0::2], level[1::2], strict=True)
        ]
    return level[0]


def test_empty_leaf_and_node_hashing_match_the_documented_layout() -> None:
    assert EMPTY_LEAF == hashlib.sha256(b"NTDC/empty-leaf/v1\x00").digest()
    assert EMPTY_LEAF == tagged_hash(b"NTDC/empty-leaf/v1", b"")
    left, right = leaf_hash(1), leaf_hash(2)
    expected = hashlib.sha256(
        b"NTDC/sum-node/v1\x00" + left + (5).to_bytes(8, "big") + right + (7).to_bytes(8, "big")
    ).digest()
    assert compute_node(left, 5, right, 7) == expected


def test_empty_tree_is_one_empty_leaf() -> None:
    tree = MerkleSumTree()
    assert tree.depth == 0
    assert tree.root() == (EMPTY_LEAF, 0)
    assert compute_naive_root({}, 0) == (EMPTY_LEAF, 0)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33])
def test_root_matches_naive_build(size: int) -> None:
    tree = MerkleSumTree()
    tree.resize(size)
    leaves = {i: (leaf_hash(i), i * 1000 + 1) for i in range(size)}
    for i, (h, v) in leaves.items():
        tree.set_leaf(i, h, v)
    assert tree.root() == compute_naive_root(leaves, size)
    assert tree.depth == max(0, (size - 1).bit_length())


def test_incremental_growth_one_leaf_at_a_time_matches_naive_build() -> None:
    tree = MerkleSumTree()
    leaves: dict[int, tuple[bytes, int]] = {}
    for i in range(40):
        tree.resize(i + 1)
        leaves[i] = (leaf_hash(i), i)
        tree.set_leaf(i, *leaves[i])
        assert tree.root() == compute_naive_root(leaves, i + 1)


def test_regression_regrowth_after_rollback_shrink_forgets_discarded_leaves() -> None:
    """A rollback that shrank the tree left stale nodes above the new top; when the tree grew
    again they were reused as siblings, so the root summed value that no longer existed."""
    tree = MerkleSumTree()
    tree.resize(1)
    tree.set_leaf(0, leaf_hash(0), 5)
    tree.root()
    tree.resize(16)  # a speculative block adds 15 rows and computes its state root ...
    for i in range(1, 16):
        tree.set_leaf(i, leaf_hash(i), i)
    tree.root()
    for i in range(2, 16):  # ... and is discarded: the table clears every row it added
        tree.clear_leaf(i)
    tree.resize(2)
    leaves = {0: (leaf_hash(0), 5), 1: (leaf_hash(1), 1)}
    assert tree.root() == compute_naive_root(leaves, 2)
    for i in range(2, 9):
        leaves[i] = (leaf_hash(100 + i), 1)
        tree.set_leaf(i, *leaves[i])
    tree.resize(9)
    assert tree.root() == compute_naive_root(leaves, 9)
    assert tree.root()[1] == 13


# One step of a random history: ("set", index seed, value) | ("grow", n) | ("shrink", n) | ("root",)
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(0, 1 << 16), st.integers(0, 10**6)),
        st.tuples(st.just("clear"), st.integers(0, 1 << 16)),
        st.tuples(st.just("grow"), st.integers(1, 20)),
        st.tuples(st.just("shrink"), st.integers(1, 20)),
        st.tuples(st.just("root")),
    ),
    max_size=60,
)


@settings(deadline=None, max_examples=150)
@given(_OPS)
def test_differential_random_history_matches_naive_build(ops: list[tuple[Any, ...]]) -> None:
    """Sets, clears, growth and rollback-style shrinking in any order: the incremental root,
    after every batch, equals a build from scratch, and every inclusion proof folds to it."""
    tree = MerkleSumTree()
    leaves: dict[int, tuple[bytes, int]] = {}
    size = 0
    counter = 0
    for op in ops:
        counter += 1
        if op[0] == "set" and size:
            index = int(op[1]) % size
            leaves[index] = (leaf_hash(counter), int(op[2]))
            tree.set_leaf(index, *leaves[index])
        elif op[0] == "clear" and size:
            index = int(op[1]) % size
            leaves.pop(index, None)
            tree.clear_leaf(index)
        elif op[0] == "grow":
            for index in range(size, size + int(op[1])):
                leaves[index] = (leaf_hash(counter * 1000 + index), index)
                tree.set_leaf(index, *leaves[index])
            size += int(op[1])
            tree.resize(size)
        elif op[0] == "shrink":
            # Only a rollback shrinks the tree, and it clears every leaf it drops.
            new_size = max(0, size - int(op[1]))
            for index in range(new_size, size):
                leaves.pop(index, None)
                tree.clear_leaf(index)
            size = new_size
            tree.resize(size)
        else:
            expected = compute_naive_root(leaves, size)
            assert tree.root() == expected
            for index in range(size):
                h, v = leaves.get(index, (EMPTY_LEAF, 0))
                assert compute_root_from_proof(h, v, tree.proof(index)) == expected
    assert tree.root() == compute_naive_root(leaves, size)


def _tree_of(values: list[int]) -> MerkleSumTree:
    tree = MerkleSumTree()
    tree.resize(len(values))
    for i, v in enumerate(values):
        tree.set_leaf(i, leaf_hash(i), v)
    tree.root()
    return tree


def test_every_proof_folds_to_the_root_and_total() -> None:
    values = [3, 0, 17, 250, 9, 1]
    tree = _tree_of(values)
    root = tree.root()
    assert root[1] == sum(values)
    for i, v in enumerate(values):
        assert compute_root_from_proof(leaf_hash(i), v, tree.proof(i)) == root


def test_proof_with_a_changed_sibling_sum_does_not_fold_to_the_root() -> None:
    tree = _tree_of([10, 20, 30, 40])
    root = tree.root()
    steps = tree.proof(0)
    forged = [ProofStep(steps[0].sibling_hash, steps[0].sibling_sum - 5, False), *steps[1:]]
    assert compute_root_from_proof(leaf_hash(0), 10, forged)[0] != root[0]


def test_moving_value_between_siblings_changes_the_root() -> None:
    """Parents bind both children's sums, not only their total."""
    tree = _tree_of([10, 20, 30, 40])
    root = tree.root()
    steps = tree.proof(0)
    moved = [ProofStep(steps[0].sibling_hash, steps[0].sibling_sum + 5, False), *steps[1:]]
    node, total = compute_root_from_proof(leaf_hash(0), 5, moved)
    assert total == root[1]
    assert node != root[0]


def test_proof_folding_rejects_negative_out_of_range_and_overflowing_values() -> None:
    tree = _tree_of([1, 2])
    steps = tree.proof(0)
    with pytest.raises(ValueError):
        compute_root_from_proof(leaf_hash(0), -1, steps)
    with pytest.raises(ValueError):
        compute_root_from_proof(leaf_hash(0), MAX_LEAF_VALUE + 1, steps)
    with pytest.raises(ValueError):
        compute_root_from_proof(leaf_hash(0), 1, [ProofStep(leaf_hash(1), -2, False)])
    with pytest.raises(ValueError):
        compute_root_from_proof(leaf_hash(0), 1, [ProofStep(leaf_hash(1), MAX_LEAF_VALUE + 1,
                                                            False)])
    # Each value is in range, but together they wrap past the u64 the parent hash encodes.
    with pytest.raises(ValueError):
        compute_root_from_proof(leaf_hash(0), MAX_LEAF_VALUE,
                                [ProofStep(leaf_hash(1), MAX_LEAF_VALUE, False)])


def test_leaf_values_are_range_checked() -> None:
    tree = MerkleSumTree()
    tree.resize(1)
    with pytest.raises(ValueError):
        tree.set_leaf(0, leaf_hash(0), -1)
    with pytest.raises(ValueError):
        tree.set_leaf(0, leaf_hash(0), MAX_LEAF_VALUE + 1)


def test_proof_refuses_staged_changes() -> None:
    tree = _tree_of([1, 2, 3])
    tree.set_leaf(1, leaf_hash(9), 9)
    with pytest.raises(RuntimeError):
        tree.proof(0)
