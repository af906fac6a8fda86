"""A read-only view of the ledger state as of the last committed block.

A validator executes a proposed block before it votes, so its live state usually includes one
speculative block. Readers (the HTTP APIs) must not see that block: this view answers every
table read with the value the row had when the outermost journal mark was opened, found in the
undo log. Without an open mark the view is the live state itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ledger.chain_state import LedgerState
from ledger.state import _MISSING, _NEXT, Journal, Table


def _committed_olds(journal: Journal, table: Table[Any, Any]) -> dict[Any, Any]:
    """For rows of ``table`` changed since the outermost mark: their committed (index, value)
    row, or _MISSING if they did not exist."""
    olds: dict[Any, Any] = {}
    if not journal._marks:
        return olds
    for entry_table, key, old in journal._undo[journal._marks[0]:]:
        if entry_table is table and key is not _NEXT and key not in olds:
            olds[key] = old
    return olds


class CommittedTable:
    """Read methods of a ``Table`` as of the last commit."""

    def __init__(self, table: Table[Any, Any], journal: Journal) -> None:
        self._table = table
        self._journal = journal
        self.name = table.name
        self.tree = table.tree

    def get(self, key: Any) -> Any:
        olds = _committed_olds(self._journal, self._table)
        if key in olds:
            old = olds[key]
            return None if old is _MISSING else old[1]
        return self._table.get(key)

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def index_of(self, key: Any) -> int | None:
        olds = _committed_olds(self._journal, self._table)
        if key in olds:
            old = olds[key]
            return None if old is _MISSING else old[0]
        return self._table.index_of(key)

    def items(self) -> Iterator[tuple[Any, Any]]:
        olds = _committed_olds(self._journal, self._table)
        for key, value in self._table.items():
            if key in olds:
                if olds[key] is not _MISSING:
                    yield key, olds[key][1]
            else:
                yield key, value
        for key, old in olds.items():
            if old is not _MISSING and key not in self._table:
                yield key, old[1]

    def __len__(self) -> int:
        return sum(1 for _ in self.items())


class CommittedStateView:
    """``LedgerState``'s read API over committed values only (see module docstring)."""

    def __init__(self, state: LedgerState) -> None:
        self._state = state
        self.chain_id = state.chain_id

    @property
    def is_speculative(self) -> bool:
        """True while the live state holds an executed, uncommitted block."""
        return self._state.journal.depth > 0

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._state, name)
        if isinstance(value, Table):
            return CommittedTable(value, self._state.journal)
        member = getattr(LedgerState, name, None)
        if isinstance(member, property) and member.fget is not None:
            return member.fget(self)
        if name in ("get_meta_int", "get_param"):
            return getattr(LedgerState, name).__get__(self)
        if name in ("tables", "journal", "compute_state_root", "set_meta", "compute_liabilities"):
            raise AttributeError(f"{name} is not available on a committed read-only view")
        return value
