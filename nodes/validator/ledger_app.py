"""The ledger as PBFT's application: build, check, commit and persist blocks.

Execute-before-vote: the primary executes a batch to build a block whose header commits to the
resulting state; a backup prepares only if executing the same block gives the same header. At
most one block is executed but uncommitted at a time; it is kept as an open journal mark so a view
change can discard it exactly. Commit makes the mark permanent and writes the block, its receipts
and the state diff to storage in one database transaction before anyone is told it is final.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from consensus.app import BlockRejected, Proposal
from consensus.messages import CommitCertificate
from ledger.block import Block, BlockFormatError
from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction
from ledger.execution import apply_block, build_block, compute_block_mismatch
from ledger.genesis import Genesis
from ledger.receipts import Receipt
from ledger.tx.envelope import SignedTx
from nodes.validator.verify_cache import VerifyCache

log = logging.getLogger("ntdc.app")


@dataclass
class _Speculative:
    height: int
    digest: bytes
    payload: bytes
    block: Block
    receipts: list[Receipt]


CommitListener = Callable[[Block, list[Receipt], bytes], None]


class LedgerApp:
    def __init__(self, genesis: Genesis, state: LedgerState, store: object, index: int,
                 cache: VerifyCache, tip_hash: bytes | None = None) -> None:
        self.genesis = genesis
        self.state = state
        self.store = store
        self.index = index
        self.cache = cache
        self.tip_hash = tip_hash or genesis.compute_hash()
        self._spec: _Speculative | None = None
        self._committed_root = state.compute_state_root()
        """State root at the committed height (a speculative block never changes it)."""
        self.listeners: list[CommitListener] = []
        self.skew_ms = int(state.get_param("max_block_time_skew_ms"))

    # -- queries ---------------------------------------------------------------------------
    def committed_height(self) -> int:
        return self.state.height - (1 if self._spec is not None else 0)

    def state_digest(self) -> bytes:
        """State root at the committed height, even while a speculative block is open."""
        return self._committed_root

    def committed_block(self, height: int) -> tuple[bytes, CommitCertificate] | None:
        """(payload, certificate) of a committed block, for peers catching up."""
        from nodes.validator.certificates import decode_certificate

        stored = self.store.get_block(height)  # type: ignore[attr-defined]
        if stored is None:
            return None
        cert = decode_certificate(stored.certificate)
        return None if cert is None else (stored.payload, cert)

    # -- building and checking -------------------------------------------------------------
    def make_block(self, height: int, time_ms: int, txs: Sequence[bytes]) -> Proposal | None:
        """Primary: execute ``txs`` on the committed tip and return the block to propose."""
        if self._spec is not None and self._spec.height == height:
            spec = self._spec
            return Proposal(spec.height, spec.digest, spec.payload)
        if self._spec is not None or height != self.state.height + 1:
            return None
        decoded: list[SignedTx] = []
        for raw in txs:
            try:
                tx = self.cache.decode(raw)
            except InvalidTransaction:
                continue  # never propose what cannot even be decoded
            if self.cache.verify(tx):
                decoded.append(tx)
        time_ms = max(time_ms, self.state.get_meta_int("time_ms") + 1)
        self.state.journal.begin()
        block, receipts = build_block(
            self.state, height=height, time_ms=time_ms, proposer=self.index,
            parent=self.tip_hash.hex(), txs=decoded, verify=self.cache.verify)
        payload = block.encode()
        digest = block.header.compute_hash()
        self._spec = _Speculative(height, digest, payload, block, receipts)
        return Proposal(height, digest, payload)

    def _execute(self, height: int, payload: bytes, now_ms: int | None) -> _Speculative | None:
        try:
            block = Block.decode(payload)
        except BlockFormatError as exc:
            log.warning("rejecting block %d: %s", height, exc)
            return None
        header = block.header
        parent_time = self.state.get_meta_int("time_ms")
        # A block extends our tip, in order, with time moving forward and not from the future.
        if (header.height != height or height != self.state.height + 1
                or header.parent != self.tip_hash.hex() or header.time_ms <= parent_time
                or (now_ms is not None and header.time_ms > now_ms + self.skew_ms)):
            log.warning("rejecting block %d: does not extend tip or bad time", height)
            return None
        self.state.journal.begin()
        receipts = apply_block(self.state, block, self.cache.verify, self.cache.decode)
        mismatch = compute_block_mismatch(self.state, block, receipts)
        if mismatch is not None:
            self.state.journal.rollback()
            log.warning("rejecting block %d: %s differs from our execution", height, mismatch)
            return None
        return _Speculative(height, header.compute_hash(), payload, block, receipts)

    def check_block(self, height: int, payload: bytes, now_ms: int) -> bytes | None:
        """Backup: execute a proposed block speculatively; its digest if valid, else None."""
        spec = self._spec
        if spec is not None and spec.height == height and spec.payload == payload:
            return spec.digest
        self.discard_speculative()
        spec = self._execute(height, payload, now_ms)
        self._spec = spec
        return None if spec is None else spec.digest

    def discard_speculative(self) -> None:
        if self._spec is not None:
            self.state.journal.rollback()
            self._spec = None

    # -- commit ----------------------------------------------------------------------------
    def commit_block(self, height: int, payload: bytes,
                     certificate: CommitCertificate | None) -> None:
        """Make a certified block final and durable, then tell the listeners.

        ``certificate`` is None only for the solo (no consensus) baseline.
        """
        from nodes.validator.certificates import encode_certificate

        spec = self._spec
        if spec is None or spec.height != height or spec.payload != payload:
            self.discard_speculative()
            spec = self._execute(height, payload, None)
            self._spec = spec
            if spec is None:
                raise BlockRejected(f"block {height} does not execute on this node's tip")
            if certificate is not None and spec.digest != certificate.digest:
                self.discard_speculative()
                raise BlockRejected(f"block {height} executes to a digest other than certified")
        cert_bytes = b"" if certificate is None else encode_certificate(certificate)
        self.state.journal.commit()
        self._spec = None
        self.store.save_block(spec.block, cert_bytes, spec.receipts, self.state)  # type: ignore[attr-defined]
        self.cache.forget(spec.block.txs, [r.tx_id for r in spec.receipts])
        self.tip_hash = spec.digest
        self._committed_root = bytes.fromhex(spec.block.header.state_root)
        for listener in self.listeners:
            listener(spec.block, spec.receipts, cert_bytes)
