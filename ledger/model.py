"""Records kept in state: accounts, banks, role keys, redemptions, spent deposit receipts."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.types import AccountKind, AccountStatus, RiskTier


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    public_key: str
    kind: AccountKind
    home_bank: str
    status: AccountStatus
    risk_tier: RiskTier
    nonce: int
    available: int
    pledged: int
    held: int
    identity_commitment: str
    leaf_salt: str
    registered_height: int
    last_active_ms: int
    status_order: str = ""
    """Order id that set a non-active status (police hold, freeze), for clear refusals."""

    @property
    def total(self) -> int:
        return self.available + self.pledged + self.held


@dataclass(frozen=True, slots=True)
class Bank:
    bank_id: str
    operator_key: str
    sealing_key: str
    reserve_account_ref: str


@dataclass(frozen=True, slots=True)
class RoleKey:
    """An institutional signer: ``custodian``, ``regulator``, ``ccp``, ``police``, ``bank:<id>``."""

    signer: str
    public_key: str
    nonce: int


@dataclass(frozen=True, slots=True)
class Redemption:
    redemption_id: str
    account: str
    home_bank: str
    amount: int
    requested_height: int
    requested_ms: int
    paid: bool
    custodian_seq: int


@dataclass(frozen=True, slots=True)
class SpentReceipt:
    receipt_id: str
    bank: str
    amount: int
    custodian_seq: int
    mint_tx: str
    height: int


@dataclass(frozen=True, slots=True)
class ReserveEvent:
    """A reserve movement the custodian signed after the latest attestation's cut-off."""

    custodian_seq: int
    delta: int


@dataclass(frozen=True, slots=True)
class SanctionEntry:
    key: str
    list_name: str
    order_id: str
