"""The futures contracts the clearing house margins, and what one price point is worth.

A position is a signed integer count of contracts (long > 0, short < 0). A price is a
``Decimal`` in the contract's quotation unit. ``multiplier_minor_per_point`` turns one unit of
price into NTDC minor units (NT$0.01) per contract, so a contract's P/L is always
``position * multiplier_minor_per_point * price_change``.

- TX: TAIEX futures, NT$200 per index point, tick 1 point.
- MTX: Mini-TAIEX futures, NT$50 per index point, tick 1 point.
- BTCSQ: a long-dated spot-quoted Bitcoin future of 0.1 BTC, quoted in NT$ per BTC with a tick
  of NT$1; one NT$1 move is worth NT$0.10 = 10 minor units per contract. It trades at the spot
  price and settles daily at spot plus a financing adjustment (see ``financing.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NewType

ContractCode = NewType("ContractCode", str)
"""A contract's exchange code, e.g. ``TX``."""


class Quotation(StrEnum):
    """How a contract's price is quoted and settled."""

    FUTURES_PRICE = "futures_price"
    """Quoted and settled at the futures price itself (TX, MTX)."""
    SPOT_QUOTED = "spot_quoted"
    """Quoted at spot; settles at spot plus a daily financing adjustment."""


@dataclass(frozen=True, slots=True)
class FuturesContract:
    """Static terms of one futures contract."""

    code: ContractCode
    description: str
    underlying: str
    """Contracts on the same underlying form one SPAN combined commodity and offset there."""
    multiplier_minor_per_point: int
    tick_size: Decimal
    quotation: Quotation


TX = FuturesContract(
    code=ContractCode("TX"),
    description="TAIEX futures, NT$200 per index point",
    underlying="TAIEX",
    multiplier_minor_per_point=20_000,
    tick_size=Decimal(1),
    quotation=Quotation.FUTURES_PRICE,
)
MTX = FuturesContract(
    code=ContractCode("MTX"),
    description="Mini-TAIEX futures, NT$50 per index point",
    underlying="TAIEX",
    multiplier_minor_per_point=5_000,
    tick_size=Decimal(1),
    quotation=Quotation.FUTURES_PRICE,
)
BTCSQ = FuturesContract(
    code=ContractCode("BTCSQ"),
    description="Spot-quoted Bitcoin future, 0.1 BTC, quoted in NT$ per BTC",
    underlying="BTC",
    multiplier_minor_per_point=10,
    tick_size=Decimal(1),
    quotation=Quotation.SPOT_QUOTED,
)

CONTRACTS: dict[ContractCode, FuturesContract] = {c.code: c for c in (TX, MTX, BTCSQ)}
"""Every contract this library knows, by code."""


def get_multipliers(contracts: Iterable[FuturesContract]) -> dict[ContractCode, int]:
    """Minor units per price point of each contract, keyed by code."""
    return {c.code: c.multiplier_minor_per_point for c in contracts}


def get_combined_commodities(contracts: Iterable[FuturesContract]) -> dict[ContractCode, str]:
    """SPAN combined commodity (the underlying) of each contract, keyed by code."""
    return {c.code: c.underlying for c in contracts}
