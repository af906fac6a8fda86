"""Exact arithmetic for margin: the decimal context, input checks and rounding to minor units.

Money in this library is an integer number of minor units (1 = NT$0.01). Prices are
``decimal.Decimal`` (or ``int``) index points or NT$ per unit; binary floats are refused at the
door. Every ``Decimal`` operation runs in ``MARGIN_CONTEXT``, set here once and explicitly, so the
result never depends on the caller's thread-local context. Where a division cannot be exact in
decimal (a return ``P_t / P_{t-h}``), the library uses ``fractions.Fraction``: exact rationals
over Python integers, rounded once, at the end, to a whole minor unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from nodes.clearing.margin.contracts import ContractCode
from nodes.clearing.margin.errors import InvalidMarginInput

MARGIN_CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""Sixty significant digits, banker's rounding, and a trap on every silent failure."""

BPS_PER_UNIT = 10_000
"""Basis points in one (100%)."""


def to_price(value: object, field: str) -> Decimal:
    """Check that ``value`` is a finite, positive ``Decimal`` or ``int`` price and return it."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidMarginInput(
            field,
            f"price must be a decimal.Decimal or int, got {type(value).__name__} {value!r}",
            "pass prices as Decimal('17250.5') or int; binary floats are never accepted",
        )
    price = Decimal(value)
    if not price.is_finite() or price <= 0:
        raise InvalidMarginInput(
            field, f"price must be finite and positive, got {value}", "check the price feed"
        )
    return price


def to_position(value: object, field: str) -> int:
    """Check that ``value`` is a signed integer number of contracts and return it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidMarginInput(
            field,
            f"position must be an int count of contracts, got {type(value).__name__} {value!r}",
            "use positive counts for long and negative counts for short positions",
        )
    return value


def to_multiplier(multipliers: Mapping[ContractCode, int], code: ContractCode) -> int:
    """The minor units per price point of contract ``code``; must be a positive int."""
    if code not in multipliers:
        raise InvalidMarginInput(
            f"multipliers[{code}]", "no multiplier for this contract", "add its multiplier"
        )
    value = multipliers[code]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidMarginInput(
            f"multipliers[{code}]",
            f"multiplier must be a positive int of minor units per point, got {value!r}",
            "TX is 20000 (NT$200 per point), MTX is 5000 (NT$50 per point)",
        )
    return value


def to_tick_multiple(price: Decimal, tick_size: Decimal, field: str) -> Decimal:
    """Check that ``price`` lies on the ``tick_size`` grid and return it."""
    with localcontext(MARGIN_CONTEXT):
        if price % tick_size != 0:
            raise InvalidMarginInput(
                field,
                f"price {price} is not a multiple of the tick size {tick_size}",
                "round the price to the contract's tick before settling",
            )
    return price


def to_bps(value: object, field: str, *, low: int, high: int) -> int:
    """Check that ``value`` is an int number of basis points in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidMarginInput(
            field,
            f"must be an int number of basis points in [{low}, {high}], got {value!r}",
            "express rates and percentages in basis points (1% = 100)",
        )
    return value
