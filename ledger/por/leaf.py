"""The preimage of a liabilities leaf: what an account holder sees of its own leaf.

leaf = SHA-256("NTDC/account-leaf/v1" 0x00 || salt[32] || u8(len(id)) || id (ASCII) ||
               u64be(available) || u64be(pledged) || u64be(held) || record_hash[32])
sum  = available + pledged + held

``record_hash`` commits to the rest of the account record (key, bank, status, KYC commitment...)
without revealing it; the 32-byte per-account salt keeps a sibling from guessing whose leaf it
sees. This must stay byte-identical to ``ledger.chain_state.compute_account_leaf``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ledger.chain_state import compute_account_record_hash
from ledger.model import Account
from ledger.types import MAX_SUPPLY

LEAF_TAG = b"NTDC/account-leaf/v1\x00"
MAX_BALANCE = MAX_SUPPLY
"""No balance, and no sum of balances, can exceed the supply bound (2**53 - 1)."""


class LeafError(ValueError):
    """A leaf preimage that cannot be a real account's leaf."""


@dataclass(frozen=True, slots=True)
class LeafPreimage:
    account: str
    salt: bytes
    available: int
    pledged: int
    held: int
    record_hash: bytes

    @classmethod
    def from_account(cls, account: Account) -> LeafPreimage:
        """The preimage of ``account``'s leaf."""
        return cls(account.id, bytes.fromhex(account.leaf_salt), account.available,
                   account.pledged, account.held, compute_account_record_hash(account))

    @property
    def total(self) -> int:
        return self.available + self.pledged + self.held

    def check(self) -> None:
        """Raise LeafError unless every field is well formed and every balance in range."""
        if len(self.salt) != 32:
            raise LeafError("leaf salt must be 32 bytes")
        if len(self.record_hash) != 32:
            raise LeafError("leaf record hash must be 32 bytes")
        ident = self.account.encode("ascii", "replace")
        if not 0 < len(ident) <= 255 or not self.account.isascii():
            raise LeafError("leaf account id must be 1..255 ASCII characters")
        for name in ("available", "pledged", "held"):
            value = getattr(self, name)
            # Balances are never negative and never above the supply bound, so no sum wraps.
            if value < 0:
                raise LeafError(f"leaf balance {name} is negative ({value})")
            if value > MAX_BALANCE:
                raise LeafError(f"leaf balance {name} ({value}) exceeds the bound {MAX_BALANCE}")
        if self.total > MAX_BALANCE:
            raise LeafError(f"leaf total {self.total} exceeds the bound {MAX_BALANCE}")

    def compute_hash(self) -> bytes:
        """The leaf hash (call ``check`` first on untrusted input)."""
        ident = self.account.encode("ascii")
        return hashlib.sha256(
            LEAF_TAG + self.salt + len(ident).to_bytes(1, "big") + ident
            + self.available.to_bytes(8, "big") + self.pledged.to_bytes(8, "big")
            + self.held.to_bytes(8, "big") + self.record_hash
        ).digest()
