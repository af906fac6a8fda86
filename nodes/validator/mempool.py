"""Admission of client transactions: static checks, signature, duplicates, capacity.

Only transactions that decode, belong to this chain and carry a valid signature enter consensus;
everything else is refused at the door with its reason, so the client learns at once.
"""

from __future__ import annotations

from collections import OrderedDict

from ledger.errors import InvalidTransaction, Reason, SignatureInvalid
from ledger.tx.envelope import SignedTx
from nodes.validator.verify_cache import VerifyCache


class MempoolFull(Exception):
    """The node is at capacity; the client should retry later."""


class Mempool:
    def __init__(self, chain_id: str, cache: VerifyCache, capacity: int = 200_000) -> None:
        self.chain_id = chain_id
        self.cache = cache
        self.capacity = capacity
        self.pending: OrderedDict[str, SignedTx] = OrderedDict()
        self._recent: OrderedDict[str, None] = OrderedDict()

    def admit(self, raw: bytes) -> tuple[SignedTx, bool]:
        """Check and remember a transaction; returns (tx, is_new). Raises InvalidTransaction."""
        tx = self.cache.decode(raw)
        if tx.chain_id != self.chain_id:
            raise InvalidTransaction(
                f"transaction is for chain {tx.chain_id!r}, this is {self.chain_id!r}",
                Reason.WRONG_CHAIN)
        if tx.tx_id in self.pending or tx.tx_id in self._recent:
            return tx, False
        if len(self.pending) >= self.capacity:
            raise MempoolFull(f"mempool holds {self.capacity} transactions; retry shortly")
        if not self.cache.verify(tx):
            raise SignatureInvalid("signature does not verify for the envelope's public key")
        self.pending[tx.tx_id] = tx
        return tx, True

    def mark_committed(self, tx_ids: list[str]) -> None:
        for tx_id in tx_ids:
            self.pending.pop(tx_id, None)
            self._recent[tx_id] = None
        while len(self._recent) > self.capacity:
            self._recent.popitem(last=False)
