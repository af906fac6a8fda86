"""MarginCalculator: HS-ES equals the library's compute_hs_es_requirement exactly (the cache
saves work only), SPAN scan ranges and combined commodities, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nodes.clearing.margin import (
    BTCSQ,
    CONTRACTS,
    MTX,
    TX,
    ContractCode,
    InvalidMarginInput,
    compute_futures_risk_array,
    compute_hs_es_requirement,
    get_multipliers,
)
from nodes.clearing.service.model import MarginMethod, MarginParameters
from nodes.clearing.service.requirements import MarginCalculator, compute_scan_range
from tests.nodes.clearing.service.desk import get_histories

PRICES = {TX.code: Decimal(17_000), MTX.code: Decimal(17_000), BTCSQ.code: Decimal(3_000_000)}


@pytest.fixture(scope="module")
def calculator() -> MarginCalculator:
    return MarginCalculator(get_histories(), MarginParameters())


SHOCKED = {TX.code: Decimal(18_713), MTX.code: Decimal(15_999), BTCSQ.code: Decimal(3_141_593)}


@pytest.mark.parametrize("prices", [PRICES, SHOCKED])
@pytest.mark.parametrize("positions", [
    {TX.code: 10}, {TX.code: -3}, {TX.code: 10, MTX.code: -30},
    {TX.code: 2, MTX.code: -3, BTCSQ.code: 5},
])
def test_hs_es_equals_the_library(calculator: MarginCalculator,
                                  positions: dict[ContractCode, int],
                                  prices: dict[ContractCode, Decimal]) -> None:
    result = calculator.compute("m", positions, prices, MarginMethod.HS_ES)
    expected = compute_hs_es_requirement(
        positions, get_histories().get_contract_histories(), prices,
        get_multipliers(CONTRACTS.values()))
    assert result.requirement == expected > 0
    assert result.detail["confidence_bps"] == 9_900 and result.detail["lookback_days"] == 1_250
    assert result.detail["holding_days"] == 2


def test_hs_es_hedge_and_price_scaling(calculator: MarginCalculator) -> None:
    # 10 TX long against 40 MTX short is the same TAIEX exposure: fully hedged.
    assert calculator.compute("m", {TX.code: 10, MTX.code: -40}, PRICES,
                              MarginMethod.HS_ES).requirement == 0
    base = calculator.compute("m", {TX.code: 10}, PRICES, MarginMethod.HS_ES).requirement
    shocked = calculator.compute("m", {TX.code: 10}, {**PRICES, TX.code: Decimal(18_700)},
                                 MarginMethod.HS_ES).requirement
    # Relative moves scale with the price: +10% price, +10% margin (up to rounding).
    assert abs(shocked * 10 - base * 11) <= 11


def test_span_scan_ranges_and_commodities(calculator: MarginCalculator) -> None:
    assert compute_scan_range(Decimal(17_000), 600, Decimal(1)) == Decimal(1_020)
    assert compute_scan_range(Decimal(17_001), 600, Decimal(1)) == Decimal(1_021)  # rounded up
    result = calculator.compute("m", {TX.code: 10, BTCSQ.code: -2}, PRICES, MarginMethod.SPAN)
    tx_risk = 10 * -min(compute_futures_risk_array(Decimal(1_020), TX.multiplier_minor_per_point))
    btc_risk = 2 * max(compute_futures_risk_array(Decimal(600_000),
                                                  BTCSQ.multiplier_minor_per_point))
    # Losses on TAIEX and Bitcoin never offset: the requirement is the sum of both scans.
    assert result.requirement == tx_risk + btc_risk
    assert result.detail["scanning_risk_by_commodity"] == {"BTC": str(btc_risk),
                                                           "TAIEX": str(tx_risk)}
    assert result.detail["scan_range_points"] == {"BTCSQ": "600000", "TX": "1020"}


def test_empty_book_needs_no_margin(calculator: MarginCalculator) -> None:
    for method in MarginMethod:
        assert calculator.compute("m", {TX.code: 0}, PRICES, method).requirement == 0


def test_refusals(calculator: MarginCalculator) -> None:
    with pytest.raises(InvalidMarginInput, match="unknown contract"):
        calculator.compute("m", {ContractCode("ES"): 1}, PRICES, MarginMethod.HS_ES)
    with pytest.raises(InvalidMarginInput, match="no current price"):
        calculator.compute("m", {TX.code: 1}, {}, MarginMethod.SPAN)
