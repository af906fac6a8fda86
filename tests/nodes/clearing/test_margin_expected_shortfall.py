"""Expected shortfall of scenario losses: which tail observations are averaged, exactly."""

from fractions import Fraction

import pytest

from nodes.clearing.margin import InvalidMarginInput, compute_expected_shortfall, compute_tail_mass

from .reference_es import reference_expected_shortfall


def test_jscc_tail_is_twelve_and_a_half_scenarios() -> None:
    assert compute_tail_mass(1250, 9900) == Fraction(25, 2)


def test_jscc_es_is_twelve_worst_plus_half_the_thirteenth_over_12_5() -> None:
    # Losses 1..1250: the worst twelve are 1250..1239, the thirteenth is 1238.
    losses = list(range(1, 1251))
    expected = (sum(range(1239, 1251)) + Fraction(1238, 2)) / Fraction(25, 2)
    assert compute_expected_shortfall(losses, 9900) == expected


def test_hundred_scenarios_at_99_percent_is_the_worst_loss() -> None:
    losses = [5, -3, 17, 2] + [0] * 96
    assert compute_expected_shortfall(losses, 9900) == 17


def test_two_hundred_scenarios_averages_the_two_worst() -> None:
    losses = [10, 30, -50] + [1] * 197
    assert compute_expected_shortfall(losses, 9900) == 20


def test_order_of_scenarios_does_not_matter() -> None:
    losses = [Fraction(i * 37 % 101, 3) - 10 for i in range(300)]
    assert compute_expected_shortfall(losses, 9750) == compute_expected_shortfall(
        list(reversed(losses)), 9750
    )


@pytest.mark.parametrize("n", [1, 7, 99, 100, 101, 250, 1250, 1251])
@pytest.mark.parametrize("alpha_bps", [9500, 9900, 9975])
def test_matches_integrating_the_empirical_quantile(n: int, alpha_bps: int) -> None:
    losses = [Fraction((i * 7919) % 1009 - 500, 7) for i in range(n)]
    assert compute_expected_shortfall(losses, alpha_bps) == reference_expected_shortfall(
        losses, Fraction(alpha_bps, 10_000)
    )


def test_refuses_empty_losses_and_bad_confidence() -> None:
    with pytest.raises(InvalidMarginInput, match="no scenarios"):
        compute_expected_shortfall([], 9900)
    with pytest.raises(InvalidMarginInput, match="basis points"):
        compute_expected_shortfall([1], 10_000)
    with pytest.raises(InvalidMarginInput, match="basis points"):
        compute_expected_shortfall([1], 0.99)  # type: ignore[arg-type]
