"""Domain value types: money, identifiers, heights and the enumerations of account life.

Money is always an integer number of minor units (0.01 NTD). Floats never appear on a money
path; APIs carry amounts as decimal strings of minor units.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NewType

Amount = NewType("Amount", int)
"""An amount of NTDC in minor units (1 = NT$0.01)."""

AccountId = NewType("AccountId", str)
"""A holder account id: bech32 with prefix ``ntdc`` over 20 bytes derived from the public key."""

SignerId = NewType("SignerId", str)
"""Who signed a transaction: an account id, or a role id such as ``bank:BANK-A``."""

Height = NewType("Height", int)
TimestampMs = NewType("TimestampMs", int)
"""Milliseconds since the Unix epoch, always taken from a block, never from a clock."""

MINOR_UNITS_PER_NTD = 100
MAX_AMOUNT = Amount(10**15)
"""Largest amount a single transaction may move: NT$10 trillion."""
MAX_SUPPLY = Amount(2**53 - 1)
"""Total supply bound; keeps every sum exactly representable in I-JSON and in a u64."""

_AMOUNT_RE = re.compile(r"^(0|[1-9][0-9]{0,17})$")


def parse_amount(text: str) -> Amount:
    """Parse a decimal string of minor units; raises ValueError on anything else."""
    if not isinstance(text, str) or not _AMOUNT_RE.match(text):
        raise ValueError(f"amount must be a decimal string of minor units, got {text!r}")
    return Amount(int(text))


def format_ntd(amount: int) -> str:
    """Render minor units as a human NT$ figure, e.g. 123456 -> 'NT$1,234.56'."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), MINOR_UNITS_PER_NTD)
    return f"{sign}NT${whole:,}.{cents:02d}"


def ntd(whole: int, cents: int = 0) -> Amount:
    """Build an amount from whole NT dollars and cents."""
    return Amount(whole * MINOR_UNITS_PER_NTD + cents)


class AccountKind(StrEnum):
    INDIVIDUAL = "individual"
    COMPANY = "company"
    FCM = "fcm"
    CLEARING_MEMBER = "clearing_member"
    CCP = "ccp"
    BANK = "bank"
    SYSTEM = "system"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    HELD = "held"
    FROZEN = "frozen"
    CLOSED = "closed"


class RiskTier(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
