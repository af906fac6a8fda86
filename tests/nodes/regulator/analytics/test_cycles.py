"""Temporal cycles: found with their evidence; refused when out of order, too slow, too short or
with dissimilar amounts."""

from __future__ import annotations

from nodes.regulator.analytics import AnalyticsParams, compute_cycle_alerts
from tests.nodes.regulator.analytics.helpers import DAY, HOUR, T0, tx

P = AnalyticsParams()


def test_three_hop_cycle_with_fees_is_one_alert_with_its_evidence():
    transfers = [tx(1, 0, "A", "B", 100_000), tx(2, 5, "B", "C", 95_000),
                 tx(3, 30, "C", "A", 90_000), tx(4, 31, "A", "X", 90_000)]
    (alert,) = compute_cycle_alerts(transfers, P)
    assert alert.kind == "CYCLE"
    assert alert.accounts == ("A", "B", "C")
    assert alert.tx_ids == ("t1", "t2", "t3")
    assert (alert.start_ms, alert.end_ms) == (T0, T0 + 30 * HOUR)
    assert alert.amount == 285_000


def test_times_must_not_decrease_along_the_cycle():
    transfers = [tx(1, 10, "A", "B", 100_000), tx(2, 5, "B", "C", 100_000),
                 tx(3, 20, "C", "A", 100_000)]
    assert compute_cycle_alerts(transfers, P) == []


def test_equal_times_follow_input_order():
    transfers = [tx(1, 0, "A", "B", 100_000), tx(2, 0, "B", "C", 100_000),
                 tx(3, 0, "C", "A", 100_000)]
    assert len(compute_cycle_alerts(transfers, P)) == 1


def test_window_is_inclusive():
    at_edge = [tx(1, 0, "A", "B", 100), tx(2, 1, "B", "C", 100),
               tx(3, P.cycle_window_ms / HOUR, "C", "A", 100)]
    beyond = [*at_edge[:2], tx(3, P.cycle_window_ms / HOUR + 1 / HOUR, "C", "A", 100)]
    assert len(compute_cycle_alerts(at_edge, P)) == 1
    assert compute_cycle_alerts(beyond, P) == []


def test_amounts_must_be_similar_hop_to_hop():
    # 80% of the previous hop is similar; just below is not.
    assert len(compute_cycle_alerts([tx(1, 0, "A", "B", 1000), tx(2, 1, "B", "C", 800),
                                     tx(3, 2, "C", "A", 640)], P)) == 1
    assert compute_cycle_alerts([tx(1, 0, "A", "B", 1000), tx(2, 1, "B", "C", 799),
                                 tx(3, 2, "C", "A", 799)], P) == []


def test_round_trip_of_two_hops_is_below_the_minimum():
    assert compute_cycle_alerts([tx(1, 0, "A", "B", 100), tx(2, 1, "B", "A", 100)], P) == []


def test_six_hops_found_seven_not():
    ring6 = ["A", "B", "C", "D", "E", "F"]
    six = [tx(i, i, ring6[i], ring6[(i + 1) % 6], 100) for i in range(6)]
    ring7 = [*ring6, "G"]
    seven = [tx(i, i, ring7[i], ring7[(i + 1) % 7], 100) for i in range(7)]
    assert [a.accounts for a in compute_cycle_alerts(six, P)] == [tuple(ring6)]
    assert compute_cycle_alerts(seven, P) == []


def test_repeated_instances_merge_into_one_alert():
    transfers = []
    for day in range(3):
        base = day * 24
        transfers += [tx(10 * day + 1, base, "B", "C", 100),
                      tx(10 * day + 2, base + 1, "C", "A", 100),
                      tx(10 * day + 3, base + 2, "A", "B", 100)]
    alerts = compute_cycle_alerts(transfers, P)
    assert len(alerts) == 1
    assert alerts[0].accounts == ("A", "B", "C")
    assert len(alerts[0].tx_ids) == 9  # every instance, whichever account it starts from
    assert alerts[0].end_ms - alerts[0].start_ms <= 3 * DAY
