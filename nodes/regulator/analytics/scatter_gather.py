"""Scatter-gather and gather-scatter: funds split across intermediaries and joined again.

- SCATTER_GATHER: one source pays at least ``scatter_min_paths`` distinct intermediaries, and
  each of them passes a similar amount on to the same sink, all within ``scatter_window_ms``.
  Implicates the source, the sink and the intermediaries (every one of them moved the funds).
- GATHER_SCATTER: one hub receives from at least ``gather_min_parties`` distinct payers, then
  pays at least as many distinct payees, and passes on at least ``gather_pass_pct``% of what it
  gathered, all within ``gather_window_ms`` of the first inflow. Implicates the hub; its payers
  and payees are listed as counterparties.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence

from nodes.regulator.analytics.index import (
    Leg,
    compute_in_legs,
    compute_out_legs,
    compute_time_order,
)
from nodes.regulator.analytics.model import Alert, AnalyticsParams, Transfer, is_similar

SCATTER_GATHER = "SCATTER_GATHER"
GATHER_SCATTER = "GATHER_SCATTER"

_Path = tuple[Leg, Leg]
"""(source → intermediary, intermediary → sink)."""


def compute_scatter_gather_alerts(
    transfers: Sequence[Transfer], params: AnalyticsParams
) -> list[Alert]:
    """Alerts for sources and sinks joined by enough parallel two-hop paths."""
    legs = compute_time_order(transfers)
    into = compute_in_legs(legs)
    in_keys = {account: [leg.key for leg in account_legs] for account, account_legs in into.items()}
    window = params.scatter_window_ms
    paths: dict[tuple[str, str], list[_Path]] = defaultdict(list)
    for second in legs:
        middle, sink = second.transfer.sender, second.transfer.receiver
        middle_in = into.get(middle)
        if not middle_in:
            continue
        low = bisect.bisect_left(in_keys[middle], (second.transfer.time_ms - window, -1))
        high = bisect.bisect_left(in_keys[middle], second.key)
        for first in middle_in[low:high]:
            source = first.transfer.sender
            if source == sink:
                continue
            if is_similar(first.transfer.amount, second.transfer.amount, params.similar_pct):
                paths[(source, sink)].append((first, second))
    alerts = []
    for (source, sink), found in paths.items():
        if len({p[0].transfer.receiver for p in found}) < params.scatter_min_paths:
            continue
        alerts.extend(_scatter_alerts(source, sink, found, params))
    return alerts


def _scatter_alerts(source: str, sink: str, found: list[_Path],
                    params: AnalyticsParams) -> list[Alert]:
    found.sort(key=lambda p: (p[0].key, p[1].key))
    alerts = []
    i = 0
    while i < len(found):
        start = found[i][0].transfer.time_ms
        end = start + params.scatter_window_ms
        chosen: dict[str, _Path] = {}
        j = i
        while j < len(found) and found[j][0].transfer.time_ms <= end:
            first, second = found[j]
            if second.transfer.time_ms <= end:
                chosen.setdefault(first.transfer.receiver, found[j])
            j += 1
        if len(chosen) < params.scatter_min_paths:
            i += 1
            continue
        middles = tuple(sorted(chosen))
        evidence = sorted({leg for path in chosen.values() for leg in path}, key=lambda g: g.key)
        alerts.append(Alert(
            kind=SCATTER_GATHER, accounts=(source, sink, *middles),
            tx_ids=tuple(g.transfer.tx_id for g in evidence),
            start_ms=evidence[0].transfer.time_ms, end_ms=evidence[-1].transfer.time_ms,
            amount=sum(p[0].transfer.amount for p in chosen.values()),
            summary=f"{source} -> {len(middles)} intermediaries -> {sink}",
        ))
        i = j  # the next alert starts after this window's paths
    return alerts


def compute_gather_scatter_alerts(
    transfers: Sequence[Transfer], params: AnalyticsParams
) -> list[Alert]:
    """Alerts for hubs that gather from many payers and scatter to many payees."""
    legs = compute_time_order(transfers)
    into, out = compute_in_legs(legs), compute_out_legs(legs)
    need = params.gather_min_parties
    alerts = []
    for hub in sorted(set(into) & set(out)):
        ins, outs = into[hub], out[hub]
        if (len({g.transfer.sender for g in ins}) < need
                or len({g.transfer.receiver for g in outs}) < need):
            continue
        out_keys = [g.key for g in outs]
        i = 0
        while i < len(ins):
            alert, resume = _gather_scatter_at(hub, ins, i, outs, out_keys, params)
            if alert is None:
                i += 1
                continue
            alerts.append(alert)
            i = resume
    return alerts


def _gather_scatter_at(
    hub: str, ins: list[Leg], i: int, outs: list[Leg], out_keys: list[tuple[int, int]],
    params: AnalyticsParams,
) -> tuple[Alert | None, int]:
    need = params.gather_min_parties
    end = ins[i].transfer.time_ms + params.gather_window_ms
    payers: dict[str, Leg] = {}
    gathered = 0
    j = i
    # Gather: inflows from the window's start until `need` distinct payers have paid in.
    while j < len(ins) and ins[j].transfer.time_ms <= end and len(payers) < need:
        payers.setdefault(ins[j].transfer.sender, ins[j])
        gathered += ins[j].transfer.amount
        j += 1
    if len(payers) < need:
        return None, i + 1
    gather_legs = ins[i:j]
    payees: dict[str, Leg] = {}
    scattered = 0
    scatter_legs: list[Leg] = []
    # Scatter: outflows after the gather completed, until enough payees and enough money left.
    for leg in outs[bisect.bisect_right(out_keys, ins[j - 1].key):]:
        if leg.transfer.time_ms > end:
            break
        payees.setdefault(leg.transfer.receiver, leg)
        scattered += leg.transfer.amount
        scatter_legs.append(leg)
        if len(payees) >= need and scattered * 100 >= gathered * params.gather_pass_pct:
            evidence = gather_legs + scatter_legs
            resume = j
            while resume < len(ins) and ins[resume].transfer.time_ms <= leg.transfer.time_ms:
                resume += 1
            return Alert(
                kind=GATHER_SCATTER, accounts=(hub,),
                tx_ids=tuple(g.transfer.tx_id for g in evidence),
                start_ms=gather_legs[0].transfer.time_ms, end_ms=leg.transfer.time_ms,
                amount=gathered,
                summary=(f"{hub} gathered {gathered} from {len(payers)} payers and scattered "
                         f"{scattered} to {len(payees)} payees"),
                counterparties=tuple(sorted(set(payers) | set(payees))),
            ), resume
    return None, i + 1
