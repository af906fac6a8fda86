"""The ledger state: plain tables with an undo journal and an incremental commitment.

Every piece of state lives in a ``Table`` (a dict with a name). Writes go through the table so
that (1) a transaction can be rolled back exactly (the journal records old values), (2) a whole
speculatively executed block can be discarded, and (3) the state root is recomputed only for
the rows that changed. Each row gets a leaf index on first insert, in execution order, so every
node assigns the same indices. The ``accounts`` table's tree is a Merkle *sum* tree over account
balances: it is both part of the state root and the proof-of-liabilities tree (SPEC §4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ledger.codec import to_jsonable
from ledger.commitment.merkle_sum import MerkleSumTree
from ledger.encoding import canonical_json, tagged_hash

K = TypeVar("K")
V = TypeVar("V")

_MISSING: Any = object()

LeafFn = Callable[[Any, Any], tuple[bytes, int]]


def compute_kv_leaf(table: str, key: Any, value: Any) -> tuple[bytes, int]:
    """Leaf of an ordinary table row: H('NTDC/kv-leaf/v1', JCS([table, key, value])), sum 0."""
    return tagged_hash(
        b"NTDC/kv-leaf/v1", canonical_json([table, to_jsonable(key), to_jsonable(value)])
    ), 0


class Journal:
    """Undo log with nested marks: a transaction inside a block inside the node's tip."""

    def __init__(self) -> None:
        self._undo: list[tuple[Table[Any, Any], Any, Any]] = []
        self._marks: list[int] = []

    def record(self, table: Table[Any, Any], key: Any, old: Any) -> None:
        if self._marks:
            self._undo.append((table, key, old))

    def begin(self) -> None:
        self._marks.append(len(self._undo))

    def commit(self) -> None:
        """Keep the changes since the last mark (an outer mark can still undo them)."""
        self._marks.pop()
        if not self._marks:
            self._undo.clear()

    def rollback(self) -> None:
        """Undo every change since the last mark."""
        mark = self._marks.pop()
        while len(self._undo) > mark:
            table, key, old = self._undo.pop()
            table._restore(key, old)

    @property
    def depth(self) -> int:
        return len(self._marks)


class Table(Generic[K, V]):
    """A journaled map whose rows are committed into a Merkle (sum) tree."""

    def __init__(self, name: str, journal: Journal, leaf: LeafFn | None = None,
                 key_type: Any = str, value_type: Any = Any) -> None:
        self.name = name
        self.key_type = key_type
        self.value_type = value_type
        """Types storage uses to rebuild rows (``ledger.codec.from_jsonable``)."""
        self._journal = journal
        self._rows: dict[K, tuple[int, V]] = {}
        self._next_index = 0
        self._leaf = leaf
        self.tree = MerkleSumTree()
        self._dirty: set[tuple[Any, int]] = set()
        self.unsaved: set[Any] = set()
        """Keys changed since storage last saved this table (storage clears it)."""
        self.row_history: dict[Any, tuple[int, Any] | None] | None = None
        """When set, each key's (index, value) row (None: absent) before its first change
        (versions at checkpoints, see ``ledger.commitment.versioned``)."""

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def get(self, key: K) -> V | None:
        row = self._rows.get(key)
        return None if row is None else row[1]

    def __getitem__(self, key: K) -> V:
        return self._rows[key][1]

    def index_of(self, key: K) -> int | None:
        row = self._rows.get(key)
        return None if row is None else row[0]

    def items(self) -> Iterator[tuple[K, V]]:
        for key, (_, value) in self._rows.items():
            yield key, value

    def rows(self) -> Iterator[tuple[K, int, V]]:
        """(key, leaf index, value) for storage."""
        for key, (index, value) in self._rows.items():
            yield key, index, value

    @property
    def next_index(self) -> int:
        return self._next_index

    def _remember(self, key: Any) -> None:
        history = self.row_history
        if history is not None and key not in history:
            history[key] = self._rows.get(key)

    def set(self, key: K, value: V) -> None:
        self._remember(key)
        row = self._rows.get(key)
        self._journal.record(self, key, _MISSING if row is None else row)
        if row is None:
            self._journal.record(self, _NEXT, self._next_index)
            index = self._next_index
            self._next_index += 1
        else:
            index = row[0]
        self._rows[key] = (index, value)
        self._dirty.add((key, index))
        self.unsaved.add(key)

    def delete(self, key: K) -> None:
        row = self._rows.get(key)
        if row is None:
            return
        self._remember(key)
        del self._rows[key]
        self._journal.record(self, key, row)
        self._dirty.add((key, row[0]))
        self.unsaved.add(key)

    def _restore(self, key: Any, old: Any) -> None:
        if key is _NEXT:
            self._next_index = old
            return
        self._remember(key)
        current = self._rows.get(key)
        if current is not None:
            self._dirty.add((key, current[0]))
        if old is _MISSING:
            self._rows.pop(key, None)
        else:
            self._rows[key] = old
            self._dirty.add((key, old[0]))
        self.unsaved.add(key)

    def load(self, rows: list[tuple[K, int, V]], next_index: int) -> None:
        """Fill an empty table from storage; the tree is rebuilt from the rows."""
        for key, index, value in rows:
            self._rows[key] = (index, value)
            self._dirty.add((key, index))
        self._next_index = next_index

    def compute_root(self) -> tuple[bytes, int]:
        """Rehash the rows changed since the last call; returns (root, total)."""
        tree = self.tree
        tree.resize(self._next_index)
        for key, index in self._dirty:
            row = self._rows.get(key)
            if row is None or row[0] != index:
                tree.clear_leaf(index)
                continue
            if self._leaf is None:
                leaf_hash, value = compute_kv_leaf(self.name, key, row[1])
            else:
                leaf_hash, value = self._leaf(key, row[1])
            tree.set_leaf(index, leaf_hash, value)
        self._dirty = set()
        return tree.root()


class _NextIndex:
    def __repr__(self) -> str:
        return "<next-index>"


_NEXT: Any = _NextIndex()


@dataclass
class TableSet:
    """The named tables of a state, in a fixed order for the state root."""

    journal: Journal = field(default_factory=Journal)
    tables: dict[str, Table[Any, Any]] = field(default_factory=dict)

    def add(self, name: str, value_type: Any = Any, *, key_type: Any = str,
            leaf: LeafFn | None = None) -> Table[Any, Any]:
        if name in self.tables:
            raise ValueError(f"table {name!r} defined twice")
        table: Table[Any, Any] = Table(name, self.journal, leaf, key_type, value_type)
        self.tables[name] = table
        return table

    def compute_root(self) -> bytes:
        """State root: H('NTDC/state/v1', for each table by name: name, root, total, size)."""
        parts = []
        for name in sorted(self.tables):
            table = self.tables[name]
            root, total = table.compute_root()
            parts.append(
                len(name).to_bytes(1, "big") + name.encode() + root
                + total.to_bytes(8, "big") + table.next_index.to_bytes(8, "big")
            )
        return tagged_hash(b"NTDC/state/v1", b"".join(parts))
