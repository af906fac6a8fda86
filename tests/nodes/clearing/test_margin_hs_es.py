"""HS-ES initial margin, checked against the plain reference on fixed seeded series."""

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from nodes.clearing.margin import (
    BTCSQ,
    CONTRACTS,
    MTX,
    TX,
    ContractCode,
    InvalidMarginInput,
    PriceChange,
    compute_hs_es_requirement,
    compute_scenario_pnl,
    compute_seeded_price_path,
    get_multipliers,
)

from .reference_es import reference_requirement

MULTIPLIERS = get_multipliers(CONTRACTS.values())
DAYS = 1_300
TAIEX = compute_seeded_price_path(
    20260101, start_price=Decimal(17_000), length=DAYS, daily_volatility_ppm=12_000,
    tick_size=TX.tick_size,
)  # fmt: skip
BTC = compute_seeded_price_path(
    20260102, start_price=Decimal(2_900_000), length=DAYS, daily_volatility_ppm=35_000,
    tick_size=BTCSQ.tick_size,
)  # fmt: skip
HISTORIES = {TX.code: TAIEX, MTX.code: TAIEX, BTCSQ.code: BTC}
# Today's prices differ from the last close so that relative moves are visibly rescaled.
CURRENT = {TX.code: Decimal(18_250), MTX.code: Decimal(18_250), BTCSQ.code: Decimal(3_100_000)}


def requirement(positions: dict[ContractCode, int], **kwargs: Any) -> int:
    return compute_hs_es_requirement(positions, HISTORIES, CURRENT, MULTIPLIERS, **kwargs)


def reference(positions: dict[ContractCode, int], **kwargs: Any) -> int:
    histories = {code: HISTORIES[code] for code in positions}
    return reference_requirement(positions, histories, CURRENT, MULTIPLIERS, **kwargs)


def test_long_tx_matches_the_reference() -> None:
    expected = reference({TX.code: 1})
    assert requirement({TX.code: 1}) == expected
    # Sanity: a 2-day 99% ES on a 1.2%-a-day index is a few percent of TX's NT$3.65m notional.
    notional = 18_250 * 20_000
    assert notional * 2 // 100 < expected < notional * 10 // 100


def test_short_tx_matches_the_reference_and_sees_the_other_tail() -> None:
    long_requirement = requirement({TX.code: 3})
    short_requirement = requirement({TX.code: -3})
    assert short_requirement == reference({TX.code: -3})
    assert short_requirement != long_requirement


def test_two_contract_portfolio_matches_the_reference_and_diversifies() -> None:
    portfolio = {TX.code: 2, BTCSQ.code: -3}
    combined = requirement(portfolio)
    assert combined == reference(portfolio)
    # Expected shortfall is subadditive; rounding up each part keeps the bound.
    assert combined <= requirement({TX.code: 2}) + requirement({BTCSQ.code: -3})


def test_absolute_price_changes_match_the_reference() -> None:
    portfolio = {TX.code: -1, BTCSQ.code: 2}
    assert requirement(portfolio, price_change=PriceChange.ABSOLUTE) == reference(
        portfolio, relative=False
    )


def test_other_windows_and_confidence_match_the_reference() -> None:
    portfolio = {TX.code: 1, BTCSQ.code: 1}
    got = requirement(portfolio, lookback_days=500, holding_days=5, confidence_bps=9750)
    assert got == reference(portfolio, lookback=500, holding=5, alpha=Fraction(39, 40))


def test_hand_computed_example() -> None:
    # Moves over 2 days ending on the last 4 days: 100->99, 110->121, 99->90, 121->100.
    # Applied to today's price 100 at NT$1 (100 minor units) per point, the losses are
    # 100, -1000, 909.09.. and 1735.53.. (= 100 * 100 * 21 / 121). At 75% over 4 scenarios
    # the tail is exactly one scenario: the worst, rounded up to 1736.
    history = [Decimal(p) for p in (100, 110, 99, 121, 90, 100)]
    code = TX.code
    args = ({code: 1}, {code: history}, {code: Decimal(100)}, {code: 100})
    pnl = compute_scenario_pnl(*args, lookback_days=4, holding_days=2)
    assert pnl == [-100, 1000, Fraction(-10_000, 11), Fraction(-210_000, 121)]
    assert compute_hs_es_requirement(*args, lookback_days=4, confidence_bps=7500) == 1736
    # At 50% the tail is the two worst: (1735.53.. + 909.09..) / 2 = 1322.31.., rounded up.
    assert compute_hs_es_requirement(*args, lookback_days=4, confidence_bps=5000) == 1323


def test_only_the_last_lookback_plus_holding_prices_count() -> None:
    older = [Decimal(1), Decimal(100_000)] * 50
    longer = {code: older + list(path) for code, path in HISTORIES.items()}
    portfolio = {TX.code: 1, BTCSQ.code: -1}
    assert compute_hs_es_requirement(portfolio, longer, CURRENT, MULTIPLIERS) == requirement(
        portfolio
    )


def test_tx_equals_four_mtx_and_they_hedge_to_zero() -> None:
    assert requirement({TX.code: 1}) == requirement({MTX.code: 4})
    assert requirement({TX.code: 1, MTX.code: -4}) == 0
    assert requirement({}) == 0


def test_a_position_that_only_gains_needs_nothing() -> None:
    rising = [Decimal(100 + day) for day in range(10)]
    code = TX.code
    got = compute_hs_es_requirement(
        {code: 1}, {code: rising}, {code: Decimal(109)}, {code: 20_000}, lookback_days=8
    )
    assert got == 0


@pytest.mark.parametrize("lots", [2, 5, 17])
def test_requirement_scales_with_position_up_to_rounding(lots: int) -> None:
    one = requirement({BTCSQ.code: -1})
    many = requirement({BTCSQ.code: -lots})
    assert lots * one - (lots - 1) <= many <= lots * one


def test_refusals_name_the_problem() -> None:
    code = TX.code
    short = {code: TAIEX[:1_251]}
    with pytest.raises(InvalidMarginInput, match="at least 1252 daily prices"):
        compute_hs_es_requirement({code: 1}, short, CURRENT, MULTIPLIERS)
    misaligned = {TX.code: TAIEX, BTCSQ.code: BTC[1:]}
    with pytest.raises(InvalidMarginInput, match="align every history"):
        compute_hs_es_requirement({TX.code: 1, BTCSQ.code: 1}, misaligned, CURRENT, MULTIPLIERS)
    with pytest.raises(InvalidMarginInput, match="binary floats"):
        floats = {code: 18250.0}
        compute_hs_es_requirement({code: 1}, HISTORIES, floats, MULTIPLIERS)  # type: ignore[arg-type]
    with pytest.raises(InvalidMarginInput, match="positive"):
        bad = {code: [*TAIEX[:-1], Decimal(0)]}
        compute_hs_es_requirement({code: 1}, bad, CURRENT, MULTIPLIERS)
    with pytest.raises(InvalidMarginInput, match="missing"):
        compute_hs_es_requirement({code: 1}, {}, CURRENT, MULTIPLIERS)
    with pytest.raises(InvalidMarginInput, match="no multiplier"):
        compute_hs_es_requirement({code: 1}, HISTORIES, CURRENT, {})
