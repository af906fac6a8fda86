"""SPAN scanning risk: the published worked example, futures risk arrays, and refusals."""

from decimal import Decimal

import pytest

from nodes.clearing.margin import (
    BTCSQ,
    CONTRACTS,
    MTX,
    SPAN_SCENARIOS,
    TX,
    ContractCode,
    InvalidMarginInput,
    compute_futures_risk_array,
    compute_portfolio_risk_array,
    compute_scanning_risk,
    compute_span_requirement,
    get_combined_commodities,
)

FUTURE = ContractCode("SP")
CALL = ContractCode("SP_CALL")

# The published CME SPAN worked example (US$, P/L per contract, gains positive).
PUBLISHED_LONG_FUTURE = (
    0, 0, 3330, 3330, -3330, -3330, 6670, 6670, -6670, -6670,
    10000, 10000, -10000, -10000, 7000, -7000,
)  # fmt: skip
PUBLISHED_LONG_CALL = (
    460, -610, 2640, 1730, -1270, -2340, 5210, 4540, -2540, -3430,
    8060, 7640, -3380, -3990, 3130, -1500,
)  # fmt: skip
PUBLISHED = {FUTURE: PUBLISHED_LONG_FUTURE, CALL: PUBLISHED_LONG_CALL}


def test_long_call_alone_needs_3990() -> None:
    assert compute_span_requirement({CALL: 1}, PUBLISHED) == 3990


def test_long_future_and_short_call_need_6620() -> None:
    assert compute_span_requirement({FUTURE: 1, CALL: -1}, PUBLISHED) == 6620


def test_worked_example_combined_array_and_worst_scenario() -> None:
    combined = compute_portfolio_risk_array({FUTURE: 1, CALL: -1}, PUBLISHED)
    assert combined == (
        -460, 610, 690, 1600, -2060, -990, 1460, 2130, -4130, -3240,
        1940, 2360, -6620, -6010, 3870, -5500,
    )  # fmt: skip
    # The binding scenario is 13: price down a full range with volatility up.
    assert combined.index(min(combined)) + 1 == 13


def test_long_and_short_future_alone_need_a_full_range() -> None:
    assert compute_span_requirement({FUTURE: 1}, PUBLISHED) == 10_000
    assert compute_span_requirement({FUTURE: -3}, PUBLISHED) == 30_000


def test_scanning_risk_is_floored_at_zero() -> None:
    all_gains = (1,) * 16
    assert compute_scanning_risk(all_gains) == 0
    assert compute_span_requirement({}, PUBLISHED) == 0
    assert compute_span_requirement({FUTURE: 0}, {}) == 0


def test_scenarios_follow_the_published_order() -> None:
    moves = [(s.price_move_thirds, s.volatility_move, s.cover_bps) for s in SPAN_SCENARIOS]
    assert moves == [
        (0, 1, 10000), (0, -1, 10000), (1, 1, 10000), (1, -1, 10000),
        (-1, 1, 10000), (-1, -1, 10000), (2, 1, 10000), (2, -1, 10000),
        (-2, 1, 10000), (-2, -1, 10000), (3, 1, 10000), (3, -1, 10000),
        (-3, 1, 10000), (-3, -1, 10000), (6, 0, 3500), (-6, 0, 3500),
    ]  # fmt: skip
    assert [s.number for s in SPAN_SCENARIOS] == list(range(1, 17))


def test_futures_risk_array_reproduces_the_published_one_to_its_rounding() -> None:
    computed = compute_futures_risk_array(Decimal(10000), 1)
    assert computed == (
        0, 0, 3333, 3333, -3333, -3333, 6667, 6667, -6667, -6667,
        10000, 10000, -10000, -10000, 7000, -7000,
    )  # fmt: skip
    # The published array is the same numbers rounded to tens.
    assert tuple(round(v, -1) for v in computed) == PUBLISHED_LONG_FUTURE


