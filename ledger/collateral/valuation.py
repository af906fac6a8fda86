"""Collateral valuation and the figures derived from it; pure reads, no state changes.

    collateral value = floor(pledged × (10 000 − haircut_bps) / 10 000)
    shortfall        = max(0, requirement − collateral value)
    pledge to cover  = ceil(requirement × 10 000 / (10 000 − haircut_bps))
    liquidation      = min(pledged, shortfall at default)

Rounding is always down on the value, i.e. in the CCP's favour (the same formula as the clearing
house's ``nodes/clearing/margin/haircut.py``).
"""

from __future__ import annotations

from typing import NamedTuple

from ledger.chain_state import LedgerState
from ledger.collateral.model import BPS_PER_UNIT, MEMBER_KINDS, MarginMember
from ledger.crypto.keys import PublicKey, compute_account_id
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.types import AccountKind

DEFAULT_HAIRCUT_PARAM = "collateral_default_haircut_bps"
CALL_DEADLINE_PARAM = "collateral_call_deadline_ms"
DEFAULT_HAIRCUT_SOURCE = f"genesis parameter {DEFAULT_HAIRCUT_PARAM} (SPEC §7 default)"


class Haircut(NamedTuple):
    bps: int
    source: str
    time_ms: int
    """When the CCP set it (0: the genesis default)."""


class MarginFigures(NamedTuple):
    """A member's collateral figures at one moment."""

    pledged: int
    haircut_bps: int
    collateral_value: int
    requirement: int

    @property
    def shortfall(self) -> int:
        return max(0, self.requirement - self.collateral_value)

    @property
    def is_under_collateralised(self) -> bool:
        """A call is due exactly when value < requirement (equal is covered)."""
        return self.collateral_value < self.requirement


def compute_haircut_value(pledged: int, haircut_bps: int) -> int:
    """Collateral value after the haircut, rounded down to a whole minor unit."""
    return pledged * (BPS_PER_UNIT - haircut_bps) // BPS_PER_UNIT


def compute_required_pledge(requirement: int, haircut_bps: int) -> int:
    """Smallest pledge whose value covers ``requirement``: ceil(R × 10 000 / (10 000 − h))."""
    return -(-requirement * BPS_PER_UNIT // (BPS_PER_UNIT - haircut_bps))


def compute_liquidation_amount(pledged: int, shortfall: int) -> int:
    """Coins the CCP takes on default: the shortfall at par, or all collateral if less."""
    return min(pledged, max(0, shortfall))


def get_haircut(state: LedgerState, asset: str = "NTDC") -> Haircut:
    """The haircut in force for ``asset``: the CCP's latest, else the genesis default."""
    record = state.collateral_haircuts.get(asset)
    if record is not None:
        return Haircut(record.haircut_bps, record.source, record.time_ms)
    return Haircut(int(state.get_param(DEFAULT_HAIRCUT_PARAM)), DEFAULT_HAIRCUT_SOURCE, 0)


def get_ccp_account_id(state: LedgerState) -> str | None:
    """The CCP's own account: the one whose id derives from the registered ``ccp`` role key."""
    role = state.roles.get("ccp")
    if role is None:
        return None
    return compute_account_id(PublicKey.parse(role.public_key))


def get_ccp_account(state: LedgerState) -> Account:
    """The CCP's own registered account of kind ``ccp``; refuses the transaction otherwise."""
    account_id = get_ccp_account_id(state)
    account = state.accounts.get(account_id) if account_id is not None else None
    if account is None:
        raise InvalidTransaction(
            f"the CCP has no account yet: a bank must register account {account_id} (derived from "
            "the ccp role key) with kind ccp", Reason.UNKNOWN_ACCOUNT)
    if account.kind is not AccountKind.CCP:
        raise InvalidTransaction(
            f"account {account.id} of the ccp key is registered as {account.kind.value}, not ccp",
            Reason.INVALID_STATE)
    return account


def is_member_account(account: Account) -> bool:
    """Clearing members and FCMs pledge collateral and are margined."""
    return account.kind in MEMBER_KINDS


def compute_margin_figures(
    account: Account, member: MarginMember | None, haircut_bps: int
) -> MarginFigures:
    """Pledged, haircut, value and requirement of one member."""
    requirement = member.requirement if member is not None else 0
    return MarginFigures(account.pledged, haircut_bps,
                         compute_haircut_value(account.pledged, haircut_bps), requirement)


def get_margin_figures(state: LedgerState, account_id: str) -> MarginFigures:
    """``compute_margin_figures`` for a registered account, with the NTDC haircut in force."""
    account = state.accounts[account_id]
    return compute_margin_figures(
        account, state.collateral_members.get(account_id), get_haircut(state).bps
    )
