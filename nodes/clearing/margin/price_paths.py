"""Seeded, integer-only price paths for tests and simulations (a GBM-like random walk).

Each day the price is multiplied by ``1 + drift + volatility * z``, where ``z`` is a standard
normal approximated by the Irwin-Hall sum of twelve uniform integers in ``[0, 10**6)`` less its
mean (variance exactly 1 in the limit of fine steps, bounded by +-6). All of it is integer or
``Decimal`` arithmetic driven by ``random.Random(seed)``, whose ``randrange`` is stable across
platforms and Python versions, so a seed names one path forever. Prices are rounded half-even to
the tick and never fall below one tick.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from nodes.clearing.margin.arithmetic import MARGIN_CONTEXT, to_price
from nodes.clearing.margin.errors import InvalidMarginInput

PPM = 1_000_000
_IRWIN_HALL_TERMS = 12
MAX_DAILY_VOLATILITY_PPM = 150_000
"""15% a day: even a six-sigma down day leaves a positive price."""


def compute_seeded_price_path(
    seed: int,
    *,
    start_price: Decimal,
    length: int,
    daily_volatility_ppm: int,
    tick_size: Decimal,
    daily_drift_ppm: int = 0,
) -> list[Decimal]:
    """``length`` daily prices starting at ``start_price``, fully determined by ``seed``."""
    price = to_price(start_price, "start_price")
    tick = to_price(tick_size, "tick_size")
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise InvalidMarginInput("length", f"must be a positive int, got {length!r}", "ask for 1+")
    if not 0 <= daily_volatility_ppm <= MAX_DAILY_VOLATILITY_PPM:
        raise InvalidMarginInput(
            "daily_volatility_ppm",
            f"must be in [0, {MAX_DAILY_VOLATILITY_PPM}], got {daily_volatility_ppm}",
            "1% a day is 10000",
        )
    if not -PPM // 10 <= daily_drift_ppm <= PPM // 10:
        raise InvalidMarginInput(
            "daily_drift_ppm", f"must be within +-10% a day, got {daily_drift_ppm}", "use 0"
        )
    rng = random.Random(seed)
    path = [price]
    with localcontext(MARGIN_CONTEXT):
        for _ in range(length - 1):
            z_ppm = sum(rng.randrange(PPM) for _ in range(_IRWIN_HALL_TERMS)) - 6 * PPM
            return_ppm = daily_drift_ppm + daily_volatility_ppm * z_ppm // PPM
            moved = price * (PPM + return_ppm) / PPM
            ticks = (moved / tick).to_integral_value(rounding=ROUND_HALF_EVEN)
            price = max(ticks, Decimal(1)) * tick
            path.append(price)
    return path
