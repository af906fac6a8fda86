"""An independent, deliberately plain HS-ES written from the definition, for the tests.

It shares no code with ``nodes.clearing.margin``. Instead of sorting and counting whole
scenarios it integrates the empirical loss quantile function over the tail [alpha, 1]:

    ES = 1 / (1 - alpha) * integral from alpha to 1 of q(u) du

where the i-th smallest of n losses is the quantile on u in ((i - 1) / n, i / n].
"""

import math
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def reference_scenario_pnl(
    positions: Mapping[K, int],
    histories: Mapping[K, Sequence[Decimal]],
    current: Mapping[K, Decimal],
    multipliers: Mapping[K, int],
    lookback: int,
    holding: int,
    relative: bool = True,
) -> list[Fraction]:
    """P/L per scenario in minor units: the moves P[t-h] -> P[t] for the last ``lookback`` t."""
    length = len(next(iter(histories.values())))
    pnl = []
    for t in range(length - lookback, length):
        total = Fraction(0)
        for code, quantity in positions.items():
            old = Fraction(histories[code][t - holding])
            new = Fraction(histories[code][t])
            if relative:
                move = Fraction(current[code]) * new / old - Fraction(current[code])
            else:
                move = new - old
            total += quantity * multipliers[code] * move
        pnl.append(total)
    return pnl


def reference_expected_shortfall(losses: list[Fraction], alpha: Fraction) -> Fraction:
    """Tail expectation of the empirical loss distribution by integrating its quantiles."""
    n = len(losses)
    integral = Fraction(0)
    for i, loss in enumerate(sorted(losses), start=1):
        low, high = Fraction(i - 1, n), Fraction(i, n)
        overlap = max(Fraction(0), high - max(low, alpha))
        integral += overlap * loss
    return integral / (1 - alpha)


def reference_requirement(
    positions: Mapping[K, int],
    histories: Mapping[K, Sequence[Decimal]],
    current: Mapping[K, Decimal],
    multipliers: Mapping[K, int],
    lookback: int = 1250,
    holding: int = 2,
    alpha: Fraction = Fraction(99, 100),
    relative: bool = True,
) -> int:
    """ES of the scenario losses, rounded up to a whole minor unit and floored at zero."""
    pnl = reference_scenario_pnl(
        positions, histories, current, multipliers, lookback, holding, relative
    )
    return max(0, math.ceil(reference_expected_shortfall([-p for p in pnl], alpha)))
