"""Collateral valuation: what pledged NTDC is worth to the clearing house after its haircut.

value = floor(pledged * (10_000 - haircut_bps) / 10_000), in minor units. Rounding down is in the
clearing house's favour: collateral is never valued a minor unit above what it covers.
"""

from __future__ import annotations

from ledger.types import Amount
from nodes.clearing.margin.arithmetic import BPS_PER_UNIT, to_bps
from nodes.clearing.margin.errors import InvalidMarginInput

DEFAULT_NTDC_HAIRCUT_BPS = 200
"""The §7 default haircut for NTDC: 2%."""


def compute_haircut_value(pledged_minor_units: int, haircut_bps: int) -> Amount:
    """Collateral value of a pledge after the haircut, rounded down to a whole minor unit."""
    if (
        isinstance(pledged_minor_units, bool)
        or not isinstance(pledged_minor_units, int)
        or pledged_minor_units < 0
    ):
        raise InvalidMarginInput(
            "pledged_minor_units",
            f"must be a non-negative int of minor units, got {pledged_minor_units!r}",
            "pass the pledged balance in minor units (NT$1 = 100)",
        )
    haircut = to_bps(haircut_bps, "haircut_bps", low=0, high=BPS_PER_UNIT)
    return Amount(pledged_minor_units * (BPS_PER_UNIT - haircut) // BPS_PER_UNIT)
