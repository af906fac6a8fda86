"""The bank node's own signer: transactions the bank operator key signs on the bank's behalf.

Bank operations (onboarding, mint) are signed here with the operator key and the next nonce of
``bank:<id>``. A rejected transaction does not consume its nonce, so operations are serialised:
each one takes the next nonce from committed state and waits for its receipt before the next one
signs. If the wait times out the nonce is remembered as in flight and the next operation signs
after it. The key never leaves this object and is never logged.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ledger.crypto.keys import PrivateKey
from ledger.receipts import Receipt
from ledger.tx.envelope import build_transaction, encode_transaction
from nodes.validator.service import NodeService


class BankOperator:
    def __init__(self, service: NodeService, bank_id: str, key: PrivateKey) -> None:
        self.service = service
        self.bank_id = bank_id
        self.signer = f"bank:{bank_id}"
        self._key = key
        self._lock = asyncio.Lock()
        self._in_flight: tuple[int, str] | None = None
        """(nonce, tx id) of a transaction whose receipt we stopped waiting for."""

    def __repr__(self) -> str:
        return f"BankOperator({self.signer!r}, <key redacted>)"

    def _next_nonce(self) -> int:
        role = self.service.state.roles.get(self.signer)
        committed = role.nonce if role is not None else 0
        if self._in_flight is not None:
            nonce, tx_id = self._in_flight
            receipt = self.service.get_receipt(tx_id)
            if receipt is None and tx_id in self.service.mempool.pending:
                return nonce + 1
            self._in_flight = None
        return committed + 1

    async def submit(self, kind: str, body: dict[str, Any],
                     wait_s: float) -> tuple[str, Receipt | None]:
        """Sign ``kind`` with the operator key, submit it, wait up to ``wait_s`` for its receipt.

        Raises what ``NodeService.submit`` raises (InvalidTransaction, MempoolFull,
        PermissionError)."""
        async with self._lock:
            nonce = self._next_nonce()
            envelope = build_transaction(self._key, chain_id=self.service.genesis.chain_id,
                                         kind=kind, signer=self.signer, nonce=nonce, body=body)
            tx, _ = self.service.submit(encode_transaction(envelope))
            receipt = await self.service.wait_for_receipt(tx.tx_id, wait_s)
            if receipt is None:
                self._in_flight = (nonce, tx.tx_id)
            return tx.tx_id, receipt
