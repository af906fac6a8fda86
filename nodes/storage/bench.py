"""How long a node waits for storage per block: ``save_block`` timed on a seeded workload.

Registers and funds ``holders`` accounts over the devnet banks, then executes blocks of random
transfers and times each ``save_block`` (rows prepared, written, committed durably). Used by
``ntdc bench-storage``; never asserted in tests.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.execution import build_block
from ledger.genesis import create_genesis_state
from ledger.receipts import Receipt
from ledger.tx.envelope import decode_transaction, encode_transaction
from nodes.devnet import make_devnet
from nodes.storage.errors import StorageError
from nodes.storage.repository import Repository
from nodes.workload import Workload

_ONBOARD_BATCH = 1_000
_FUNDING = 100_000_000


@dataclass
class StorageBenchResult:
    backend: str
    holders: int
    transfers_per_block: int
    blocks: int
    save_ms: list[float] = field(default_factory=list)
    """Wall time of each timed ``save_block``."""
    cpu_ms: list[float] = field(default_factory=list)
    """This process's CPU time in each timed ``save_block`` (excludes the database server)."""
    state_rows: list[int] = field(default_factory=list)
    """State rows each timed block wrote."""

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.save_ms)

    def to_json(self) -> dict[str, Any]:
        """Summary and raw timings as plain JSON."""
        return {
            **asdict(self),
            "p50_ms": round(self.p50_ms, 1),
            "mean_ms": round(statistics.fmean(self.save_ms), 1),
            "max_ms": round(max(self.save_ms), 1),
            "p50_cpu_ms": round(statistics.median(self.cpu_ms), 1),
            "mean_state_rows": round(statistics.fmean(self.state_rows)),
        }


class _Runner:
    def __init__(self, repo: Repository, state: LedgerState, parent: str, time_ms: int) -> None:
        self.repo = repo
        self.state = state
        self.parent = parent
        self.time_ms = time_ms

    def execute(self, envelopes: list[dict[str, Any]]) -> tuple[Block, list[Receipt]]:
        self.time_ms += 1_000
        txs = [decode_transaction(encode_transaction(e)) for e in envelopes]
        self.state.journal.begin()
        block, receipts = build_block(self.state, height=self.state.height + 1,
                                      time_ms=self.time_ms, proposer=0, parent=self.parent,
                                      txs=txs)
        self.state.journal.commit()
        self.parent = block.header.compute_hash().hex()
        return block, receipts

    def save(self, block: Block, receipts: list[Receipt]) -> tuple[float, float]:
        """(wall ms, CPU ms) of one ``save_block``."""
        started, cpu = time.perf_counter(), time.process_time()
        self.repo.save_block(block, b"bench-certificate", receipts, self.state)
        return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


def run_storage_bench(url: str, *, holders: int = 4_000, transfers_per_block: int = 1_000,
                      blocks: int = 10, seed: int = 1) -> StorageBenchResult:
    """Time ``save_block`` for ``blocks`` blocks of random transfers on an empty store."""
    genesis, keys = make_devnet(seed.to_bytes(32, "big"))
    work = Workload(genesis, keys, seed=seed)
    state = create_genesis_state(genesis)
    with Repository.open(url) as repo:
        if repo.has_state():
            raise StorageError("the storage benchmark needs an empty database")
        repo.save_genesis(genesis, state)
        runner = _Runner(repo, state, genesis.compute_hash().hex(), genesis.genesis_time_ms)
        banks = [bank.bank_id for bank in genesis.banks]
        for start in range(0, holders, _ONBOARD_BATCH):
            count = min(_ONBOARD_BATCH, holders - start)
            registered = [work.new_holder(banks[(start + i) % len(banks)]) for i in range(count)]
            runner.save(*runner.execute([envelope for _, envelope in registered]))
            runner.save(*runner.execute([work.mint(h, _FUNDING) for h, _ in registered]))
        result = StorageBenchResult(repo.engine.dialect.name, holders, transfers_per_block,
                                    blocks)
        for _ in range(blocks):
            block, receipts = runner.execute(work.random_transfers(transfers_per_block))
            result.state_rows.append(sum(len(t.unsaved) for t in state.tables.tables.values()))
            wall_ms, cpu_ms = runner.save(block, receipts)
            result.save_ms.append(wall_ms)
            result.cpu_ms.append(cpu_ms)
    return result
