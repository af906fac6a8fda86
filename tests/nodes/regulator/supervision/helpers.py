"""A ledger chain whose verified blocks also go to an ``AlertQueue``, as on the observer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ledger.block import Block
from ledger.receipts import Receipt
from nodes.regulator.supervision import AlertFilter, AlertQueue, AlertRecord, SupervisionConfig
from nodes.storage.engine import create_storage_engine
from nodes.workload import Holder
from tests.support.chain import Chain

HOUR = 3_600_000
DAY = 24 * HOUR
NTD = 100
"""Minor units per NT$."""


class FakeClock:
    """Wall clock for case history, moved by hand."""

    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def open_engine(tmp_path: Path, name: str = "observer.db") -> Engine:
    """The observer's database (SQLite file with the node's durability settings)."""
    return create_storage_engine(f"sqlite:///{tmp_path / name}")


@dataclass
class FedChain:
    """``tests.support.chain.Chain`` whose blocks (and receipts) are also fed to ``queue``."""

    chain: Chain
    queue: AlertQueue
    receipts: list[list[Receipt]] = field(default_factory=list)

    @classmethod
    def create(cls, queue: AlertQueue, seed: int = 1, **params: Any) -> FedChain:
        return cls(Chain.create(seed=seed, **params), queue)

    @property
    def work(self) -> Any:
        return self.chain.work

    def block(self, *envelopes: dict[str, Any], advance_ms: int = 1000,
              feed: bool = True) -> list[Receipt]:
        """Execute a block; feed it to the queue unless ``feed`` is False (a missed block)."""
        receipts = self.chain.block(*envelopes, advance_ms=advance_ms)
        self.receipts.append(receipts)
        if feed:
            self.queue.on_block(self.chain.blocks[-1], receipts)
        return receipts

    def blocks(self) -> list[tuple[Block, list[Receipt]]]:
        return list(zip(self.chain.blocks, self.receipts, strict=True))

    def replay(self, queue: AlertQueue) -> None:
        """Feed every block from genesis, as a restarted observer's re-verification does."""
        for block, receipts in self.blocks():
            queue.on_block(block, receipts)

    def holders(self, count: int, bank: str = "BANK-A", funds: int = 0) -> list[Holder]:
        """``count`` registered holders, each minted ``funds`` minor units (if any)."""
        made = [self.work.new_holder(bank) for _ in range(count)]
        self.block(*[register for _, register in made])
        holders = [holder for holder, _ in made]
        if funds:
            self.block(*[self.work.mint(h, funds) for h in holders])
        return holders


def all_alerts(queue: AlertQueue, **where: Any) -> list[AlertRecord]:
    """Every stored alert matching ``where``, oldest first."""
    records, _ = queue.list_alerts(AlertFilter(**where), 10_000)
    return list(reversed(records))


def quiet_config(**overrides: Any) -> SupervisionConfig:
    """Analytics after every block with new transfers (tests see results at once)."""
    return SupervisionConfig(**{"analytics_every_blocks": 1, **overrides})
