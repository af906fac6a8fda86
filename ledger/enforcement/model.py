"""Records the enforcement module keeps in state: every order, and the life of each police hold.

The regulator reads these tables to see every order, who signed it, when, on what legal basis and
with what effect. They are never pruned (SPEC §5: records are kept at least five years).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OrderKind(StrEnum):
    POLICE_HOLD = "police_hold"
    CONFIRM_HOLD = "confirm_hold"
    FREEZE = "freeze"
    UNFREEZE = "unfreeze"
    SEIZE = "seize"
    SET_HOLDING_CAPS = "set_holding_caps"
    UPDATE_SANCTIONS = "update_sanctions"


class HoldStatus(StrEnum):
    ACTIVE = "active"
    LAPSED = "lapsed"
    """48 h of block time passed without a regulator confirmation."""
    CONFIRMED = "confirmed"
    """The regulator confirmed it: the account is frozen by the confirming order."""
    SUPERSEDED = "superseded"
    """The regulator froze the account by an order of its own while the hold was active."""


@dataclass(frozen=True, slots=True)
class EnforcementOrder:
    """One applied order: the transaction that carried it and what it did."""

    order_id: str
    kind: OrderKind
    issuer: str
    """Signer role: ``police`` or ``regulator``."""
    account: str
    """Target account; empty for list and parameter orders."""
    legal_basis: str
    tx_id: str
    height: int
    time_ms: int
    effect: str
    """What the order did, in words (also the basis of refusal messages)."""
    amount: int = 0
    """Minor units moved to court custody (seize only)."""
    ref: str = ""
    """The related order: the hold a confirmation confirms, the order an unfreeze lifts."""


@dataclass(frozen=True, slots=True)
class PoliceHold:
    """A 48-hour police hold and how it ended."""

    order_id: str
    account: str
    placed_at_ms: int
    placed_height: int
    expires_at_ms: int
    """First block time at which the hold no longer applies (placed_at_ms + hold duration)."""
    status: HoldStatus
    ended_at_ms: int = 0
    ended_height: int = 0
    ended_by: str = ""
    """The confirming or freezing order id; empty when the hold lapsed by itself."""
