"""NodeService: what the HTTP APIs and tools ask of a node.

Submission goes mempool (checks, signature) → orderer (PBFT, or solo for a single-node baseline)
→ LedgerApp (execute, persist) → commit listeners, which resolve everyone waiting for finality.
Reads come from the in-memory state (balances) and storage (receipts, history, blocks).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.committed_view import CommittedStateView
from ledger.genesis import Genesis
from ledger.model import Account
from ledger.receipts import Receipt
from ledger.tx.envelope import SignedTx
from nodes.validator.ledger_app import LedgerApp
from nodes.validator.mempool import Mempool


class Orderer(Protocol):
    """Orders admitted transactions into committed blocks (PBFT or solo)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def submit(self, tx: SignedTx) -> None: ...
    def flush(self) -> None:
        """Send what ``submit`` buffered for other nodes (before the client is answered)."""
    def status(self) -> dict[str, Any]: ...


@dataclass
class CommitStats:
    blocks: int = 0
    txs: int = 0
    last_commit_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    outcomes: list[str | None] = field(default_factory=list)
    """Per sample: None if the transaction was applied, else the ledger's reason."""
    latency_offset: int = 0
    """Samples dropped from the front of ``latencies_ms`` (so sample numbers stay stable)."""


class NodeService:
    def __init__(self, genesis: Genesis, state: LedgerState, store: Any, app: LedgerApp,
                 mempool: Mempool, role: str, name: str) -> None:
        self.genesis = genesis
        self.live_state = state
        self.state: Any = CommittedStateView(state)
        """What readers see: the state as of the last committed block."""
        self.store = store
        self.app = app
        self.mempool = mempool
        self.role = role
        self.name = name
        self.orderer: Orderer | None = None
        self.stats = CommitStats()
        self._waiters: dict[str, list[asyncio.Future[Receipt]]] = defaultdict(list)
        self._submitted_at: dict[str, float] = {}
        app.listeners.append(self._on_commit)

    # -- writes ----------------------------------------------------------------------------
    def submit(self, raw: bytes, *, relay_now: bool = True) -> tuple[SignedTx, bool]:
        """Admit a signed transaction and hand it to consensus. Raises InvalidTransaction.

        On return the transaction has also been relayed to the other validators, so an
        acknowledged transaction survives this node crashing right after answering. A caller
        admitting many at once passes ``relay_now=False`` and calls ``relay_pending()`` before
        it answers (one frame per peer instead of one per transaction).
        """
        if self.orderer is None:
            raise PermissionError("this node does not accept transactions")
        tx, is_new = self.mempool.admit(raw)
        if is_new:
            self._submitted_at[tx.tx_id] = time.monotonic()
            self.orderer.submit(tx)
            if relay_now:
                self.orderer.flush()
        return tx, is_new

    def relay_pending(self) -> None:
        """Relay every admitted transaction not yet sent to the other validators."""
        if self.orderer is not None:
            self.orderer.flush()

    async def wait_for_receipt(self, tx_id: str, timeout_s: float) -> Receipt | None:
        """The receipt once the transaction is final on this node, or None on timeout."""
        stored = self.get_receipt(tx_id)
        if stored is not None:
            return stored
        future: asyncio.Future[Receipt] = asyncio.get_running_loop().create_future()
        self._waiters[tx_id].append(future)
        try:
            return await asyncio.wait_for(future, timeout_s)
        except TimeoutError:
            return None
        finally:
            waiters = self._waiters.get(tx_id)
            if waiters and future in waiters:
                waiters.remove(future)
                if not waiters:
                    del self._waiters[tx_id]

    def _on_commit(self, block: Block, receipts: list[Receipt], certificate: bytes) -> None:
        now = time.monotonic()
        self.stats.blocks += 1
        self.stats.txs += len(receipts)
        self.stats.last_commit_s = now
        self.mempool.mark_committed([r.tx_id for r in receipts])
        for receipt in receipts:
            started = self._submitted_at.pop(receipt.tx_id, None)
            if started is not None:
                self.stats.latencies_ms.append((now - started) * 1000)
                self.stats.outcomes.append(None if receipt.applied
                                           else (receipt.reason or "REJECTED"))
            for future in self._waiters.pop(receipt.tx_id, []):
                if not future.done():
                    future.set_result(receipt)
        if len(self.stats.latencies_ms) > 1_000_000:
            del self.stats.latencies_ms[:500_000]
            del self.stats.outcomes[:500_000]
            self.stats.latency_offset += 500_000

    # -- reads -----------------------------------------------------------------------------
    def get_account(self, account_id: str) -> Account | None:
        account: Account | None = self.state.accounts.get(account_id)
        return account

    def get_receipt(self, tx_id: str) -> Receipt | None:
        found = self.store.get_receipt(tx_id)
        return found if found is None or isinstance(found, Receipt) else Receipt.from_json(found)

    def finality_samples(self, since: int) -> dict[str, Any]:
        """Submission-to-final latencies (ms) of transactions admitted here, from sample
        number ``since`` on; ``count`` is the total number of samples so far; ``rejected``
        counts those samples' transactions the ledger rejected, by reason (final, not applied:
        a load generator must not count them as work done)."""
        stats = self.stats
        start = max(0, since - stats.latency_offset)
        rejected: dict[str, int] = {}
        for reason in stats.outcomes[start:]:
            if reason is not None:
                rejected[reason] = rejected.get(reason, 0) + 1
        return {"count": stats.latency_offset + len(stats.latencies_ms),
                "samples_ms": [round(x, 2) for x in stats.latencies_ms[start:]],
                "rejected": rejected}

    def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "role": self.role,
            "height": self.app.committed_height(),
            "state_digest": self.live_state.compute_state_root().hex()
            if self.app._spec is None else None,
            "supply": str(self.state.supply),
            "mempool": len(self.mempool.pending),
            "blocks_committed": self.stats.blocks,
        }
        if self.orderer is not None:
            out.update(self.orderer.status())
        return out
