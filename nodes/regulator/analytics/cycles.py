"""Temporal cycles: A → B → … → A with non-decreasing times, inside a window, similar amounts.

Round-tripping funds back to their origin through intermediaries is a classic layering
typology; too costly to search per transaction, so the regulator runs it over its own copy of
the chain. Each cycle instance is found exactly once, from its earliest leg: the search only
follows legs later (in time, then block order) than the one before, within ``cycle_window_ms``
of the first leg, and each hop's amount must be similar to the previous hop's (laundering
cycles lose a fee per hop, they do not change the order of magnitude). Instances through the
same accounts in the same order are merged into one alert.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from nodes.regulator.analytics.index import Leg, compute_out_legs, compute_time_order
from nodes.regulator.analytics.model import Alert, AnalyticsParams, Transfer, is_similar

CYCLE = "CYCLE"


def compute_cycle_alerts(transfers: Sequence[Transfer], params: AnalyticsParams) -> list[Alert]:
    """One alert per distinct cycle of accounts, with every transfer of every instance."""
    legs = compute_time_order(transfers)
    out = compute_out_legs(legs)
    keys = {account: [leg.key for leg in account_legs] for account, account_legs in out.items()}
    found: dict[tuple[str, ...], set[Leg]] = {}
    for first in legs:
        for path in _cycles_from(first, out, keys, params):
            accounts = tuple(leg.transfer.sender for leg in path)
            found.setdefault(_canonical_rotation(accounts), set()).update(path)
    alerts = []
    for accounts, evidence in found.items():
        ordered = sorted(evidence, key=lambda leg: leg.key)
        alerts.append(Alert(
            kind=CYCLE, accounts=accounts, tx_ids=tuple(leg.transfer.tx_id for leg in ordered),
            start_ms=ordered[0].transfer.time_ms, end_ms=ordered[-1].transfer.time_ms,
            amount=sum(leg.transfer.amount for leg in ordered),
            summary=f"{len(accounts)}-hop cycle {' -> '.join(accounts + accounts[:1])}",
        ))
    return alerts


def _cycles_from(
    first: Leg, out: dict[str, list[Leg]], keys: dict[str, list[tuple[int, int]]],
    params: AnalyticsParams,
) -> list[list[Leg]]:
    origin = first.transfer.sender
    deadline = first.transfer.time_ms + params.cycle_window_ms
    cycles: list[list[Leg]] = []
    seen: set[tuple[str, ...]] = set()
    budget = params.max_expansions
    # Depth-first over (path, accounts on it); an explicit stack keeps deep hubs off the C stack.
    stack: list[tuple[list[Leg], frozenset[str]]] = [([first], frozenset({origin}))]
    while stack and budget > 0:
        path, visited = stack.pop()
        last = path[-1]
        node = last.transfer.receiver
        node_legs = out.get(node)
        if not node_legs:
            continue
        start = bisect.bisect_right(keys[node], last.key)
        for leg in node_legs[start:]:
            budget -= 1
            t = leg.transfer
            if t.time_ms > deadline or budget <= 0:
                break
            if not is_similar(t.amount, last.transfer.amount, params.similar_pct):
                continue
            if t.receiver == origin:
                if len(path) + 1 >= params.cycle_min_hops:
                    accounts = tuple(p.transfer.sender for p in path) + (node,)
                    # The first instance per account sequence is enough evidence from this start.
                    if accounts not in seen:
                        seen.add(accounts)
                        cycles.append([*path, leg])
                continue
            if t.receiver in visited or len(path) + 1 >= params.cycle_max_hops:
                continue
            stack.append(([*path, leg], visited | {node}))
    return cycles


def _canonical_rotation(accounts: tuple[str, ...]) -> tuple[str, ...]:
    """The rotation starting at the smallest account id (same cycle, same key)."""
    start = accounts.index(min(accounts))
    return accounts[start:] + accounts[:start]
