"""A single-node orderer with no consensus: the baseline that shows what PBFT costs.

It batches exactly like the PBFT primary (up to ``batch_max`` transactions or ``batch_wait_ms``)
and commits each block at once. Never used in a consortium network.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Any

from ledger.tx.envelope import SignedTx
from nodes.validator.ledger_app import LedgerApp


class SoloOrderer:
    def __init__(self, app: LedgerApp, batch_max: int = 2000, batch_wait_ms: int = 20) -> None:
        self.app = app
        self.batch_max = batch_max
        self.batch_wait_ms = batch_wait_ms
        self._pending: OrderedDict[str, bytes] = OrderedDict()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def submit(self, tx: SignedTx) -> None:
        self._pending[tx.tx_id] = tx.raw
        if len(self._pending) >= self.batch_max:
            self._wake.set()

    def flush(self) -> None:
        """Nothing to relay: a solo node has no peers."""

    def status(self) -> dict[str, Any]:
        return {"orderer": "solo", "view": 0, "pending": len(self._pending)}

    async def _run(self) -> None:
        while True:
            if not self._pending:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), 0.05)
                except TimeoutError:
                    pass
                continue
            await asyncio.sleep(self.batch_wait_ms / 1000)
            batch: list[bytes] = []
            while self._pending and len(batch) < self.batch_max:
                batch.append(self._pending.popitem(last=False)[1])
            height = self.app.committed_height() + 1
            proposal = self.app.make_block(height, int(time.time() * 1000), batch)
            if proposal is not None:
                self.app.commit_block(height, proposal.payload, None)
            await asyncio.sleep(0)
