"""A block is stored whole or not at all: failures between statements and kill -9 mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from ledger.execution import build_block
from ledger.genesis import Genesis
from nodes.storage import Repository
from tests.nodes.storage.test_repository import certificate, get_unsaved, save_last
from tests.support.chain import Chain

REPO_ROOT = Path(__file__).resolve().parents[3]


class InjectedFailure(Exception):
    """Raised by the test between two statements of a block's transaction."""


# Statements every backend runs through SQLAlchemy (PostgreSQL COPYs receipts and history
# first, so failing at the state writes also proves those COPYs are rolled back).
@pytest.mark.parametrize("fail_at", [
    "INSERT INTO blocks", "INSERT INTO state_rows", "INSERT INTO state_tables"])
def test_a_failed_save_stores_nothing_and_can_be_retried(store_url: str, fail_at: str) -> None:
    chain = Chain.create(seed=12)
    w = chain.work
    regs = [w.new_holder(bank)[1] for bank in ("BANK-A", "BANK-B", "BANK-C", "BANK-D")]
    with Repository.open(store_url) as repo:
        repo.save_genesis(chain.genesis, chain.state)
        save_last(repo, chain, chain.block(*regs, *[w.mint(h, 100_000) for h in w.holders]))
        root_before = chain.state.compute_state_root()
        receipts = chain.block(*w.random_transfers(10, max_amount=1_000))
        unsaved = get_unsaved(chain.state)
        assert unsaved["accounts"]

        def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.startswith(fail_at):
                raise InjectedFailure(fail_at)

        event.listen(repo.engine, "before_cursor_execute", fail)
        try:
            with pytest.raises(InjectedFailure):
                save_last(repo, chain, receipts)
        finally:
            event.remove(repo.engine, "before_cursor_execute", fail)

        # Nothing of block 2 is stored, and the state still knows what it has to write.
        assert repo.tip_height() == 1
        assert repo.get_receipts(2) == []
        assert repo.get_receipt(receipts[0].tx_id) is None
        assert all(r.height == 1 for r in repo.get_history(w.holders[0].account))
        assert repo.load_state(chain.genesis).compute_state_root() == root_before
        assert get_unsaved(chain.state) == unsaved

        save_last(repo, chain, receipts)
        assert repo.tip_height() == 2
        assert repo.get_receipts(2) == receipts
        assert repo.load_state(chain.genesis).compute_state_root() == (
            chain.state.compute_state_root())
        assert not any(get_unsaved(chain.state).values())


def test_a_process_killed_mid_block_leaves_the_previous_block(
        store_url: str, tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.nodes.storage.crash_writer", store_url, str(tmp_path)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    saved: dict[int, str] = {}
    try:
        assert child.stdout is not None
        for line in child.stdout:
            words = line.split()
            if words[0] == "SAVED":
                saved[int(words[1])] = words[2]
            elif words[0] == "PAUSED":
                break
        else:
            pytest.fail(f"writer exited early: {child.wait()} {child.stderr.read()}")  # type: ignore[union-attr]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL
    assert sorted(saved) == [1, 2]

    genesis = Genesis.model_validate_json((tmp_path / "genesis.json").read_text())
    with Repository.open(store_url) as repo:
        assert repo.tip_height() == 2
        assert repo.get_receipts(3) == []
        state = repo.load_state(genesis)
        assert state.compute_state_root().hex() == saved[2]
        # The restarted node continues from block 2.
        block, receipts = build_block(
            state, height=3, time_ms=state.get_meta_int("time_ms") + 1000, proposer=0,
            parent=repo.get_blocks(2, 2)[0].hash, txs=[])
        repo.save_block(block, certificate(block), receipts, state)
        assert repo.load_state(genesis).compute_state_root() == state.compute_state_root()
