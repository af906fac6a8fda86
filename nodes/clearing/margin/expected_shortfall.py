"""Expected shortfall of an empirical loss distribution, with the tail weighting made exact.

Given ``n`` equally likely scenario losses (a loss is positive, a gain negative) and a
confidence level ``alpha`` in basis points, the tail holds probability mass
``1 - alpha``, i.e. ``m = n * (10_000 - alpha_bps) / 10_000`` scenarios' worth. Sort the losses
from worst to best, ``L(1) >= L(2) >= ... >= L(n)``, and let ``k = floor(m)``:

    ES = ( L(1) + ... + L(k) + (m - k) * L(k + 1) ) / m

so the ``k`` worst losses count in full and the next one counts for the fraction of a scenario
left over (the 99% quantile straddles it). This is the expected loss of the empirical
distribution beyond its 99% quantile (Acerbi and Tasche 2002), which stays coherent when ``m``
is not a whole number. With the JSCC parameters (1,250 scenarios, 99%) ``m = 12.5``: the 12 worst
losses in full plus half of the 13th, divided by 12.5. With 100 scenarios it is the single worst
loss. The arithmetic is in exact rationals; rounding is left to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from nodes.clearing.margin.arithmetic import BPS_PER_UNIT, to_bps
from nodes.clearing.margin.errors import InvalidMarginInput


def compute_tail_mass(scenario_count: int, confidence_bps: int) -> Fraction:
    """Number of scenarios' worth of probability beyond the quantile: n * (1 - alpha)."""
    return Fraction(scenario_count * (BPS_PER_UNIT - confidence_bps), BPS_PER_UNIT)


def compute_expected_shortfall(losses: Sequence[Fraction | int], confidence_bps: int) -> Fraction:
    """Exact expected shortfall of equally weighted scenario losses (positive = loss)."""
    alpha = to_bps(confidence_bps, "confidence_bps", low=0, high=BPS_PER_UNIT - 1)
    if not losses:
        raise InvalidMarginInput(
            "losses", "no scenarios to take a shortfall over", "supply at least one scenario"
        )
    ordered = sorted((Fraction(loss) for loss in losses), reverse=True)
    tail_mass = compute_tail_mass(len(ordered), alpha)
    whole = tail_mass.numerator // tail_mass.denominator
    remainder = tail_mass - whole
    tail_sum = sum(ordered[:whole], Fraction(0))
    if remainder:
        tail_sum += remainder * ordered[whole]
    return tail_sum / tail_mass
