from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import update

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.execution import build_block
from ledger.genesis import create_genesis_state
from ledger.invariants import check_invariants
from ledger.receipts import Receipt
from ledger.types import AccountKind, AccountStatus
from nodes.storage import Repository, StorageConflict, StorageError, schema
from tests.nodes.storage.seeded_chain import apply_checked
from tests.support.chain import Chain


def certificate(block: Block) -> bytes:
    """Stand-in for the consensus layer's commit certificate (opaque to storage)."""
    return b"commit-certificate:" + block.header.compute_hash()


def save_last(repo: Repository, chain: Chain, receipts: list[Receipt]) -> None:
    block = chain.blocks[-1]
    repo.save_block(block, certificate(block), receipts, chain.state)


def get_unsaved(state: LedgerState) -> dict[str, set[Any]]:
    return {name: set(table.unsaved) for name, table in state.tables.tables.items()}


def assert_same_tables(loaded: LedgerState, original: LedgerState) -> None:
    for name, table in original.tables.tables.items():
        other = loaded.tables.tables[name]
        assert dict(other.items()) == dict(table.items()), name
        assert other.next_index == table.next_index, name
        assert {k: other.index_of(k) for k, _ in other.items()} == {
            k: table.index_of(k) for k, _ in table.items()}, name


def test_genesis_is_saved_once_and_reloads(store_url: str) -> None:
    chain = Chain.create(seed=3)
    root = chain.state.compute_state_root()
    with Repository.open(store_url) as repo:
        assert not repo.has_state()
        repo.save_genesis(chain.genesis, chain.state)
        assert all(not t.unsaved for t in chain.state.tables.tables.values())
        assert repo.tip_height() == 0
    with Repository.open(store_url) as repo:
        assert repo.has_state()
        state = repo.open_state(chain.genesis)
        assert state.compute_state_root() == root
        assert_same_tables(state, chain.state)


def test_open_state_creates_genesis_in_an_empty_store(store_url: str) -> None:
    chain = Chain.create(seed=3)
    with Repository.open(store_url) as repo:
        state = repo.open_state(chain.genesis)
        assert state.compute_state_root() == chain.state.compute_state_root()
        assert repo.load_state(chain.genesis).compute_state_root() == state.compute_state_root()


def _onboard(chain: Chain, repo: Repository, holders: int = 6) -> None:
    w = chain.work
    banks = ["BANK-A", "BANK-B", "BANK-C", "BANK-D"]
    regs = [w.new_holder(banks[i % 4])[1] for i in range(holders)]
    repo.save_genesis(chain.genesis, chain.state)
    save_last(repo, chain, chain.block(*regs))
    save_last(repo, chain, chain.block(*[w.mint(h, 1_000_000) for h in w.holders]))


def test_reopen_from_disk_gives_the_same_digest_and_continues(store_url: str) -> None:
    chain = Chain.create(seed=4)
    w = chain.work
    with Repository.open(store_url) as repo:
        _onboard(chain, repo)
        save_last(repo, chain, chain.block(*w.random_transfers(20, max_amount=1_000)))
    root = chain.state.compute_state_root()

    with Repository.open(store_url) as repo:
        state = repo.load_state(chain.genesis)
        assert state.compute_state_root() == root
        assert state.height == repo.tip_height() == 3
        assert check_invariants(state) == []
        assert_same_tables(state, chain.state)
        account = state.accounts[w.holders[0].account]
        assert isinstance(account.kind, AccountKind) and isinstance(account.status, AccountStatus)
        assert all(not t.unsaved for t in state.tables.tables.values())
        # The restarted node executes the next block itself and carries on.
        chain.block(*w.random_transfers(20, max_amount=1_000))
        block = chain.blocks[-1]
        receipts = apply_checked(state, block)
        repo.save_block(block, certificate(block), receipts, state)

    with Repository.open(store_url) as repo:
        reloaded = repo.load_state(chain.genesis)
        assert reloaded.compute_state_root() == chain.state.compute_state_root()
        assert repo.tip_height() == 4


def test_blocks_receipts_and_history(store_url: str) -> None:
    chain = Chain.create(seed=5)
    w = chain.work
    alice, reg_a = w.new_holder("BANK-A")
    bob, reg_b = w.new_holder("BANK-B")
    with Repository.open(store_url) as repo:
        repo.save_genesis(chain.genesis, chain.state)
        save_last(repo, chain, chain.block(reg_a, reg_b))
        pay = w.transfer(alice, bob, 500)
        (rejected,) = chain.block(pay)                     # height 2: alice has nothing yet
        save_last(repo, chain, [rejected])
        save_last(repo, chain, chain.block(w.mint(alice, 10_000)))
        (applied,) = chain.block(pay)                      # height 4: the same transaction
        save_last(repo, chain, [applied])
        assert not rejected.applied and applied.applied and rejected.tx_id == applied.tx_id

        assert repo.get_receipt(applied.tx_id) == applied
        assert repo.get_receipts(2) == [rejected]
        assert repo.get_receipt("00" * 32) is None

        history = repo.get_history(alice.account)
        assert [(r.height, r.kind) for r in history][:3] == [
            (4, "transfer"), (3, "mint"), (2, "transfer")]
        assert history[0] == applied
        page = repo.get_history(alice.account, limit=1, before=(4, 0))
        assert [(r.height, r.kind) for r in page] == [(3, "mint")]
        bob_heights = [r.height for r in repo.get_history(bob.account)]
        assert 4 in bob_heights and 2 not in bob_heights      # a rejected transfer moved nothing
        assert {r.kind for r in repo.get_history("bank:BANK-A")} >= {"register_account", "mint"}
        with pytest.raises(ValueError):
            repo.get_history(alice.account, limit=0)

        stored = repo.get_block(4)
        assert stored is not None
        assert stored.decode() == chain.blocks[3]
        assert stored.header == chain.blocks[3].header
        assert stored.hash == chain.blocks[3].header.compute_hash().hex()
        assert stored.certificate == certificate(chain.blocks[3])
        assert [b.height for b in repo.get_blocks(2, 3)] == [2, 3]
        assert [b.height for b in repo.get_blocks(3, 99)] == [3, 4]
        assert repo.get_block(99) is None


