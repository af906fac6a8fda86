"""A single in-memory ledger driven block by block, for ledger tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.execution import build_block, compute_block_mismatch
from ledger.genesis import Genesis, create_genesis_state
from ledger.receipts import Receipt
from ledger.tx.envelope import decode_transaction, encode_transaction
from nodes.devnet import DevnetKeys, make_devnet
from nodes.workload import Workload


@dataclass
class Chain:
    genesis: Genesis
    keys: DevnetKeys
    state: LedgerState
    work: Workload
    blocks: list[Block] = field(default_factory=list)
    parent: str = ""
    time_ms: int = 0

    @classmethod
    def create(cls, seed: int = 0, **params: Any) -> Chain:
        genesis, keys = make_devnet(seed.to_bytes(32, "big"), params=params)
        state = create_genesis_state(genesis)
        return cls(genesis, keys, state, Workload(genesis, keys, seed=seed),
                   parent=genesis.compute_hash().hex(), time_ms=genesis.genesis_time_ms)

    def block(self, *envelopes: dict[str, Any], advance_ms: int = 1000) -> list[Receipt]:
        """Execute a block of envelopes and keep it."""
        self.time_ms += advance_ms
        self.work.now_ms = self.time_ms
        txs = [decode_transaction(encode_transaction(e)) for e in envelopes]
        self.state.journal.begin()
        block, receipts = build_block(
            self.state, height=self.state.height + 1, time_ms=self.time_ms, proposer=0,
            parent=self.parent, txs=txs)
        self.state.journal.commit()
        assert compute_block_mismatch(self.state, block, receipts) is None
        self.blocks.append(block)
        self.parent = block.header.compute_hash().hex()
        return receipts

    def one(self, envelope: dict[str, Any], advance_ms: int = 1000) -> Receipt:
        (receipt,) = self.block(envelope, advance_ms=advance_ms)
        return receipt
