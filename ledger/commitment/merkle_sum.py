"""An incremental, append-indexed Merkle sum tree.

Leaves live at fixed indices (assigned in execution order, never reused). The tree over ``size``
leaves is the perfect binary tree of width ``2**depth`` (the smallest power of two >= size)
padded with empty leaves. Every node carries a hash and a sum; a parent binds *both* children's
hashes and *both* children's sums, so a proof cannot move value between siblings:

    leaf  = (leaf_hash, value)                       (leaf_hash is built by the caller)
    empty = (SHA-256("NTDC/empty-leaf/v1" 0x00), 0)
    node  = (SHA-256("NTDC/sum-node/v1" 0x00 lh || u64be(ls) || rh || u64be(rs)), ls + rs)

Updates are batched: callers set leaves, and ``root()`` rehashes only the dirty paths. Hashes are
kept in one bytearray per level and sums in one ``array('Q')`` per level, so a million accounts
cost tens of megabytes, not hundreds.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass

from ledger.encoding import tagged_hash

MAX_LEAF_VALUE = 2**63 - 1
EMPTY_LEAF = tagged_hash(b"NTDC/empty-leaf/v1", b"")
_NODE_TAG = b"NTDC/sum-node/v1\x00"
HISTORY_LEVEL_SHIFT = 40
"""Node history keys put the level above the index (indices stay below 2**40)."""


def compute_node(left: bytes, left_sum: int, right: bytes, right_sum: int) -> bytes:
    """Hash of an inner node binding both children and both sums."""
    return hashlib.sha256(
        _NODE_TAG + left + left_sum.to_bytes(8, "big") + right + right_sum.to_bytes(8, "big")
    ).digest()


@dataclass(frozen=True, slots=True)
class ProofStep:
    sibling_hash: bytes
    sibling_sum: int
    sibling_is_left: bool


class MerkleSumTree:
    """Leaves by index with batched, incremental rehashing of dirty paths."""

    def __init__(self) -> None:
        self._hashes: list[bytearray] = [bytearray()]
        self._sums: list[array[int]] = [array("Q")]
        self._dirty: set[int] = set()
        self._size = 0
        self._empty = [EMPTY_LEAF]
        self._clean_depth = 0
        self.node_history: dict[int, tuple[bytes, int]] | None = None
        """When set, each node's (hash, sum) before its first overwrite, keyed by
        ``level << HISTORY_LEVEL_SHIFT | index`` (versions at checkpoints, see
        ``ledger.commitment.versioned``)."""

    @property
    def size(self) -> int:
        return self._size

    def resize(self, size: int) -> None:
        """Set the number of leaf slots (grows or, after a rollback, shrinks)."""
        self._size = size

    def _empty_at(self, level: int) -> bytes:
        while len(self._empty) <= level:
            e = self._empty[-1]
            self._empty.append(compute_node(e, 0, e, 0))
        return self._empty[level]

    def _ensure(self, level: int, index: int) -> None:
        while len(self._hashes) <= level:
            self._hashes.append(bytearray())
            self._sums.append(array("Q"))
        hashes, sums = self._hashes[level], self._sums[level]
        missing = index + 1 - len(sums)
        if missing > 0:
            hashes.extend(self._empty_at(level) * missing)
            sums.extend([0] * missing)

    def _get(self, level: int, index: int) -> tuple[bytes, int]:
        sums = self._sums[level] if level < len(self._sums) else None
        if sums is None or index >= len(sums):
            return self._empty_at(level), 0
        return bytes(self._hashes[level][32 * index : 32 * index + 32]), sums[index]

    def get_node(self, level: int, index: int) -> tuple[bytes, int]:
        """Current (hash, sum) of the node at ``level`` (0 = leaves) and ``index``."""
        return self._get(level, index)

    def _put(self, level: int, index: int, node_hash: bytes, value: int) -> None:
        history = self.node_history
        if history is not None:
            key = level << HISTORY_LEVEL_SHIFT | index
            if key not in history:
                history[key] = self._get(level, index)
        self._ensure(level, index)
        self._hashes[level][32 * index : 32 * index + 32] = node_hash
        self._sums[level][index] = value

    def set_leaf(self, index: int, leaf_hash: bytes, value: int) -> None:
        """Stage a leaf; it takes effect in the next ``root()``."""
        if not 0 <= value <= MAX_LEAF_VALUE:
            raise ValueError(f"leaf value {value} out of range")
        self._put(0, index, leaf_hash, value)
        self._dirty.add(index)

    def clear_leaf(self, index: int) -> None:
        self._put(0, index, EMPTY_LEAF, 0)
        self._dirty.add(index)

    @property
    def depth(self) -> int:
        # Width 2**depth is the smallest power of two >= max(size, 1): an empty tree is one
        # empty leaf ((-1).bit_length() would otherwise give depth 1).
        return (self._size - 1).bit_length() if self._size > 1 else 0

    def root(self) -> tuple[bytes, int]:
        """Root hash and total after rehashing the dirty paths."""
        depth = self.depth
        level_dirty = self._dirty
        if depth > self._clean_depth:
            # Levels above the old top were never computed for the left-most path.
            level_dirty = level_dirty | {0}
        # After a rollback shrinks the tree, rehash up to the highest level ever computed: a
        # node above the current top that kept discarded leaves' hashes and sums would become a
        # sibling again when the tree regrows.
        for level in range(max(depth, self._clean_depth)):
            parents: set[int] = set()
            for index in level_dirty:
                parent = index >> 1
                if parent in parents:
                    continue
                parents.add(parent)
                lh, ls = self._get(level, 2 * parent)
                rh, rs = self._get(level, 2 * parent + 1)
                self._put(level + 1, parent, compute_node(lh, ls, rh, rs), ls + rs)
            level_dirty = parents
            if depth > self._clean_depth and level + 1 >= self._clean_depth:
                level_dirty.add(0)
        self._dirty = set()
        self._clean_depth = max(self._clean_depth, depth)
        return self._get(depth, 0)

    def leaf(self, index: int) -> tuple[bytes, int]:
        return self._get(0, index)

    def proof(self, index: int) -> list[ProofStep]:
        """Sibling path from leaf ``index`` to the root (call after ``root()``)."""
        if self._dirty:
            raise RuntimeError("tree has staged changes; compute root() first")
        steps = []
        for level in range(self.depth):
            sibling = index ^ 1
            sibling_hash, sibling_sum = self._get(level, sibling)
            steps.append(ProofStep(sibling_hash, sibling_sum, sibling < index))
            index >>= 1
        return steps


def compute_root_from_proof(
    leaf_hash: bytes, value: int, steps: list[ProofStep]
) -> tuple[bytes, int]:
    """Fold a proof path; every sum is range-checked so an overflow cannot hide value."""
    if not 0 <= value <= MAX_LEAF_VALUE:
        raise ValueError("leaf value out of range")
    node, total = leaf_hash, value
    for step in steps:
        if not 0 <= step.sibling_sum <= MAX_LEAF_VALUE:
            raise ValueError("sibling sum out of range")
        if step.sibling_is_left:
            node = compute_node(step.sibling_hash, step.sibling_sum, node, total)
        else:
            node = compute_node(node, total, step.sibling_hash, step.sibling_sum)
        total += step.sibling_sum
        if total > MAX_LEAF_VALUE:
            raise ValueError("sum overflows")
    return node, total
