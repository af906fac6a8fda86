"""Signature checks done once per process: admission verifies, execution reuses the result.

A success is remembered as tx id -> signature. The tx id covers every signed field including the
public key, so a cached success can only be reused for exactly the bytes that were verified.

Entries are needed only between admission and execution: a node forgets a block's transactions
once the block is committed (``forget``), so the caches hold about what is pending, not the
chain's history (their capacities only bound a flood of transactions that never commit).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from ledger.tx.envelope import SignedTx, decode_transaction


class VerifyCache:
    def __init__(self, capacity: int = 500_000, decoded_capacity: int = 60_000) -> None:
        self._ok: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity
        self._decoded: OrderedDict[bytes, SignedTx] = OrderedDict()
        self._decoded_capacity = decoded_capacity
        self.verified = 0
        self.hits = 0

    def decode(self, raw: bytes) -> SignedTx:
        """``decode_transaction`` remembered by exact bytes (raises the same errors)."""
        tx = self._decoded.get(raw)
        if tx is None:
            tx = decode_transaction(raw)
            self._decoded[raw] = tx
            if len(self._decoded) > self._decoded_capacity:
                self._decoded.popitem(last=False)
        return tx

    def verify(self, tx: SignedTx) -> bool:
        """True if the signature is valid (verifying it now unless already known good)."""
        if self._ok.get(tx.tx_id) == tx.signature:
            self.hits += 1
            return True
        self.verified += 1
        if not tx.public_key.verify(tx.signature, tx.signing_bytes):
            return False
        self._ok[tx.tx_id] = tx.signature
        if len(self._ok) > self._capacity:
            self._ok.popitem(last=False)
        return True

    def forget(self, raws: Iterable[bytes], tx_ids: Iterable[str]) -> None:
        """Drop what is remembered about these transactions (their block is committed)."""
        for raw in raws:
            self._decoded.pop(raw, None)
        for tx_id in tx_ids:
            self._ok.pop(tx_id, None)

    def __len__(self) -> int:
        """Remembered signatures (for tests and metrics)."""
        return len(self._ok)
