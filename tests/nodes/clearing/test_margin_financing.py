"""The spot-quoted future's daily financing adjustment and settlement price."""

from decimal import Decimal

import pytest

from nodes.clearing.margin import (
    BTCSQ,
    InvalidMarginInput,
    compute_financing_adjustment,
    compute_spot_quoted_settlement_price,
)

TICK = BTCSQ.tick_size


def test_adjustment_is_spot_times_rate_times_days_over_365() -> None:
    # 3,000,000 * 1.5% * 73 / 365 = 9,000 exactly.
    assert compute_financing_adjustment(Decimal(3_000_000), 150, 73, TICK) == 9_000


def test_adjustment_rounds_half_to_even_on_the_tick() -> None:
    # 2,920,000 * 0.5% * 1 / 365 = 40; 2,927,300 * 0.5% / 365 = 40.1; 2,956,500 -> 40.5 -> 40.
    assert compute_financing_adjustment(Decimal(2_920_000), 50, 1, TICK) == 40
    assert compute_financing_adjustment(Decimal(2_927_300), 50, 1, TICK) == 40
    assert compute_financing_adjustment(Decimal(2_956_500), 50, 1, TICK) == 40
    assert compute_financing_adjustment(Decimal(3_029_500), 50, 1, TICK) == 42  # 41.5 -> 42
    # A coarser tick rounds to its own grid.
    assert compute_financing_adjustment(Decimal(3_000_000), 150, 73, Decimal(500)) == 9_000
    assert compute_financing_adjustment(Decimal(3_000_000), 150, 70, Decimal(500)) == 8_500


def test_negative_rate_puts_settlement_below_spot() -> None:
    assert compute_financing_adjustment(Decimal(3_000_000), -150, 73, TICK) == -9_000
    assert compute_spot_quoted_settlement_price(Decimal(3_000_000), -150, 73, TICK) == 2_991_000


def test_settlement_is_spot_plus_adjustment_and_converges_at_expiry() -> None:
    assert compute_spot_quoted_settlement_price(Decimal(3_000_000), 150, 73, TICK) == 3_009_000
    assert compute_spot_quoted_settlement_price(Decimal(3_000_000), 150, 0, TICK) == 3_000_000


def test_unchanged_spot_moves_one_day_of_carry_from_longs_to_shorts() -> None:
    today = compute_spot_quoted_settlement_price(Decimal(3_650_000), 365, 100, TICK)
    tomorrow = compute_spot_quoted_settlement_price(Decimal(3_650_000), 365, 99, TICK)
    # 3,650,000 * 3.65% / 365 = 365 NT$ per BTC per day.
    assert today - tomorrow == 365


def test_refusals() -> None:
    with pytest.raises(InvalidMarginInput, match="binary floats"):
        compute_financing_adjustment(3_000_000.0, 150, 1, TICK)  # type: ignore[arg-type]
    with pytest.raises(InvalidMarginInput, match="basis points"):
        compute_financing_adjustment(Decimal(3_000_000), 10_001, 1, TICK)
    with pytest.raises(InvalidMarginInput, match="days_to_expiry"):
        compute_financing_adjustment(Decimal(3_000_000), 150, -1, TICK)
    with pytest.raises(InvalidMarginInput, match="tick"):
        compute_spot_quoted_settlement_price(Decimal("3000000.5"), 150, 1, TICK)
