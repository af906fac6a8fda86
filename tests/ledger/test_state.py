"""ledger/state.py: journaled tables, nested rollback, speculative blocks and the state root."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from ledger.chain_state import compute_account_leaf
from ledger.codec import to_jsonable
from ledger.encoding import canonical_json
from ledger.execution import apply_block, build_block
from ledger.genesis import create_genesis_state
from ledger.state import Journal, Table, TableSet, compute_kv_leaf
from ledger.tx.envelope import decode_transaction, encode_transaction
from tests.support.chain import Chain


def make_tables() -> tuple[TableSet, Table[str, int], Table[int, str]]:
    tables = TableSet()
    numbers: Table[str, int] = tables.add("numbers", int)
    names: Table[int, str] = tables.add("names", str, key_type=int)
    return tables, numbers, names


def dump(tables: TableSet) -> dict[str, object]:
    return {
        name: (table.next_index, sorted((repr(k), i, to_jsonable(v)) for k, i, v in table.rows()))
        for name, table in tables.tables.items()
    }


def test_writes_outside_a_mark_are_not_journaled() -> None:
    tables, numbers, _ = make_tables()
    numbers.set("a", 1)
    assert tables.journal.depth == 0
    assert numbers.get("a") == 1


def test_rollback_restores_values_deletions_and_leaf_indices() -> None:
    tables, numbers, names = make_tables()
    numbers.set("a", 1)
    numbers.set("b", 2)
    names.set(7, "seven")
    root = tables.compute_root()
    before = dump(tables)
    tables.journal.begin()
    numbers.set("a", 10)
    numbers.delete("b")
    numbers.set("c", 3)
    names.set(8, "eight")
    names.delete(7)
    names.set(7, "seven again")  # deleted then re-inserted: takes a new leaf index
    assert names.index_of(7) == 2
    assert tables.compute_root() != root
    tables.journal.rollback()
    assert dump(tables) == before
    assert names.index_of(7) == 0 and numbers.next_index == 2 and names.next_index == 1
    assert tables.compute_root() == root


def test_nested_rollback_at_every_depth() -> None:
    tables, numbers, _ = make_tables()
    journal = tables.journal
    numbers.set("base", 0)
    snapshots = [(dump(tables), tables.compute_root())]
    for depth in range(1, 5):
        journal.begin()
        assert journal.depth == depth
        numbers.set("base", depth)
        numbers.set(f"new{depth}", depth)
        if depth % 2 == 0:
            numbers.delete(f"new{depth - 1}")
        snapshots.append((dump(tables), tables.compute_root()))
    # Undo the innermost two levels one at a time, keep the third, then undo the outermost.
    for depth in (4, 3):
        journal.rollback()
        assert (dump(tables), tables.compute_root()) == snapshots[depth - 1]
    journal.commit()  # level 2 folds into level 1: level 1 can still undo it
    assert journal.depth == 1
    assert (dump(tables), tables.compute_root()) == snapshots[2]
    journal.rollback()
    assert journal.depth == 0
    assert (dump(tables), tables.compute_root()) == snapshots[0]


def test_inner_commit_then_outer_rollback_undoes_both() -> None:
    tables, numbers, _ = make_tables()
    numbers.set("x", 1)
    root = tables.compute_root()
    tables.journal.begin()
    tables.journal.begin()
    numbers.set("x", 2)
    numbers.set("y", 3)
    tables.journal.commit()
    numbers.set("z", 4)
    tables.journal.rollback()
    assert dict(numbers.items()) == {"x": 1}
    assert numbers.next_index == 1
    assert tables.compute_root() == root


def test_outermost_commit_empties_the_undo_log() -> None:
    journal = Journal()
    tables = TableSet(journal=journal)
    numbers: Table[str, int] = tables.add("numbers", int)
    journal.begin()
    numbers.set("a", 1)
    journal.commit()
    assert journal._undo == []


def test_table_names_are_unique() -> None:
    tables, _, _ = make_tables()
    with pytest.raises(ValueError):
        tables.add("numbers")


def test_kv_leaf_and_state_root_layout() -> None:
    """The byte layout docs/protocol.md gives for ordinary rows and the state root."""
    tables, numbers, names = make_tables()
    numbers.set("a", 5)
    names.set(3, "three")
    leaf, total = compute_kv_leaf("names", 3, "three")
    assert total == 0
    assert leaf == hashlib.sha256(b"NTDC/kv-leaf/v1\x00" + b'["names",3,"three"]').digest()
    root = tables.compute_root()
    parts = b""
    for name in sorted(tables.tables):
        table_root, table_total = tables.tables[name].tree.root()
        parts += (len(name).to_bytes(1, "big") + name.encode() + table_root
                  + table_total.to_bytes(8, "big") + tables.tables[name].next_index.to_bytes(8, "big"))
    assert root == hashlib.sha256(b"NTDC/state/v1\x00" + parts).digest()
    # A one-row table's root is its only leaf.
    assert tables.tables["names"].tree.root() == (leaf, 0)


def test_loading_rows_rebuilds_the_same_root() -> None:
    """Storage reloads (key, index, value) rows; gaps left by deletions stay empty leaves."""
    tables, numbers, names = make_tables()
    for i in range(9):
        numbers.set(f"k{i}", i)
    numbers.delete("k3")
    names.set(1, "one")
    root = tables.compute_root()
    loaded, loaded_numbers, loaded_names = make_tables()
    loaded_numbers.load(list(numbers.rows()), numbers.next_index)
    loaded_names.load(list(names.rows()), names.next_index)
    assert loaded.compute_root() == root


@pytest.fixture
def chain() -> Chain:
    chain = Chain.create(seed=3)
    w = chain.work
    holders = [w.new_holder(bank) for bank in ("BANK-A", "BANK-A", "BANK-B")]
    chain.block(*(env for _, env in holders))
    chain.block(*(w.mint(h, 500_000) for h, _ in holders))
    return chain


def test_speculative_block_discard_restores_the_root_exactly(chain: Chain) -> None:
    """A block executed speculatively (new accounts, new redemptions, new receipts: new rows
    and leaf indices in several tables) and then discarded leaves no trace; the next block gives
    the same root as on a node that never speculated."""
    state, w = chain.state, chain.work
    replica = create_genesis_state(chain.genesis)
    for block in chain.blocks:
        apply_block(replica, block)
    assert replica.compute_state_root() == state.compute_state_root()

    root = state.compute_state_root()
    liabilities = state.compute_liabilities()
    next_indices = {name: t.next_index for name, t in state.tables.tables.items()}
    a, b, c = w.holders[:3]
    saved_nonces = [h.signer.next_nonce for h in (a, b, c)]
    saved_bank_nonce, saved_seq = w.banks["BANK-A"].next_nonce, w.custodian_seq
    # 3 accounts grow to 15 (tree depth 2 -> 4), then shrink back and regrow to 10 below.
    new_holders = [w.new_holder("BANK-A") for _ in range(12)]
    speculative = [env for _, env in new_holders]
    speculative += [w.mint(a, 10_000), w.transfer(a, b, 5_000)]
    # The redemptions table grows from 0 to 8 rows and back to 0, then regrows to 5 below.
    speculative += [w.redeem((a, b, c)[i % 3], 1_000 + i) for i in range(8)]
    state.journal.begin()
    block, receipts = build_block(state, height=state.height + 1, time_ms=chain.time_ms + 500,
                                  proposer=1, parent=chain.parent,
                                  txs=[decode_transaction(encode_transaction(e)) for e in speculative])
    assert all(r.applied for r in receipts)
    assert state.compute_state_root() != root
    state.journal.rollback()

    assert state.compute_state_root() == root
    assert state.compute_liabilities() == liabilities
    assert {name: t.next_index for name, t in state.tables.tables.items()} == next_indices
    for holder, _ in new_holders:
        assert state.accounts.index_of(holder.account) is None

    # The block that is finally decided differs; both nodes must agree on its result.
    for holder, nonce in zip((a, b, c), saved_nonces, strict=True):
        holder.signer.next_nonce = nonce
    w.banks["BANK-A"].next_nonce, w.custodian_seq = saved_bank_nonce, saved_seq
    w.holders = w.holders[:3]
    decided = [w.new_holder("BANK-B")[1] for _ in range(7)]
    decided += [w.transfer(b, a, 7), w.mint(c, 3)]
    decided += [w.redeem((a, b, c)[i % 3], 2_000 + i) for i in range(5)]
    assert all(r.applied for r in chain.block(*decided))
    apply_block(replica, chain.blocks[-1])
    assert replica.compute_state_root() == state.compute_state_root()
    assert replica.compute_liabilities() == state.compute_liabilities()


def test_account_leaf_layout(chain: Chain) -> None:
    """Liabilities leaf bytes as docs/protocol.md gives them."""
    account = next(v for _, v in chain.state.accounts.items())
    record = to_jsonable(account)
    for name in ("available", "pledged", "held"):
        del record[name]
    record_hash = hashlib.sha256(b"NTDC/account-record/v1\x00" + canonical_json(record)).digest()
    expected = hashlib.sha256(
        b"NTDC/account-leaf/v1\x00" + bytes.fromhex(account.leaf_salt)
        + bytes([len(account.id)]) + account.id.encode()
        + account.available.to_bytes(8, "big") + account.pledged.to_bytes(8, "big")
        + account.held.to_bytes(8, "big") + record_hash
    ).digest()
    assert compute_account_leaf(account) == expected
    assert compute_account_leaf(replace(account, nonce=account.nonce + 1)) != expected
