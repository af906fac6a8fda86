"""Scatter-gather and gather-scatter at, below and above their counts, windows and shares."""

from __future__ import annotations

from nodes.regulator.analytics import (
    AnalyticsParams,
    compute_gather_scatter_alerts,
    compute_scatter_gather_alerts,
)
from tests.nodes.regulator.analytics.helpers import HOUR, tx

P = AnalyticsParams()


def _scatter(middles: list[str], out_amount: int = 9_500, last_hours: float = 48) -> list:
    transfers = []
    for i, m in enumerate(middles):
        transfers.append(tx(2 * i, i, "S", m, 10_000))
        transfers.append(tx(2 * i + 1, last_hours if i == len(middles) - 1 else 24 + i, m, "T",
                            out_amount))
    return transfers


def test_three_intermediaries_to_one_sink():
    (alert,) = compute_scatter_gather_alerts(_scatter(["M1", "M2", "M3"]), P)
    assert alert.kind == "SCATTER_GATHER"
    assert alert.accounts == ("S", "T", "M1", "M2", "M3")
    assert sorted(alert.tx_ids) == sorted(f"t{i}" for i in range(6))


def test_two_intermediaries_are_not_enough():
    assert compute_scatter_gather_alerts(_scatter(["M1", "M2"]), P) == []


def test_forwarded_amounts_must_be_similar():
    assert compute_scatter_gather_alerts(_scatter(["M1", "M2", "M3"], out_amount=7_999), P) == []


def test_all_paths_inside_the_window():
    window_h = P.scatter_window_ms / HOUR
    assert len(compute_scatter_gather_alerts(
        _scatter(["M1", "M2", "M3"], last_hours=window_h), P)) == 1
    assert compute_scatter_gather_alerts(
        _scatter(["M1", "M2", "M3"], last_hours=window_h + 1), P) == []


def test_forward_before_the_receipt_is_not_a_path():
    transfers = [tx(1, 10, "S", "M1", 100), tx(2, 5, "M1", "T", 100),
                 tx(3, 10, "S", "M2", 100), tx(4, 11, "M2", "T", 100),
                 tx(5, 10, "S", "M3", 100), tx(6, 11, "M3", "T", 100)]
    assert compute_scatter_gather_alerts(transfers, P) == []


def _gather(payers: int, payees: int, out_each: int = 10_000, in_each: int = 10_000) -> list:
    transfers = [tx(i, i, f"P{i}", "H", in_each) for i in range(payers)]
    transfers += [tx(100 + j, payers + j, "H", f"Q{j}", out_each) for j in range(payees)]
    return transfers


def test_hub_gathers_from_five_and_scatters_to_five():
    (alert,) = compute_gather_scatter_alerts(_gather(5, 5), P)
    assert alert.kind == "GATHER_SCATTER"
    assert alert.accounts == ("H",)
    assert set(alert.counterparties) == {f"P{i}" for i in range(5)} | {f"Q{j}" for j in range(5)}
    assert len(alert.tx_ids) == 10


def test_four_either_side_is_not_enough():
    assert compute_gather_scatter_alerts(_gather(4, 5), P) == []
    assert compute_gather_scatter_alerts(_gather(5, 4), P) == []


def test_hub_must_pass_on_80_percent():
    # 5 × 8,000 = 80% of 5 × 10,000 passes; one minor unit less does not.
    assert len(compute_gather_scatter_alerts(_gather(5, 5, out_each=8_000), P)) == 1
    transfers = _gather(5, 5, out_each=8_000)
    transfers[-1] = tx(104, 9, "H", "Q4", 7_999)
    assert compute_gather_scatter_alerts(transfers, P) == []


def test_scatter_after_the_window_does_not_count():
    transfers = _gather(5, 4)
    transfers.append(tx(200, P.gather_window_ms / HOUR + 0.001, "H", "Q9", 10_000))
    assert compute_gather_scatter_alerts(transfers, P) == []
