"""Fan-in / fan-out over a longer window than the on-chain rule (slow fans that stay under the
24 h FAN_IN/FAN_OUT rule): at least ``fan_min_parties`` distinct payers into, or payees out of,
one account within ``fan_window_ms``. One alert per episode (the window reaching the count after
it was below it); the evidence is the latest transfer with each counterparty in the window."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from nodes.regulator.analytics.index import (
    Leg,
    compute_in_legs,
    compute_out_legs,
    compute_time_order,
)
from nodes.regulator.analytics.model import Alert, AnalyticsParams, Transfer

FAN_IN_LONG = "FAN_IN_LONG"
FAN_OUT_LONG = "FAN_OUT_LONG"


def compute_fan_alerts(transfers: Sequence[Transfer], params: AnalyticsParams) -> list[Alert]:
    """Long-window fan-in and fan-out alerts."""
    legs = compute_time_order(transfers)
    alerts = []
    for hub, hub_legs in compute_in_legs(legs).items():
        alerts.extend(_fans(hub, hub_legs, lambda t: t.sender, FAN_IN_LONG, params))
    for hub, hub_legs in compute_out_legs(legs).items():
        alerts.extend(_fans(hub, hub_legs, lambda t: t.receiver, FAN_OUT_LONG, params))
    return alerts


def _fans(hub: str, legs: list[Leg], party_of: Callable[[Transfer], str], kind: str,
          params: AnalyticsParams) -> list[Alert]:
    need, window = params.fan_min_parties, params.fan_window_ms
    if len({party_of(g.transfer) for g in legs}) < need:
        return []
    alerts = []
    counts: Counter[str] = Counter()
    left = 0
    active = False
    for right, leg in enumerate(legs):
        counts[party_of(leg.transfer)] += 1
        now = leg.transfer.time_ms
        while now - legs[left].transfer.time_ms > window:
            gone = party_of(legs[left].transfer)
            counts[gone] -= 1
            if not counts[gone]:
                del counts[gone]
            left += 1
        if len(counts) < need:
            active = False
            continue
        if active:
            continue
        active = True
        latest: dict[str, Leg] = {}
        for g in legs[left:right + 1]:
            latest[party_of(g.transfer)] = g
        evidence = sorted(latest.values(), key=lambda g: g.key)
        alerts.append(Alert(
            kind=kind, accounts=(hub,), tx_ids=tuple(g.transfer.tx_id for g in evidence),
            start_ms=evidence[0].transfer.time_ms, end_ms=now,
            amount=sum(g.transfer.amount for g in evidence),
            summary=f"{hub}: {len(counts)} distinct counterparties within the window",
            counterparties=tuple(sorted(latest)),
        ))
    return alerts
