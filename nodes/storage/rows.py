"""Turning blocks, receipts and state changes into storage rows, and rows back into values.

Pure functions, no database: the repository calls these outside its transaction so the
transaction holds the database only for the writes themselves. Rows are built the same way for
every backend, so one state gives byte-identical rows on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.encoding import canonical_json
from ledger.receipts import Receipt
from ledger.state import Table
from nodes.storage.codec import decode_state, encode_json, encode_state

Row = tuple[Any, ...]
"""A row in its table's column order (see ``nodes.storage.schema``)."""


def decode_state_row(table: Table[Any, Any], key: str, value: str) -> tuple[Any, Any]:
    """Rebuild a (key, value) pair of ``table`` from its stored JSON texts."""
    return decode_state(table.key_type, key), decode_state(table.value_type, value)


@dataclass
class StateChanges:
    """The rows to write for the keys each table marked ``unsaved``."""

    upserts: list[Row] = field(default_factory=list)
    """``state_rows`` rows to insert or replace."""
    deletes: list[dict[str, Any]] = field(default_factory=list)
    """Bind parameters (``b_table``, ``b_key``) of rows to delete."""
    next_indexes: list[dict[str, Any]] = field(default_factory=list)
    written: dict[str, list[Any]] = field(default_factory=dict)
    """table name -> the keys these rows cover (cleared from ``unsaved`` after commit)."""

    def mark_saved(self, state: LedgerState) -> None:
        """Forget the written keys in ``state``'s tables: they are now on disk."""
        tables = state.tables.tables
        for name, keys in self.written.items():
            tables[name].unsaved.difference_update(keys)


def compute_state_changes(state: LedgerState) -> StateChanges:
    """Upserts, deletes and next indexes for every table with unsaved keys."""
    changes = StateChanges()
    upserts, deletes = changes.upserts, changes.deletes
    for name, table in state.tables.tables.items():
        if not table.unsaved:
            continue
        keys = list(table.unsaved)
        for key in keys:
            index = table.index_of(key)
            if index is None:
                deletes.append({"b_table": name, "b_key": encode_state(key)})
            else:
                upserts.append((name, encode_state(key), index, encode_state(table[key])))
        changes.next_indexes.append({"table_name": name, "next_index": table.next_index})
        changes.written[name] = keys
    return changes


def compute_block_row(block: Block, certificate: bytes) -> dict[str, Any]:
    """The ``blocks`` row of a block and its commit certificate."""
    header = block.header
    return {
        "height": header.height,
        "hash": header.compute_hash().hex(),
        "header": canonical_json(header.to_json()).decode(),
        "payload": block.encode(),
        "certificate": bytes(certificate),
    }


def compute_receipt_rows(receipts: Sequence[Receipt]) -> list[Row]:
    """``receipts`` rows, one per transaction."""
    return [(r.height, r.index, r.tx_id, encode_json(r.to_json())) for r in receipts]


def get_receipt_accounts(receipt: Receipt) -> Iterable[str]:
    """Accounts whose history shows this receipt: its signer and every account it touched."""
    accounts = {effect.account for effect in receipt.effects}
    accounts.add(receipt.signer)
    accounts.discard("")
    return sorted(accounts)


def compute_history_rows(receipts: Sequence[Receipt]) -> list[Row]:
    """``account_history`` rows for a block's receipts."""
    return [(account, r.height, r.index, r.tx_id)
            for r in receipts for account in get_receipt_accounts(r)]


def decode_receipt(text: str) -> Receipt:
    """A receipt from its stored JSON."""
    return Receipt.from_json(json.loads(text))
