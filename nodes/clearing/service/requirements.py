"""Initial margin of one portfolio by HS-ES or SPAN, with the inputs the service holds.

``MarginCalculator`` wraps the pure maths of ``nodes.clearing.margin`` with the service's price
histories and parameters:

* HS-ES: each contract's 1,250 overlapping 2-day relative moves are computed once, exactly
  (``compute_scenario_price_changes`` at a price of 1); a new price only multiplies them, and
  the resulting scenario price changes are cached per (contract, price), because every member
  holding TX at the same mark uses the same ones. A portfolio's scenario P/L is the
  position-weighted sum, and the requirement the 99% expected shortfall rounded up to a minor
  unit. The result equals ``compute_hs_es_requirement`` exactly (a test checks it, at several
  prices); only the repeated work is saved, so a price shock is margined in milliseconds.
* SPAN: each contract's price scan range is ``span_scan_range_bps`` of its current price,
  rounded up to the tick; its risk array comes from ``compute_futures_risk_array`` and the
  requirement from ``compute_span_requirement`` per combined commodity (TAIEX: TX + MTX; BTC).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction
from typing import Any

from nodes.clearing.margin import (
    CONTRACTS,
    ContractCode,
    compute_expected_shortfall,
    compute_futures_risk_array,
    compute_portfolio_risk_array,
    compute_scanning_risk,
    compute_scenario_price_changes,
    compute_span_requirement,
    get_combined_commodities,
)
from nodes.clearing.margin.arithmetic import MARGIN_CONTEXT, to_price
from nodes.clearing.margin.errors import InvalidMarginInput
from nodes.clearing.service.histories import PriceHistories
from nodes.clearing.service.model import MarginMethod, MarginParameters, RequirementResult

CACHE_SIZE = 64
"""(contract, price) pairs whose scenario changes are kept: a few marks of three contracts."""


def compute_scan_range(price: Decimal, scan_range_bps: int, tick: Decimal) -> Decimal:
    """SPAN price scan range: ``scan_range_bps`` of ``price``, rounded up to the tick."""
    with localcontext(MARGIN_CONTEXT):
        ticks = (price * scan_range_bps / 10_000 / tick).to_integral_value(rounding=ROUND_CEILING)
        return max(ticks, Decimal(1)) * tick


class MarginCalculator:
    """Computes requirements from positions and current prices (thread-safe)."""

    def __init__(self, histories: PriceHistories, params: MarginParameters) -> None:
        self.histories = histories
        self.params = params
        self._contract_histories = histories.get_contract_histories()
        self._returns: dict[ContractCode, list[Fraction]] = {}
        self._changes: OrderedDict[tuple[ContractCode, Decimal], list[Fraction]] = OrderedDict()
        self._lock = threading.Lock()

    def compute(self, account: str, positions: Mapping[ContractCode, int],
                prices: Mapping[ContractCode, Decimal], method: MarginMethod) -> RequirementResult:
        """The member's requirement by ``method`` at ``prices``."""
        held = {code: qty for code, qty in sorted(positions.items()) if qty != 0}
        for code in held:
            if code not in CONTRACTS:
                raise InvalidMarginInput(f"positions[{code}]", "unknown contract",
                                         f"use one of {', '.join(sorted(CONTRACTS))}")
            if code not in prices:
                raise InvalidMarginInput(f"prices[{code}]", "no current price",
                                         "post a price for every contract held")
        used = {code: prices[code] for code in held}
        if method is MarginMethod.SPAN:
            requirement, detail = self._compute_span(held, used)
        else:
            requirement, detail = self._compute_hs_es(held, used)
        return RequirementResult(account, method, requirement, held, used, detail)

    # -- HS-ES -----------------------------------------------------------------------------
    def _get_returns(self, code: ContractCode) -> list[Fraction]:
        """The contract's exact relative h-day moves (P[t] - P[t-h]) / P[t-h], oldest first."""
        with self._lock:
            cached = self._returns.get(code)
        if cached is not None:
            return cached
        history = self._contract_histories.get(code)
        if history is None:
            raise InvalidMarginInput(f"histories[{code}]", "no price history",
                                     "load a history for the contract's underlying")
        # At a current price of 1 the library's scenario changes are the relative moves.
        returns = compute_scenario_price_changes(
            history, Decimal(1), lookback_days=self.params.lookback_days,
            holding_days=self.params.holding_days, field=f"histories[{code}]")
        with self._lock:
            self._returns[code] = returns
        return returns

    def _get_changes(self, code: ContractCode, price: Decimal) -> list[Fraction]:
        """Scenario price changes at ``price``: price x each relative move (exact, cached)."""
        key = (code, price)
        with self._lock:
            cached = self._changes.get(key)
            if cached is not None:
                self._changes.move_to_end(key)
                return cached
        current = Fraction(to_price(price, f"prices[{code}]"))
        changes = [current * r for r in self._get_returns(code)]
        with self._lock:
            self._changes[key] = changes
            while len(self._changes) > CACHE_SIZE:
                self._changes.popitem(last=False)
        return changes

    def _compute_hs_es(self, held: dict[ContractCode, int],
                       prices: dict[ContractCode, Decimal]) -> tuple[int, dict[str, Any]]:
        p = self.params
        totals = [Fraction(0)] * p.lookback_days
        for code, qty in held.items():
            weight = qty * CONTRACTS[code].multiplier_minor_per_point
            changes = self._get_changes(code, prices[code])
            totals = [t + weight * c for t, c in zip(totals, changes, strict=True)]
        shortfall = compute_expected_shortfall([-pnl for pnl in totals], p.confidence_bps)
        requirement = max(0, math.ceil(shortfall))
        worst = min(totals) if held else Fraction(0)
        return requirement, {
            "confidence_bps": p.confidence_bps, "lookback_days": p.lookback_days,
            "holding_days": p.holding_days, "scenarios": p.lookback_days,
            "worst_scenario_loss": str(max(0, math.ceil(-worst))),
            "history": self.histories.source,
        }

    # -- SPAN ------------------------------------------------------------------------------
    def _compute_span(self, held: dict[ContractCode, int],
                      prices: dict[ContractCode, Decimal]) -> tuple[int, dict[str, Any]]:
        arrays: dict[ContractCode, tuple[int, ...]] = {}
        ranges: dict[str, str] = {}
        for code in held:
            contract = CONTRACTS[code]
            bps = self.params.span_scan_range_bps.get(contract.underlying)
            if bps is None:
                raise InvalidMarginInput(f"span_scan_range_bps[{contract.underlying}]",
                                         "no SPAN scan range", "set one per underlying")
            scan = compute_scan_range(prices[code], bps, contract.tick_size)
            ranges[code] = str(scan)
            arrays[code] = compute_futures_risk_array(scan, contract.multiplier_minor_per_point)
        commodities = get_combined_commodities(CONTRACTS.values())
        requirement = compute_span_requirement(held, arrays, commodities)
        by_commodity: dict[str, str] = {}
        for underlying in sorted({commodities[c] for c in held}):
            group = {c: q for c, q in held.items() if commodities[c] == underlying}
            risk = compute_scanning_risk(compute_portfolio_risk_array(group, arrays))
            by_commodity[underlying] = str(risk)
        return int(requirement), {
            "scan_range_points": ranges,
            "scan_range_bps": {u: b for u, b in sorted(self.params.span_scan_range_bps.items())},
            "scanning_risk_by_commodity": by_commodity,
            "risk_arrays": {code: list(array) for code, array in sorted(arrays.items())},
        }
