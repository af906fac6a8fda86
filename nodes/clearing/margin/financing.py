"""The daily financing adjustment of a spot-quoted future, and its settlement price.

A spot-quoted future trades at the spot price, but it is still a future: holding it long is
like buying spot with borrowed money until expiry. The clearing house therefore settles it each
day at

    settlement price = spot price + financing adjustment
    financing adjustment = spot * annual_rate_bps * days_to_expiry / (10_000 * 365)

rounded to the contract's tick, half to even, where ``annual_rate_bps`` is the CCP's published
financing rate (NT$ funding rate less the BTC lending rate, in basis points a year, may be
negative) and ``days_to_expiry`` the calendar days from the settlement date to the contract's
expiry. The adjustment is recomputed every day; because ``days_to_expiry`` falls by one each day,
its change moves one day of carry from longs to shorts through variation margin (when the rate
is positive), and at expiry it is zero, so the contract converges to spot.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from nodes.clearing.margin.arithmetic import (
    BPS_PER_UNIT,
    MARGIN_CONTEXT,
    to_bps,
    to_price,
    to_tick_multiple,
)
from nodes.clearing.margin.errors import InvalidMarginInput

DAYS_PER_YEAR = 365
"""Actual/365 day count, the NT$ money-market convention."""
MAX_DAYS_TO_EXPIRY = 20 * DAYS_PER_YEAR


def compute_financing_adjustment(
    spot_price: Decimal, annual_rate_bps: int, days_to_expiry: int, tick_size: Decimal
) -> Decimal:
    """Financing adjustment: spot x rate x days / (10,000 x 365), rounded half-even to the tick."""
    spot = to_price(spot_price, "spot_price")
    tick = to_price(tick_size, "tick_size")
    rate = to_bps(annual_rate_bps, "annual_rate_bps", low=-BPS_PER_UNIT, high=BPS_PER_UNIT)
    if isinstance(days_to_expiry, bool) or not isinstance(days_to_expiry, int):
        raise InvalidMarginInput(
            "days_to_expiry", f"must be an int, got {days_to_expiry!r}", "count calendar days"
        )
    if not 0 <= days_to_expiry <= MAX_DAYS_TO_EXPIRY:
        raise InvalidMarginInput(
            "days_to_expiry",
            f"must be in [0, {MAX_DAYS_TO_EXPIRY}], got {days_to_expiry}",
            "pass the calendar days left until the contract expires",
        )
    with localcontext(MARGIN_CONTEXT):
        exact = spot * rate * days_to_expiry / (BPS_PER_UNIT * DAYS_PER_YEAR)
        ticks = (exact / tick).to_integral_value(rounding=ROUND_HALF_EVEN)
        return ticks * tick


def compute_spot_quoted_settlement_price(
    spot_price: Decimal, annual_rate_bps: int, days_to_expiry: int, tick_size: Decimal
) -> Decimal:
    """Daily settlement price of a spot-quoted future: spot plus the financing adjustment."""
    spot = to_tick_multiple(to_price(spot_price, "spot_price"), tick_size, "spot_price")
    adjustment = compute_financing_adjustment(spot, annual_rate_bps, days_to_expiry, tick_size)
    with localcontext(MARGIN_CONTEXT):
        return spot + adjustment