def test_futures_risk_array_ignores_volatility_and_scales_with_multiplier() -> None:
    array = compute_futures_risk_array(Decimal(900), TX.multiplier_minor_per_point)
    for up, down in zip(array[0:14:2], array[1:14:2], strict=True):
        assert up == down
    # 1/3 of 900 points at NT$200 = NT$60,000 = 6,000,000 minor units.
    assert array[2] == 6_000_000
    assert array[10] == 900 * 20_000
    assert array[14] == 900 * 2 * 20_000 * 35 // 100


def test_tx_and_four_mtx_offset_exactly_under_span() -> None:
    arrays = {
        TX.code: compute_futures_risk_array(Decimal(900), TX.multiplier_minor_per_point),
        MTX.code: compute_futures_risk_array(Decimal(900), MTX.multiplier_minor_per_point),
    }
    assert compute_span_requirement({TX.code: 1}, arrays) == 900 * 20_000
    assert compute_span_requirement({MTX.code: 4}, arrays) == 900 * 20_000
    assert compute_span_requirement({TX.code: 1, MTX.code: -4}, arrays) == 0


def test_span_sums_scanning_risk_across_underlyings() -> None:
    arrays = {
        TX.code: compute_futures_risk_array(Decimal(900), TX.multiplier_minor_per_point),
        MTX.code: compute_futures_risk_array(Decimal(900), MTX.multiplier_minor_per_point),
        BTCSQ.code: compute_futures_risk_array(Decimal(450_000), BTCSQ.multiplier_minor_per_point),
    }
    groups = get_combined_commodities(CONTRACTS.values())
    # Long TX loses 18,000,000 on a full TAIEX fall; short BTC loses 4,500,000 on a full BTC
    # rise. The two markets need not move together, so both losses count.
    portfolio = {TX.code: 1, BTCSQ.code: -1}
    assert compute_span_requirement(portfolio, arrays, groups) == 18_000_000 + 4_500_000
    # Within TAIEX the mini contracts still offset.
    hedged = {TX.code: 1, MTX.code: -4, BTCSQ.code: -1}
    assert compute_span_requirement(hedged, arrays, groups) == 4_500_000


def test_refuses_to_net_different_underlyings_without_groups() -> None:
    arrays = {
        TX.code: compute_futures_risk_array(Decimal(900), TX.multiplier_minor_per_point),
        BTCSQ.code: compute_futures_risk_array(Decimal(450_000), BTCSQ.multiplier_minor_per_point),
    }
    with pytest.raises(InvalidMarginInput, match="BTC, TAIEX"):
        compute_span_requirement({TX.code: 1, BTCSQ.code: -1}, arrays)
    with pytest.raises(InvalidMarginInput, match="no combined commodity"):
        compute_span_requirement({TX.code: 1, BTCSQ.code: -1}, arrays, {TX.code: "TAIEX"})


def test_refuses_missing_or_malformed_risk_arrays() -> None:
    with pytest.raises(InvalidMarginInput, match="no risk array"):
        compute_span_requirement({FUTURE: 1}, {})
    with pytest.raises(InvalidMarginInput, match="16 ints"):
        compute_span_requirement({FUTURE: 1}, {FUTURE: (0,) * 15})
    with pytest.raises(InvalidMarginInput, match="16 ints"):
        compute_span_requirement({FUTURE: 1}, {FUTURE: (0.0,) * 16})  # type: ignore[dict-item]
    with pytest.raises(InvalidMarginInput, match="position"):
        compute_span_requirement({FUTURE: 1.5}, PUBLISHED)  # type: ignore[dict-item]
    with pytest.raises(InvalidMarginInput, match="Decimal"):
        compute_futures_risk_array(900.0, 200)  # type: ignore[arg-type]
    with pytest.raises(InvalidMarginInput, match="positive int"):
        compute_futures_risk_array(Decimal(900), 0)
