"""Records the collateral module keeps in state: haircuts, members' margin, calls, settlements.

All amounts are integer minor units; haircuts are integer basis points (1 bp = 0.01%).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ledger.types import AccountKind

BPS_PER_UNIT = 10_000
"""Basis points in one (100%)."""

COLLATERAL_ASSETS = ("NTDC",)
"""Assets a member can pledge on this chain (the pledged balance of an account is NTDC)."""

MEMBER_KINDS = frozenset({AccountKind.CLEARING_MEMBER, AccountKind.FCM})
"""Account kinds that may pledge, be margined and take part in variation settlement."""


class MemberStatus(StrEnum):
    GOOD = "good"
    """Collateral value covers the requirement."""
    CALLED = "called"
    """Collateral value is below the requirement and a margin call is open."""
    DEFAULT = "default"
    """A call went unmet at its deadline; only the CCP ends this (see ``calls``)."""


class CallStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    """Value came back to at least the requirement before the deadline."""
    DEFAULTED = "defaulted"


@dataclass(frozen=True, slots=True)
class HaircutRecord:
    """A haircut the CCP set for an asset, with the source it cites."""

    asset: str
    haircut_bps: int
    source: str
    height: int
    time_ms: int
    tx_id: str


@dataclass(frozen=True, slots=True)
class MarginMember:
    """A clearing member's or FCM's margin position as the chain knows it."""

    account: str
    requirement: int
    method: str
    """How the CCP computed the requirement, e.g. ``HS-ES`` or ``SPAN`` ("" before the first)."""
    reference: str
    requirement_height: int
    requirement_ms: int
    requirement_tx: str
    status: MemberStatus
    open_call: str
    """Id of the open margin call ("" if none)."""
    default_call: str
    """Id of the defaulted call while the member is in default ("" otherwise)."""


@dataclass(frozen=True, slots=True)
class MarginCall:
    """One margin call from opening to its end (met, or defaulted and perhaps liquidated)."""

    call_id: str
    member: str
    status: CallStatus
    opened_height: int
    opened_ms: int
    opened_tx: str
    opened_by: str
    """Kind of the transaction that made value fall below the requirement."""
    deadline_ms: int
    requirement: int
    collateral_value: int
    shortfall: int
    """requirement − collateral value when the call opened."""
    closed_height: int = 0
    closed_ms: int = 0
    closed_tx: str = ""
    """Transaction that met the call ("" when a block-start rule closed it)."""
    closed_by: str = ""
    """Kind of the transaction that met the call, or ``deadline`` for a default."""
    shortfall_at_default: int = 0
    liquidated: int = 0
    liquidated_height: int = 0
    liquidated_ms: int = 0
    liquidation_tx: str = ""
    default_ended_ms: int = 0
    default_ended_tx: str = ""


@dataclass(frozen=True, slots=True)
class VariationSettlementRecord:
    """Summary of one applied variation settlement (the legs are in its receipt)."""

    settlement_id: str
    tx_id: str
    height: int
    time_ms: int
    legs: int
    paid: int
    """Sum of all losses (equal to the sum of all gains: legs net to zero)."""
    paid_from_collateral: int
    """Part of the losses taken from pledged collateral because available fell short."""
    reference: str
