"""Screening checks the core rules call on every registration and movement of funds.

``ledger.rules.enforcement_hooks`` calls these at fixed points: the sanctions / watch lists at
registration and for both parties of every mint, redeem and transfer; the holding cap for every
credit to a holder. The lists and caps themselves change only by regulator orders
(``ledger.enforcement.lists``).
"""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.types import format_ntd


def is_sanctioned(state: LedgerState, key: str) -> bool:
    """``key`` (an account id or identity commitment) is on a sanctions/watch list."""
    return key in state.sanctions


def check_identity_not_sanctioned(state: LedgerState, identity_commitment: str) -> None:
    """A listed person or company cannot be onboarded."""
    entry = state.sanctions.get(identity_commitment)
    if entry is not None:
        raise InvalidTransaction(
            f"registration rejected: the holder's identity is on list {entry.list_name} "
            f"(order {entry.order_id})",
            Reason.SANCTIONS_HIT,
        )


def check_not_sanctioned(state: LedgerState, account: Account) -> None:
    """A listed party can neither send nor receive."""
    for key in (account.id, account.identity_commitment):
        entry = state.sanctions.get(key) if key else None
        if entry is not None:
            listed = "account" if key == account.id else "holder's identity"
            raise InvalidTransaction(
                f"account {account.id} cannot send or receive: its {listed} is on list "
                f"{entry.list_name} (order {entry.order_id})",
                Reason.SANCTIONS_HIT,
            )


def get_holding_cap(state: LedgerState, account: Account) -> int:
    """The cap on ``account``'s kind in minor units (0 = no cap)."""
    caps = state.params.get("holding_caps") or {}
    return int(caps.get(account.kind.value, 0))


def check_holding_cap(state: LedgerState, account: Account, amount: int) -> None:
    """A credit that would lift a holder above its kind's cap is refused (0 = no cap); a credit
    landing exactly on the cap is allowed."""
    cap = get_holding_cap(state, account)
    if cap and account.total + amount > cap:
        raise InvalidTransaction(
            f"credit of {format_ntd(amount)} would lift {account.id} to "
            f"{format_ntd(account.total + amount)}, above the {account.kind.value} holding cap "
            f"of {format_ntd(cap)}",
            Reason.HOLDING_CAP_EXCEEDED,
        )
