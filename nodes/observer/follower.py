"""Follow committed blocks from validators without trusting any of them.

For each height in order: the commit certificate must carry 2f+1 valid signatures of genesis
validators over the block's header hash; the block is then re-executed on the observer's own
state and its header roots must match. A block that fails either check is never applied: a bad
certificate is ignored (another validator will send a good copy), while a certified block that
executes differently is a divergence — recorded as an alert for the regulator, and following
stops at that height.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger.block import Block, BlockFormatError
from ledger.chain_state import LedgerState
from ledger.execution import apply_block, compute_block_mismatch
from ledger.invariants import check_invariants
from ledger.receipts import Receipt

log = logging.getLogger("ntdc.observer")

CertificateCheck = Callable[[int, bytes, bytes], bool]
"""(height, header hash, certificate bytes) -> True if 2f+1 genesis validators signed it."""


@dataclass
class Alert:
    height: int
    kind: str
    detail: str


@dataclass
class FollowerStats:
    verified_blocks: int = 0
    mismatches: int = 0
    bad_certificates: int = 0
    invariant_violations: int = 0
    alerts: list[Alert] = field(default_factory=list)


class Follower:
    def __init__(self, state: LedgerState, store: Any, check_certificate: CertificateCheck,
                 tip_hash: bytes, max_buffer: int = 10_000) -> None:
        self.state = state
        self.store = store
        self.check_certificate = check_certificate
        self.tip_hash = tip_hash
        self.stats = FollowerStats()
        self.halted = False
        self._buffer: dict[int, tuple[bytes, bytes]] = {}
        self._max_buffer = max_buffer
        self.listeners: list[Callable[[Block, list[Receipt], bytes], None]] = []

    @property
    def height(self) -> int:
        return self.state.height

    def offer(self, height: int, payload: bytes, certificate: bytes) -> None:
        """Take a block from any validator; apply whatever is now contiguous."""
        if self.halted or height <= self.height or height in self._buffer:
            return
        if height > self.height + self._max_buffer:
            return
        self._buffer[height] = (payload, certificate)
        while not self.halted and self.height + 1 in self._buffer:
            payload, certificate = self._buffer.pop(self.height + 1)
            self._apply(self.height + 1, payload, certificate)

    def _apply(self, height: int, payload: bytes, certificate: bytes) -> None:
        try:
            block = Block.decode(payload)
        except BlockFormatError as exc:
            self.stats.bad_certificates += 1
            log.warning("undecodable block %d from a validator: %s", height, exc)
            return
        digest = block.header.compute_hash()
        if block.header.height != height or not self.check_certificate(height, digest,
                                                                        certificate):
            self.stats.bad_certificates += 1
            log.warning("block %d has no valid commit certificate; ignored", height)
            return
        if block.header.parent != self.tip_hash.hex():
            self._diverged(height, "certified block does not extend the observer's chain")
            return
        self.state.journal.begin()
        receipts = apply_block(self.state, block)
        mismatch = compute_block_mismatch(self.state, block, receipts)
        if mismatch is not None:
            self.state.journal.rollback()
            self._diverged(height, f"re-execution gives a different {mismatch}")
            return
        self.state.journal.commit()
        problems = check_invariants(self.state) if height % 16 == 0 else []
        if problems:
            self.stats.invariant_violations += len(problems)
            for problem in problems:
                self.stats.alerts.append(Alert(height, "INVARIANT", problem))
        self.store.save_block(block, certificate, receipts, self.state)
        self.tip_hash = digest
        self.stats.verified_blocks += 1
        for listener in self.listeners:
            listener(block, receipts, certificate)

    def _diverged(self, height: int, detail: str) -> None:
        self.stats.mismatches += 1
        self.stats.alerts.append(Alert(height, "STATE_MISMATCH", detail))
        self.halted = True
        log.error("observer halted at block %d: %s", height, detail)
