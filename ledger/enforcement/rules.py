"""Screening checks the core rules call on every registration and movement of funds."""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account


def is_sanctioned(state: LedgerState, key: str) -> bool:
    """``key`` (an account id or identity commitment) is on the sanctions/watch list."""
    return key in state.sanctions


def check_identity_not_sanctioned(state: LedgerState, identity_commitment: str) -> None:
    """A listed person or company cannot be onboarded."""
    if is_sanctioned(state, identity_commitment):
        raise InvalidTransaction(
            "the holder's identity is on the sanctions list", Reason.SANCTIONS_HIT
        )


def check_not_sanctioned(state: LedgerState, account: Account) -> None:
    """A listed party can neither send nor receive."""
    for key in (account.id, account.identity_commitment):
        if is_sanctioned(state, key):
            entry = state.sanctions[key]
            raise InvalidTransaction(
                f"account {account.id} is on the sanctions list ({entry.list_name})",
                Reason.SANCTIONS_HIT,
            )


def check_holding_cap(state: LedgerState, account: Account, amount: int) -> None:
    """A credit that would lift a holder above its kind's cap is refused (0 = no cap)."""
    caps = state.params.get("holding_caps") or {}
    cap = int(caps.get(account.kind.value, 0))
    if cap and account.total + amount > cap:
        raise InvalidTransaction(
            f"credit of {amount} would lift {account.id} to {account.total + amount}, above the "
            f"{account.kind.value} holding cap of {cap}",
            Reason.HOLDING_CAP_EXCEEDED,
        )
