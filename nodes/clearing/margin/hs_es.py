"""Historical-simulation expected-shortfall initial margin (the JSCC method).

For each contract the history is a sequence of daily settlement prices, oldest first, aligned by
business day across contracts; its last element is the latest business day. With a lookback of
``L`` business days and a holding period of ``h`` days the scenarios are the ``L`` overlapping
``h``-day price moves ending on each of the last ``L`` days of the history:

    scenario t, for t = len - L, ..., len - 1:   P[t - h] -> P[t]

so the history needs at least ``L + h`` prices. Each move is applied to today's portfolio:

    RELATIVE (default):  change = current_price * (P[t] - P[t-h]) / P[t-h]
    ABSOLUTE:            change = P[t] - P[t-h]
    scenario P/L = sum over contracts of position * multiplier_minor_per_point * change

The requirement is the expected shortfall of the scenario losses (see
``expected_shortfall.py``; at 99% over 1,250 scenarios, the 12 worst losses plus half the 13th,
over 12.5), floored at zero and rounded up to a whole minor unit. Everything before that one
round-up is exact rational arithmetic. The JSCC stress-period scenarios and per-product
add-ons are not modelled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from ledger.types import Amount
from nodes.clearing.margin.arithmetic import to_multiplier, to_position, to_price
from nodes.clearing.margin.contracts import ContractCode
from nodes.clearing.margin.errors import InvalidMarginInput
from nodes.clearing.margin.expected_shortfall import compute_expected_shortfall

JSCC_LOOKBACK_DAYS = 1_250
JSCC_HOLDING_DAYS = 2
JSCC_CONFIDENCE_BPS = 9_900


class PriceChange(StrEnum):
    """How a historical move is carried over to today's price."""

    RELATIVE = "relative"
    ABSOLUTE = "absolute"


def _check_window(lookback_days: int, holding_days: int) -> None:
    for field, value in (("lookback_days", lookback_days), ("holding_days", holding_days)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidMarginInput(
                field, f"must be a positive int, got {value!r}", "JSCC uses 1,250 and 2"
            )


def compute_scenario_price_changes(
    history: Sequence[Decimal],
    current_price: Decimal,
    *,
    lookback_days: int = JSCC_LOOKBACK_DAYS,
    holding_days: int = JSCC_HOLDING_DAYS,
    price_change: PriceChange = PriceChange.RELATIVE,
    field: str = "history",
) -> list[Fraction]:
    """Exact price change of one contract in each scenario, oldest scenario first."""
    _check_window(lookback_days, holding_days)
    needed = lookback_days + holding_days
    if len(history) < needed:
        raise InvalidMarginInput(
            field,
            f"{len(history)} prices cannot give {lookback_days} overlapping "
            f"{holding_days}-day moves",
            f"supply at least {needed} daily prices",
        )
    window = [
        Fraction(to_price(p, f"{field}[{i}]"))
        for i, p in enumerate(history[len(history) - needed :], start=len(history) - needed)
    ]
    current = Fraction(to_price(current_price, f"current_price of {field}"))
    changes: list[Fraction] = []
    for t in range(holding_days, needed):
        start, end = window[t - holding_days], window[t]
        if price_change is PriceChange.RELATIVE:
            changes.append(current * (end - start) / start)
        else:
            changes.append(end - start)
    return changes


def compute_scenario_pnl(
    positions: Mapping[ContractCode, int],
    histories: Mapping[ContractCode, Sequence[Decimal]],
    current_prices: Mapping[ContractCode, Decimal],
    multipliers: Mapping[ContractCode, int],
    *,
    lookback_days: int = JSCC_LOOKBACK_DAYS,
    holding_days: int = JSCC_HOLDING_DAYS,
    price_change: PriceChange = PriceChange.RELATIVE,
) -> list[Fraction]:
    """Exact portfolio P/L in minor units (gains positive) in each scenario, oldest first."""
    _check_window(lookback_days, holding_days)
    totals = [Fraction(0)] * lookback_days
    history_length: int | None = None
    for code, raw_position in sorted(positions.items()):
        position = to_position(raw_position, f"positions[{code}]")
        if position == 0:
            continue
        if code not in histories or code not in current_prices:
            raise InvalidMarginInput(
                f"histories[{code}]",
                "the portfolio holds this contract but its price history or current price is "
                "missing",
                "supply both for every contract held",
            )
        history = histories[code]
        if history_length is not None and len(history) != history_length:
            raise InvalidMarginInput(
                f"histories[{code}]",
                f"has {len(history)} prices but another contract's has {history_length}",
                "align every history on the same business days",
            )
        history_length = len(history)
        weight = position * to_multiplier(multipliers, code)
        changes = compute_scenario_price_changes(
            history,
            current_prices[code],
            lookback_days=lookback_days,
            holding_days=holding_days,
            price_change=price_change,
            field=f"histories[{code}]",
        )
        totals = [total + weight * change for total, change in zip(totals, changes, strict=True)]
    return totals


def compute_hs_es_requirement(
    positions: Mapping[ContractCode, int],
    histories: Mapping[ContractCode, Sequence[Decimal]],
    current_prices: Mapping[ContractCode, Decimal],
    multipliers: Mapping[ContractCode, int],
    *,
    lookback_days: int = JSCC_LOOKBACK_DAYS,
    holding_days: int = JSCC_HOLDING_DAYS,
    confidence_bps: int = JSCC_CONFIDENCE_BPS,
    price_change: PriceChange = PriceChange.RELATIVE,
) -> Amount:
    """HS expected-shortfall initial margin in minor units, rounded up, never negative."""
    pnl = compute_scenario_pnl(
        positions,
        histories,
        current_prices,
        multipliers,
        lookback_days=lookback_days,
        holding_days=holding_days,
        price_change=price_change,
    )
    shortfall = compute_expected_shortfall([-p for p in pnl], confidence_bps)
    return Amount(max(0, math.ceil(shortfall)))
