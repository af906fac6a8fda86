"""Collateral value after the haircut, rounded down in the clearing house's favour."""

import pytest

from nodes.clearing.margin import (
    DEFAULT_NTDC_HAIRCUT_BPS,
    InvalidMarginInput,
    compute_haircut_value,
)


def test_default_two_percent_haircut() -> None:
    assert DEFAULT_NTDC_HAIRCUT_BPS == 200
    # NT$1,000,000.00 pledged is worth NT$980,000.00.
    assert compute_haircut_value(100_000_000, DEFAULT_NTDC_HAIRCUT_BPS) == 98_000_000


def test_rounds_down_never_up() -> None:
    # 10,001 * 0.98 = 9,800.98 -> 9,800; 1 * 0.98 -> 0.
    assert compute_haircut_value(10_001, 200) == 9_800
    assert compute_haircut_value(1, 200) == 0
    assert compute_haircut_value(99, 1) == 98


def test_bounds() -> None:
    assert compute_haircut_value(12_345, 0) == 12_345
    assert compute_haircut_value(12_345, 10_000) == 0
    assert compute_haircut_value(0, 200) == 0


@pytest.mark.parametrize(
    ("pledged", "haircut"), [(-1, 200), (100, -1), (100, 10_001), (100.0, 200), (100, 2.0)]
)
def test_refuses_bad_inputs(pledged: object, haircut: object) -> None:
    with pytest.raises(InvalidMarginInput):
        compute_haircut_value(pledged, haircut)  # type: ignore[arg-type]
