"""A table's rows and Merkle (sum) tree as they were at each retained checkpoint.

Nothing is copied or rebuilt at a checkpoint. Marking checkpoint c opens two empty diff maps and
hands them to the table and its tree (``Table.row_history``, ``MerkleSumTree.node_history``):
from then on, the first overwrite of a row or a tree node records the value it had at c. When
the next checkpoint is marked, new maps take over, so each map holds exactly what changed
between its checkpoint and the next one, with the old values.

The value of a row or node at a retained checkpoint c is therefore the one in the first map of
c, c', c'', ... (in checkpoint order) that has it; if none has it, nothing changed it since c and
the current value is the value at c. Speculative blocks rolled back by the journal only write
again, which the "first overwrite" rule ignores. Dropping the oldest checkpoint drops its maps;
no younger checkpoint reads them. Memory per checkpoint is proportional to the rows and tree
nodes that changed before the next one (about depth nodes per changed row).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ledger.commitment.merkle_sum import HISTORY_LEVEL_SHIFT, ProofStep
from ledger.state import Table

K = TypeVar("K")
V = TypeVar("V")


def compute_tree_depth(size: int) -> int:
    """Depth of the tree over ``size`` leaves (width 2**depth >= max(size, 1))."""
    return (size - 1).bit_length() if size > 1 else 0


class CheckpointNotRetained(LookupError):
    """A checkpoint that was never marked, or is older than the retention window."""


@dataclass(slots=True)
class _Version:
    height: int
    size: int
    root: tuple[bytes, int]
    nodes: dict[int, tuple[bytes, int]] = field(default_factory=dict)
    rows: dict[Any, tuple[int, Any] | None] = field(default_factory=dict)


class TableVersions(Generic[K, V]):
    """Rows and proofs of one table at its last ``retain`` checkpoints."""

    def __init__(self, table: Table[K, V], retain: int) -> None:
        if retain < 1:
            raise ValueError("retain at least one checkpoint")
        if table.row_history is not None or table.tree.node_history is not None:
            raise ValueError(f"table {table.name!r} is already versioned")
        self._table = table
        self._retain = retain
        self._versions: list[_Version] = []
        self._heights: list[int] = []

    @property
    def heights(self) -> list[int]:
        """Retained checkpoint heights, oldest first."""
        return list(self._heights)

    def mark(self, height: int) -> tuple[bytes, int]:
        """Mark the table's current contents as checkpoint ``height``; returns its root."""
        if self._heights and height <= self._heights[-1]:
            raise ValueError(f"checkpoint {height} is not after {self._heights[-1]}")
        # Rows changed since the last root go into the tree now; their old nodes are recorded
        # in the previous checkpoint's map, where they belong.
        root = self._table.compute_root()
        version = _Version(height, self._table.next_index, root)
        self._table.row_history = version.rows
        self._table.tree.node_history = version.nodes
        self._versions.append(version)
        self._heights.append(height)
        if len(self._versions) > self._retain:
            del self._versions[: len(self._versions) - self._retain]
            del self._heights[: len(self._heights) - self._retain]
        return root

    def release(self) -> None:
        """Stop recording history and forget every checkpoint."""
        self._table.row_history = None
        self._table.tree.node_history = None
        self._versions.clear()
        self._heights.clear()

    def _position(self, height: int) -> int:
        pos = bisect_left(self._heights, height)
        if pos == len(self._heights) or self._heights[pos] != height:
            retained = (f"{self._heights[0]}..{self._heights[-1]}" if self._heights
                        else "none yet")
            raise CheckpointNotRetained(
                f"checkpoint {height} of table {self._table.name!r} is not retained "
                f"(retained: {retained})"
            )
        return pos

    def get_root_at(self, height: int) -> tuple[bytes, int]:
        """(root hash, total) of the table's tree at checkpoint ``height``."""
        return self._versions[self._position(height)].root

    def get_size_at(self, height: int) -> int:
        """Number of leaf slots at checkpoint ``height``."""
        return self._versions[self._position(height)].size

    def get_row_at(self, key: K, height: int) -> tuple[int, V] | None:
        """(leaf index, value) of ``key`` at checkpoint ``height``, or None if it was absent."""
        pos = self._position(height)
        for version in self._versions[pos:]:
            if key in version.rows:
                old: tuple[int, V] | None = version.rows[key]
                return old
        index = self._table.index_of(key)
        if index is None:
            return None
        return index, self._table[key]

    def _get_node_at(self, pos: int, level: int, index: int) -> tuple[bytes, int]:
        key = level << HISTORY_LEVEL_SHIFT | index
        for version in self._versions[pos:]:
            old = version.nodes.get(key)
            if old is not None:
                return old
        return self._table.tree.get_node(level, index)

    def compute_proof_at(self, index: int, height: int) -> list[ProofStep]:
        """Sibling path from leaf ``index`` to the root of checkpoint ``height``."""
        pos = self._position(height)
        size = self._versions[pos].size
        if not 0 <= index < size:
            raise IndexError(f"leaf {index} is outside the {size} leaves at checkpoint {height}")
        steps = []
        for level in range(compute_tree_depth(size)):
            sibling = index ^ 1
            sibling_hash, sibling_sum = self._get_node_at(pos, level, sibling)
            steps.append(ProofStep(sibling_hash, sibling_sum, sibling < index))
            index >>= 1
        return steps

    def get_history_size(self, height: int) -> tuple[int, int]:
        """(rows, tree nodes) recorded as changed between checkpoint ``height`` and the next."""
        version = self._versions[self._position(height)]
        return len(version.rows), len(version.nodes)

    def get_leaf_at(self, index: int, height: int) -> tuple[bytes, int]:
        """(leaf hash, value) of leaf ``index`` at checkpoint ``height``."""
        return self._get_node_at(self._position(height), 0, index)
