"""Variation margin between two settlements, including the spot-quoted financing leg."""

from decimal import Decimal

import pytest

from nodes.clearing.margin import (
    BTCSQ,
    CONTRACTS,
    MTX,
    TX,
    InvalidMarginInput,
    compute_spot_quoted_settlement_price,
    compute_variation_margin,
)
from nodes.clearing.margin.contracts import get_multipliers

MULTIPLIERS = get_multipliers(CONTRACTS.values())


def test_index_futures_gain_and_loss_in_minor_units() -> None:
    positions = {"bank-a": {TX.code: 2}, "bank-b": {TX.code: -1, MTX.code: -4}}
    prev = {TX.code: Decimal(18_000), MTX.code: Decimal(18_000)}
    new = {TX.code: Decimal(18_125), MTX.code: Decimal(18_125)}
    vm = compute_variation_margin(positions, prev, new, MULTIPLIERS)
    # 2 TX * 125 points * NT$200 = NT$50,000 = 5,000,000 minor units.
    assert vm == {"bank-a": 5_000_000, "bank-b": -2_500_000 - 2_500_000}
    assert sum(vm.values()) == 0


def test_spot_quoted_leg_carries_price_move_and_financing() -> None:
    prev_settle = compute_spot_quoted_settlement_price(Decimal(3_000_000), 365, 100, Decimal(1))
    new_settle = compute_spot_quoted_settlement_price(Decimal(3_012_000), 365, 99, Decimal(1))
    # Adjustments: 3,000,000 * 3.65% * 100 / 365 = 30,000; 3,012,000 * 3.65% * 99 / 365 =
    # 29,818.8, rounded to the NT$1 tick: 29,819.
    assert (prev_settle, new_settle) == (Decimal(3_030_000), Decimal(3_041_819))
    positions = {"fcm-long": {BTCSQ.code: 5}, "fcm-short": {BTCSQ.code: -5}}
    vm = compute_variation_margin(
        positions, {BTCSQ.code: prev_settle}, {BTCSQ.code: new_settle}, MULTIPLIERS
    )
    # Spot rose NT$12,000 but the long paid a day of carry: the settlement moved 11,819.
    # 5 contracts * 11,819 * 10 minor units per NT$1 = 590,950.
    assert vm == {"fcm-long": 590_950, "fcm-short": -590_950}
    spot_only = 5 * 12_000 * BTCSQ.multiplier_minor_per_point
    assert vm["fcm-long"] < spot_only


def test_flat_positions_and_unchanged_prices_settle_nothing() -> None:
    positions = {"bank-a": {TX.code: 0}, "bank-b": {MTX.code: 3}}
    price = {TX.code: Decimal(18_000), MTX.code: Decimal(18_000)}
    assert compute_variation_margin(positions, price, price, MULTIPLIERS) == {
        "bank-a": 0,
        "bank-b": 0,
    }


def test_fractional_minor_units_are_refused_not_rounded() -> None:
    positions = {"bank-a": {BTCSQ.code: 1}}
    with pytest.raises(InvalidMarginInput, match="whole number of minor units"):
        compute_variation_margin(
            positions,
            {BTCSQ.code: Decimal(3_000_000)},
            {BTCSQ.code: Decimal("3000000.05")},
            MULTIPLIERS,
        )


def test_missing_settlement_price_is_refused() -> None:
    with pytest.raises(InvalidMarginInput, match="new_settlement\\[TX\\]"):
        compute_variation_margin(
            {"bank-a": {TX.code: 1}}, {TX.code: Decimal(18_000)}, {}, MULTIPLIERS
        )
