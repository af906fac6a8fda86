"""SPAN scanning risk: the 16 scenarios, futures risk arrays, and the scanning-risk requirement.

A risk array holds one contract's P/L (gains positive) under each of the 16 SPAN scenarios, in
the order of the published CME worked example:

    1, 2    price unchanged;            volatility up, down
    3, 4    price up 1/3 of the range;  volatility up, down
    5, 6    price down 1/3;             volatility up, down
    7 .. 10 price up 2/3, down 2/3;     each with volatility up, down
    11 .. 14 price up 3/3, down 3/3;    each with volatility up, down
    15, 16  price up 2 ranges, down 2 ranges (extreme), counting 35% of the P/L

Contracts on one underlying form a combined commodity; its array is the sum of each contract's
array times its signed position, and its scanning risk is the largest loss across the 16
scenarios, floored at zero. The requirement is the sum of the combined commodities' scanning
risks: a TX loss is never offset by a Bitcoin gain in the same scenario number, because the
scenarios of different underlyings are not the same market move. Arrays are integers in whatever
unit the caller chose (minor units for NTDC; the published example is in US dollars), so the sum
is exact. Spread charges, inter-commodity credits and the short-option minimum are not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from ledger.types import Amount
from nodes.clearing.margin.arithmetic import BPS_PER_UNIT, MARGIN_CONTEXT, to_position, to_price
from nodes.clearing.margin.contracts import CONTRACTS, ContractCode
from nodes.clearing.margin.errors import InvalidMarginInput

RiskArray = tuple[int, ...]
"""P/L of one long contract (or of a portfolio) under each of the 16 scenarios, gains positive."""

EXTREME_COVER_BPS = 3_500
"""Extreme-move scenarios count 35% of their P/L."""


@dataclass(frozen=True, slots=True)
class SpanScenario:
    """One SPAN scenario: a price move in thirds of the scan range and a volatility move."""

    number: int
    price_move_thirds: int
    volatility_move: int
    """+1 volatility up, -1 down, 0 unchanged (the extreme moves)."""
    cover_bps: int


def _build_scenarios() -> tuple[SpanScenario, ...]:
    scenarios: list[SpanScenario] = []
    for thirds in (0, 1, -1, 2, -2, 3, -3):
        for vol in (1, -1):
            scenarios.append(SpanScenario(len(scenarios) + 1, thirds, vol, BPS_PER_UNIT))
    scenarios.append(SpanScenario(15, 6, 0, EXTREME_COVER_BPS))
    scenarios.append(SpanScenario(16, -6, 0, EXTREME_COVER_BPS))
    return tuple(scenarios)


SPAN_SCENARIOS: tuple[SpanScenario, ...] = _build_scenarios()
SCENARIO_COUNT = len(SPAN_SCENARIOS)


def compute_futures_risk_array(
    price_scan_range: Decimal, multiplier_minor_per_point: int
) -> RiskArray:
    """Risk array of one long linear future: P/L per scenario, rounded half away from zero.

    ``price_scan_range`` is in price points (TX: index points); volatility moves leave a
    future's value unchanged. Each entry is ``thirds / 3 * range * multiplier * cover``, rounded
    to a whole minor unit the way a CCP publishes integer arrays; a short position is the
    exact negation.
    """
    scan_range = to_price(price_scan_range, "price_scan_range")
    if (
        isinstance(multiplier_minor_per_point, bool)
        or not isinstance(multiplier_minor_per_point, int)
        or multiplier_minor_per_point <= 0
    ):
        raise InvalidMarginInput(
            "multiplier_minor_per_point",
            f"must be a positive int, got {multiplier_minor_per_point!r}",
            "pass the contract's minor units per price point (TX: 20000)",
        )
    entries: list[int] = []
    with localcontext(MARGIN_CONTEXT):
        for scenario in SPAN_SCENARIOS:
            pnl = (
                scan_range
                * multiplier_minor_per_point
                * scenario.price_move_thirds
                * scenario.cover_bps
                / (3 * BPS_PER_UNIT)
            )
            entries.append(int(pnl.to_integral_value(rounding=ROUND_HALF_UP)))
    return tuple(entries)


def _check_risk_array(code: ContractCode, array: Sequence[int]) -> RiskArray:
    if len(array) != SCENARIO_COUNT or any(
        isinstance(v, bool) or not isinstance(v, int) for v in array
    ):
        raise InvalidMarginInput(
            f"risk_arrays[{code}]",
            f"a risk array must be {SCENARIO_COUNT} ints, got {list(array)!r}",
            "publish one integer P/L per SPAN scenario, in scenario order",
        )
    return tuple(array)


def compute_portfolio_risk_array(
    portfolio: Mapping[ContractCode, int], risk_arrays: Mapping[ContractCode, Sequence[int]]
) -> RiskArray:
    """Sum over contracts of position times the contract's risk array."""
    totals = [0] * SCENARIO_COUNT
    for code, raw_position in portfolio.items():
        position = to_position(raw_position, f"portfolio[{code}]")
        if position == 0:
            continue
        if code not in risk_arrays:
            raise InvalidMarginInput(
                f"risk_arrays[{code}]",
                "the portfolio holds this contract but no risk array was given",
                "load the CCP's risk array file for the day",
            )
        array = _check_risk_array(code, risk_arrays[code])
        for i, pnl in enumerate(array):
            totals[i] += position * pnl
    return tuple(totals)


def compute_scanning_risk(portfolio_risk_array: Sequence[int]) -> int:
    """Largest loss over the 16 scenarios of a portfolio array, floored at zero."""
    array = _check_risk_array(ContractCode("portfolio"), portfolio_risk_array)
    return max(0, max(-pnl for pnl in array))


def _group_by_combined_commodity(
    portfolio: Mapping[ContractCode, int],
    combined_commodities: Mapping[ContractCode, str] | None,
) -> dict[str, dict[ContractCode, int]]:
    held = {code: position for code, position in portfolio.items() if position != 0}
    if combined_commodities is None:
        underlyings = sorted({CONTRACTS[c].underlying for c in held if c in CONTRACTS})
        if len(underlyings) > 1:
            raise InvalidMarginInput(
                "combined_commodities",
                f"the portfolio holds contracts on {', '.join(underlyings)} but no combined "
                "commodities were given, so their scenarios would wrongly offset",
                "pass combined_commodities=get_combined_commodities(CONTRACTS.values())",
            )
        return {"portfolio": dict(held)}
    groups: dict[str, dict[ContractCode, int]] = {}
    for code, position in held.items():
        if code not in combined_commodities:
            raise InvalidMarginInput(
                f"combined_commodities[{code}]",
                "the portfolio holds this contract but it belongs to no combined commodity",
                "map every contract code to its underlying",
            )
        groups.setdefault(combined_commodities[code], {})[code] = position
    return groups


def compute_span_requirement(
    portfolio: Mapping[ContractCode, int],
    risk_arrays: Mapping[ContractCode, Sequence[int]],
    combined_commodities: Mapping[ContractCode, str] | None = None,
) -> Amount:
    """SPAN scanning-risk requirement, summed over combined commodities, in the arrays' unit.

    Without ``combined_commodities`` the whole portfolio is scanned as one combined commodity
    (as in the published single-underlying example); a portfolio that holds known contracts on
    different underlyings is then refused rather than netted across them.
    """
    groups = _group_by_combined_commodity(portfolio, combined_commodities)
    return Amount(
        sum(
            compute_scanning_risk(compute_portfolio_risk_array(group, risk_arrays))
            for _, group in sorted(groups.items())
        )
    )
