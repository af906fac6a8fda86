"""Signature checks done once per process: admission verifies, execution reuses the result.

The cache key is (tx id, signature). The tx id covers every signed field including the public key,
so a cached success can only be reused for exactly the bytes that were verified.
"""

from __future__ import annotations

from collections import OrderedDict

from ledger.tx.envelope import SignedTx, decode_transaction


class VerifyCache:
    def __init__(self, capacity: int = 500_000, decoded_capacity: int = 60_000) -> None:
        self._ok: OrderedDict[tuple[str, str], None] = OrderedDict()
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
        key = (tx.tx_id, tx.signature)
        if key in self._ok:
            self.hits += 1
            return True
        self.verified += 1
        if not tx.public_key.verify(tx.signature, tx.signing_bytes):
            return False
        self._ok[key] = None
        if len(self._ok) > self._capacity:
            self._ok.popitem(last=False)
        return True
