"""The price histories behind HS-ES: one daily series per underlying, aligned by business day.

HS-ES takes the relative 2-day moves of the last 1,250 business days of each underlying and
applies them to today's price, so a history matters only through its returns. Two sources:

* ``seeded`` (default): generated, integer-only random walks (``compute_seeded_price_path``),
  one per underlying with its own seed and volatility: TAIEX 1.2% a day from 17,000 points, and
  Bitcoin 3.5% a day from NT$3,000,000. A seed names a path forever, so a margin figure can be
  reproduced by anyone. TX and MTX share the TAIEX path (same underlying, fully correlated);
  Bitcoin is independent of it.
* ``wti``: the real WTI Cushing daily closes of 2011-2019 shipped in ``nodes/clearing/data``
  (U.S. EIA, public domain), its last 1,252 days as every underlying's history: a real, fat-tailed
  series with the 2014-2016 oil crash, for demonstrations. It is not TAIEX or Bitcoin data and
  must not margin a real member.

Neither is a TAIFEX or exchange data feed; a production CCP would load its own settlement
history here (the only interface the service needs is ``PriceHistories``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from nodes.clearing.margin import (
    CONTRACTS,
    ContractCode,
    compute_seeded_price_path,
    load_wti_daily_closes,
)
from nodes.clearing.margin.errors import InvalidMarginInput

HISTORY_SOURCES = ("seeded", "wti")
SEEDED_PATHS = {
    # underlying: (seed, start price, daily volatility in ppm)
    "TAIEX": (20_260_101, Decimal(17_000), 12_000),
    "BTC": (20_260_102, Decimal(3_000_000), 35_000),
}


@dataclass(frozen=True, slots=True)
class PriceHistories:
    """Daily prices per underlying, oldest first, all of the same length."""

    source: str
    description: str
    by_underlying: dict[str, tuple[Decimal, ...]]

    def get_contract_histories(self) -> dict[ContractCode, Sequence[Decimal]]:
        """Each known contract's history (its underlying's series)."""
        return {code: self.by_underlying[contract.underlying]
                for code, contract in CONTRACTS.items()
                if contract.underlying in self.by_underlying}

    def describe(self) -> dict[str, object]:
        """JSON-ready summary (source, length, first and last price per underlying)."""
        return {
            "source": self.source, "description": self.description,
            "days": len(next(iter(self.by_underlying.values()), ())),
            "underlyings": {name: {"first": str(series[0]), "last": str(series[-1])}
                            for name, series in sorted(self.by_underlying.items())},
        }


def compute_seeded_histories(length: int) -> PriceHistories:
    """Generated histories of ``length`` days per underlying (see ``SEEDED_PATHS``)."""
    by_underlying = {
        name: tuple(compute_seeded_price_path(seed, start_price=start, length=length,
                                              daily_volatility_ppm=vol, tick_size=Decimal(1)))
        for name, (seed, start, vol) in SEEDED_PATHS.items()
    }
    description = "; ".join(
        f"{name}: seeded random walk, seed {seed}, {vol / 10_000:.2f}% daily volatility from "
        f"{start}" for name, (seed, start, vol) in SEEDED_PATHS.items())
    return PriceHistories("seeded", description, by_underlying)


def load_wti_histories(length: int) -> PriceHistories:
    """The last ``length`` WTI closes as the history of every underlying."""
    closes = load_wti_daily_closes()
    if len(closes) < length:
        raise InvalidMarginInput("history", f"the WTI series has {len(closes)} days",
                                 f"HS-ES needs {length}; shorten the lookback")
    window = closes[-length:]
    series = tuple(c.close for c in window)
    description = (f"WTI Cushing daily closes {window[0].day} to {window[-1].day} (U.S. EIA, "
                   "public domain) as every underlying's returns; demonstration only")
    return PriceHistories("wti", description, {name: series for name in SEEDED_PATHS})


def load_histories(source: str, length: int) -> PriceHistories:
    """Histories from ``source`` (``seeded`` or ``wti``), ``length`` days each."""
    if source == "seeded":
        return compute_seeded_histories(length)
    if source == "wti":
        return load_wti_histories(length)
    raise InvalidMarginInput("history", f"unknown source {source!r}",
                             f"use one of {', '.join(HISTORY_SOURCES)}")
