"""``Custodian``: the central bank's signing service for the NTDC reserve account.

The custodian is the only party that can say NT$ reached or left the reserve, so it keeps its
own books and signs from them, never from what the chain claims:

* a deposit receipt when a bank moves NT$ into the reserve (the bank then mints against it);
* a payout confirmation when it pays a redemption out of the reserve;
* a reserve attestation: the reserve balance and the last sequence number it covers.

Every receipt and payout gets the next custodian sequence number; the chain counts events with
a number above the latest attestation's ``through_seq`` on top of the attested balance, so the
books and the chain agree at every moment. A lost payout confirmation is re-signed with the
same sequence number (the money left once). The books serialise to JSON so the service can be
restarted without ever reusing a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.sdk.builders import sign_deposit_receipt
from ledger.crypto.keys import PrivateKey
from ledger.genesis import Genesis
from ledger.tx.envelope import build_transaction
from ledger.types import MAX_AMOUNT

ROLE = "custodian"


class CustodianError(ValueError):
    """A request the custodian refuses, with the reason."""


@dataclass
class CustodianBooks:
    """The custodian's own record of the reserve account and of what it has signed."""

    balance: int = 0
    """NT$ in the reserve account, in minor units."""
    seq: int = 0
    """The last custodian sequence number used."""
    nonce: int = 0
    """The last transaction nonce used by the custodian role."""
    payouts: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Redemption id -> (sequence number, amount) of every payout made."""
    last_attested_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "balance": str(self.balance), "seq": self.seq, "nonce": self.nonce,
            "payouts": {rid: [seq, str(amount)] for rid, (seq, amount) in
                        sorted(self.payouts.items())},
            "last_attested_ms": self.last_attested_ms,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustodianBooks:
        return cls(
            balance=int(data["balance"]), seq=int(data["seq"]), nonce=int(data["nonce"]),
            payouts={rid: (int(seq), int(amount))
                     for rid, (seq, amount) in data.get("payouts", {}).items()},
            last_attested_ms=int(data.get("last_attested_ms", 0)),
        )


class Custodian:
    """Signs receipts, payouts and attestations from its own books."""

    def __init__(self, key: PrivateKey, chain_id: str, books: CustodianBooks | None = None) -> None:
        self.key = key
        self.chain_id = chain_id
        self.books = books or CustodianBooks()

    @classmethod
    def from_genesis(cls, genesis: Genesis, key: PrivateKey,
                     books: CustodianBooks | None = None) -> Custodian:
        """A custodian whose key must be the genesis custodian key."""
        if str(key.public_key()) != genesis.roles.get(ROLE):
            raise CustodianError("this key is not the custodian key named in the genesis file")
        return cls(key, genesis.chain_id, books)

    def _next_seq(self) -> int:
        self.books.seq += 1
        return self.books.seq

    def _sign(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        self.books.nonce += 1
        return build_transaction(self.key, chain_id=self.chain_id, kind=kind, signer=ROLE,
                                 nonce=self.books.nonce, body=body)

    def sync_nonce(self, chain_nonce: int) -> None:
        """Continue after the chain's last custodian nonce (lost or rejected transactions)."""
        self.books.nonce = chain_nonce

    def sign_deposit_receipt(self, bank: str, amount: int, now_ms: int,
                             receipt_id: str | None = None) -> dict[str, Any]:
        """NT$ ``amount`` from ``bank`` reached the reserve: book it and sign the receipt."""
        if not 0 < amount <= MAX_AMOUNT:
            raise CustodianError(f"deposit amount must be between 1 and {MAX_AMOUNT} minor units")
        seq = self._next_seq()
        # The books move first: a receipt is never signed for money the books do not hold.
        self.books.balance += amount
        return sign_deposit_receipt(
            self.key, chain_id=self.chain_id, receipt_id=receipt_id or f"DR-{seq:010d}",
            bank=bank, amount=amount, issued_at_ms=now_ms, custodian_seq=seq,
        )

    def confirm_payout(self, redemption_id: str, amount: int, now_ms: int) -> dict[str, Any]:
        """Pay a redemption out of the reserve (once) and sign its confirmation."""
        done = self.books.payouts.get(redemption_id)
        if done is not None:
            seq, paid = done
            if paid != amount:
                raise CustodianError(f"redemption {redemption_id} was paid {paid}, not {amount}")
        else:
            if amount > self.books.balance:
                raise CustodianError(
                    f"payout of {amount} exceeds the reserve balance {self.books.balance}")
            seq = self._next_seq()
            self.books.balance -= amount
            self.books.payouts[redemption_id] = (seq, amount)
        return self._sign("confirm_payout", {
            "redemption_id": redemption_id, "custodian_seq": seq, "paid_at_ms": now_ms})

    def attest(self, now_ms: int) -> dict[str, Any]:
        """Sign the reserve balance as of now, covering every sequence number so far."""
        as_of = max(now_ms, self.books.last_attested_ms)
        self.books.last_attested_ms = as_of
        return self._sign("reserve_attestation", {
            "attestation_id": f"ATT-{self.books.seq:010d}-{as_of}",
            "reserve_balance": str(self.books.balance),
            "through_seq": self.books.seq,
            "as_of_ms": as_of,
        })
