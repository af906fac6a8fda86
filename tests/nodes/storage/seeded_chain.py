"""A seeded chain of real blocks for storage tests: onboarding, funding, transfers, redemptions.

The chain is executed once in memory (``tests.support.chain.Chain``); storage tests then replay
its blocks onto fresh genesis states and save them, so every backend sees the same blocks and
its reloaded state can be compared with the root recorded after each block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.execution import apply_block, compute_block_mismatch
from ledger.genesis import Genesis, create_genesis_state
from ledger.receipts import Receipt
from tests.support.chain import Chain

BANKS = ("BANK-A", "BANK-B", "BANK-C", "BANK-D")
FUNDING = 10_000_000
"""Minted to every holder: far above what the random transfers move, so none overdraws."""


@dataclass
class SeededChain:
    chain: Chain
    receipts: list[list[Receipt]] = field(default_factory=list)
    roots: list[bytes] = field(default_factory=list)
    """State root after each block (index 0 = genesis)."""
    on_block: Callable[[Block, list[Receipt], LedgerState], None] | None = None
    """Called after each block is executed (e.g. to save it)."""

    @property
    def genesis(self) -> Genesis:
        return self.chain.genesis

    @property
    def blocks(self) -> list[Block]:
        return self.chain.blocks

    @property
    def tx_count(self) -> int:
        return sum(len(r) for r in self.receipts)

    def run(self, *envelopes: dict[str, Any]) -> list[Receipt]:
        receipts = self.chain.block(*envelopes)
        self.receipts.append(receipts)
        self.roots.append(self.chain.state.compute_state_root())
        if self.on_block is not None:
            self.on_block(self.chain.blocks[-1], receipts, self.chain.state)
        return receipts


def build_seeded_chain(
    seed: int = 7, holders: int = 200, total_txs: int = 10_000, block_size: int = 500,
    redeems_per_block: int = 8, replays_per_block: int = 4,
    on_block: Callable[[Block, list[Receipt], LedgerState], None] | None = None,
    on_genesis: Callable[[Genesis, LedgerState], None] | None = None,
) -> SeededChain:
    """Register ``holders`` over four banks, fund them, then random transfers with some
    redemptions, their payouts and replayed (rejected) transfers, ``total_txs`` in all."""
    chain = Chain.create(seed=seed)
    seeded = SeededChain(chain, roots=[chain.state.compute_state_root()], on_block=on_block)
    if on_genesis is not None:
        on_genesis(chain.genesis, chain.state)
    work = chain.work
    registrations = [work.new_holder(BANKS[i % len(BANKS)])[1] for i in range(holders)]
    seeded.run(*registrations)
    seeded.run(*[work.mint(holder, FUNDING) for holder in work.holders])
    redeemed: list[str] = []
    last_transfers: list[dict[str, Any]] = []
    while seeded.tx_count < total_txs:
        size = min(block_size, total_txs - seeded.tx_count)
        txs = [work.confirm_payout(tx_id, chain.time_ms) for tx_id in redeemed[:size]]
        # A transfer submitted twice is rejected the second time (its nonce is used).
        txs += last_transfers[:min(replays_per_block, size - len(txs))]
        redeems = [work.redeem(holder, 1_000 + i)
                   for i, holder in enumerate(work.rng.sample(work.holders, redeems_per_block))]
        txs += redeems[:max(0, size - len(txs))]
        transfers = work.random_transfers(size - len(txs))
        # Kept in signing order: each signer's nonces must arrive in sequence.
        txs += transfers
        receipts = seeded.run(*txs)
        ids = {r.tx_id for r in receipts if r.applied and r.kind == "redeem"}
        redeemed = sorted(ids)
        last_transfers = transfers
    return seeded


def apply_checked(state: LedgerState, block: Block) -> list[Receipt]:
    """Apply ``block`` and check that our execution matches its header."""
    state.journal.begin()
    receipts = apply_block(state, block)
    state.journal.commit()
    mismatch = compute_block_mismatch(state, block, receipts)
    assert mismatch is None, f"block {block.header.height}: {mismatch} differs"
    return receipts


def replay_blocks(genesis: Genesis, blocks: list[Block]) -> LedgerState:
    """A fresh state from genesis with every block applied and checked against its header."""
    state = create_genesis_state(genesis)
    for block in blocks:
        apply_checked(state, block)
    return state
