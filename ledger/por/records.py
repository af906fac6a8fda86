"""What a checkpoint commits to: its table entries, its ``meta`` rows and the state root.

The state root is H("NTDC/state/v1", for each table in name order: u8(len(name)) || name ||
root[32] || u64be(total) || u64be(size)) (``ledger.state.TableSet.compute_root``). A checkpoint
record keeps that preimage, so anyone can recompute the root, plus every row of the small
``meta`` table, so anyone can rebuild the meta tree and read supply, pending payouts, the
attested reserves and per-bank issuance with the certainty that nothing was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledger.commitment.merkle_sum import MerkleSumTree
from ledger.encoding import tagged_hash
from ledger.state import compute_kv_leaf

LIABILITIES_TABLE = "accounts"
META_TABLE = "meta"

MetaValue = int | str


@dataclass(frozen=True, slots=True)
class TableEntry:
    """One table's contribution to the state root."""

    name: str
    root: bytes
    total: int
    size: int


@dataclass(frozen=True, slots=True)
class MetaRow:
    """One row of the ``meta`` table at its leaf index."""

    index: int
    key: str
    value: MetaValue


@dataclass(frozen=True, slots=True)
class CheckpointRecord:
    """The state root at a checkpoint height with the preimage that proves what it commits to."""

    chain_id: str
    height: int
    state_root: bytes
    tables: tuple[TableEntry, ...]
    meta: tuple[MetaRow, ...]

    def get_table(self, name: str) -> TableEntry | None:
        """The entry of table ``name``, if the state has it."""
        for entry in self.tables:
            if entry.name == name:
                return entry
        return None

    @property
    def liabilities(self) -> TableEntry:
        """The accounts table: the liabilities Merkle sum tree."""
        entry = self.get_table(LIABILITIES_TABLE)
        if entry is None:
            raise LookupError("checkpoint has no accounts table")
        return entry

    def get_meta(self, key: str) -> MetaValue | None:
        """Value of ``meta`` row ``key`` (None if the row does not exist)."""
        for row in self.meta:
            if row.key == key:
                return row.value
        return None

    def get_meta_int(self, key: str) -> int:
        """Integer value of a ``meta`` row; absent rows are 0, as in ``LedgerState``."""
        value = self.get_meta(key)
        return 0 if value is None else int(value)


def compute_state_root_from_entries(entries: Sequence[TableEntry]) -> bytes:
    """The state root committing to ``entries`` (which must be in name order)."""
    parts = []
    for entry in entries:
        name = entry.name.encode()
        parts.append(
            len(name).to_bytes(1, "big") + name + entry.root
            + entry.total.to_bytes(8, "big") + entry.size.to_bytes(8, "big")
        )
    return tagged_hash(b"NTDC/state/v1", b"".join(parts))


def compute_meta_root(rows: Sequence[MetaRow], size: int) -> tuple[bytes, int]:
    """Root of the ``meta`` table's tree holding exactly ``rows`` in ``size`` leaf slots."""
    tree = MerkleSumTree()
    tree.resize(size)
    for row in rows:
        leaf_hash, value = compute_kv_leaf(META_TABLE, row.key, row.value)
        tree.set_leaf(row.index, leaf_hash, value)
    return tree.root()
