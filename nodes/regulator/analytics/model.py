"""What the regulator analytics read and produce: transfers in, alerts with evidence out.

The analytics are pure functions over a list of ``Transfer`` (the observer node builds it from
its own copy of the chain; ``ntdc aml-replay`` builds it from a CSV). No database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class Transfer:
    """One applied transfer: id, block time, payer, payee and amount in minor units."""

    tx_id: str
    time_ms: int
    sender: str
    receiver: str
    amount: int


@dataclass(frozen=True, slots=True)
class Alert:
    """One typology found in the transfers, with the transfers that make the evidence.

    ``accounts`` are the accounts the typology implicates (its subject); ``counterparties``
    took part but are not implicated by the typology itself (e.g. the many payers of a fan-in).
    """

    kind: str
    accounts: tuple[str, ...]
    tx_ids: tuple[str, ...]
    start_ms: int
    end_ms: int
    amount: int
    """Total amount of the evidence transfers, in minor units."""
    summary: str
    counterparties: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalyticsParams:
    """Thresholds of the regulator analytics; the reasoning for each default is in docs/aml.md."""

    cycle_window_ms: int = 14 * DAY_MS
    cycle_min_hops: int = 3
    cycle_max_hops: int = 6
    similar_pct: int = 20
    """Two legs are "similar" when the smaller is at least (100 − similar_pct)% of the larger."""
    scatter_window_ms: int = 14 * DAY_MS
    scatter_min_paths: int = 3
    """Distinct intermediaries between one source and one sink (scatter-gather)."""
    gather_window_ms: int = 7 * DAY_MS
    gather_min_parties: int = 5
    """Distinct payers gathered and distinct payees scattered by one hub (gather-scatter)."""
    gather_pass_pct: int = 80
    """Share of the gathered amount the hub must scatter again."""
    fan_window_ms: int = 7 * DAY_MS
    fan_min_parties: int = 10
    max_expansions: int = 20_000
    """Work bound per search start in the cycle search (a hub cannot stall the observer)."""


def is_similar(a: int, b: int, pct: int) -> bool:
    """The smaller amount is at least (100 − pct)% of the larger (integer arithmetic)."""
    low, high = (a, b) if a <= b else (b, a)
    return low * 100 >= high * (100 - pct)