def test_records_and_checkpoints_persist(store_url: str) -> None:
    with Repository.open(store_url) as repo:
        repo.put_record("pbft/view", b"\x00\x01")
        repo.put_record("pbft/view", b"\x00\x02")
        repo.put_record("pbft/log", b"x" * 100_000)
        repo.put_record("gone", b"1")
        repo.delete_record("gone")
        repo.save_checkpoint(10, b"\x11" * 32, b"cert-10")
        repo.save_checkpoint(20, b"\x22" * 32, b"cert-20")
        with pytest.raises(ValueError):
            repo.put_record("storage/genesis_hash", b"evil")
    with Repository.open(store_url) as repo:
        assert repo.get_record("pbft/view") == b"\x00\x02"
        assert repo.get_record("pbft/log") == b"x" * 100_000
        assert repo.get_record("gone") is None
        assert repo.get_record("missing") is None
        checkpoint = repo.get_checkpoint(10)
        assert checkpoint is not None and checkpoint.state_root == b"\x11" * 32
        assert checkpoint.certificate == b"cert-10"
        latest = repo.get_checkpoint()
        assert latest is not None and latest.height == 20
        assert repo.get_checkpoint(15) is None


def test_save_block_refuses_gaps_and_mismatched_state(store_url: str) -> None:
    chain = Chain.create(seed=6)
    w = chain.work
    with Repository.open(store_url) as repo:
        _onboard(chain, repo, holders=4)
        r3 = chain.block(*w.random_transfers(5, max_amount=100))
        block3 = chain.blocks[-1]
        r4 = chain.block(*w.random_transfers(5, max_amount=100))
        block4 = chain.blocks[-1]
        unsaved = get_unsaved(chain.state)
        # Block 3 was never stored, so block 4 cannot follow.
        with pytest.raises(StorageError, match="does not follow"):
            repo.save_block(block4, certificate(block4), r4, chain.state)
        # The state is at height 4: it is not the state after block 3.
        with pytest.raises(StorageError, match="height"):
            repo.save_block(block3, certificate(block3), r3, chain.state)
        with pytest.raises(StorageError, match="receipts"):
            repo.save_block(block4, certificate(block4), r4[:-1], chain.state)
        assert get_unsaved(chain.state) == unsaved
        assert repo.tip_height() == 2


def test_saving_a_block_again_is_a_no_op_and_a_rival_block_is_refused(store_url: str) -> None:
    chain = Chain.create(seed=7)
    with Repository.open(store_url) as repo:
        _onboard(chain, repo, holders=2)
        block = chain.blocks[-1]
        receipts = repo.get_receipts(2)
        # A retry after a commit whose outcome was lost: already stored, nothing changes.
        repo.save_block(block, certificate(block), receipts, chain.state)
        assert repo.tip_height() == 2
        rival = Block(dataclasses.replace(block.header, proposer=1), block.txs)
        with pytest.raises(StorageConflict):
            repo.save_block(rival, certificate(rival), receipts, chain.state)
        # A state that fell behind the database may not write into its past.
        behind = create_genesis_state(chain.genesis)
        first = apply_checked(behind, chain.blocks[0])
        with pytest.raises(StorageConflict, match="ahead"):
            repo.save_block(chain.blocks[0], certificate(chain.blocks[0]), first, behind)


def test_load_state_refuses_another_chains_database(store_url: str) -> None:
    mine, other = Chain.create(seed=8), Chain.create(seed=9)
    with Repository.open(store_url) as repo:
        with pytest.raises(StorageError, match="save_genesis"):
            repo.load_state(mine.genesis)
        repo.save_genesis(mine.genesis, mine.state)
        with pytest.raises(StorageConflict):
            repo.load_state(other.genesis)
        with pytest.raises(StorageConflict):
            repo.save_genesis(other.genesis, other.state)


def test_deleted_rows_are_deleted_from_storage(store_url: str) -> None:
    chain = Chain.create(seed=10)
    state = chain.state
    state.meta.set("scratch", "to be deleted")
    with Repository.open(store_url) as repo:
        repo.save_genesis(chain.genesis, state)
        assert "scratch" in repo.load_state(chain.genesis).meta
        state.meta.delete("scratch")
        block, receipts = build_block(state, height=1, time_ms=chain.time_ms + 1000, proposer=0,
                                      parent=chain.parent, txs=[])
        repo.save_block(block, certificate(block), receipts, state)
        loaded = repo.load_state(chain.genesis)
        assert "scratch" not in loaded.meta
        assert loaded.compute_state_root() == state.compute_state_root()


def test_a_newer_schema_version_is_refused(sqlite_url: str) -> None:
    with Repository.open(sqlite_url) as repo, repo.engine.begin() as conn:
        conn.execute(update(schema.records).where(
            schema.records.c.key == "storage/schema_version").values(value=b"999"))
    with pytest.raises(StorageError, match="schema version 999"):
        Repository.open(sqlite_url)
