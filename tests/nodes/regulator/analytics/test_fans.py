"""Long-window fans: ten distinct counterparties within seven days, one alert per episode."""

from __future__ import annotations

from nodes.regulator.analytics import AnalyticsParams, compute_fan_alerts
from tests.nodes.regulator.analytics.helpers import DAY, HOUR, tx

P = AnalyticsParams()
SPREAD_H = P.fan_window_ms / HOUR / 9  # ten transfers spread evenly over exactly the window


def test_slow_fan_in_over_seven_days():
    transfers = [tx(i, i * SPREAD_H, f"P{i}", "H", 1_000) for i in range(10)]
    (alert,) = compute_fan_alerts(transfers, P)
    assert alert.kind == "FAN_IN_LONG" and alert.accounts == ("H",)
    assert len(alert.tx_ids) == 10 and len(alert.counterparties) == 10


def test_nine_counterparties_or_a_longer_spread_is_no_fan():
    nine = [tx(i, i * SPREAD_H, f"P{i}", "H", 1_000) for i in range(9)]
    slower = [tx(i, i * SPREAD_H + (0.001 if i == 9 else 0), f"P{i}", "H", 1_000)
              for i in range(10)]
    assert compute_fan_alerts(nine, P) == []
    assert compute_fan_alerts(slower, P) == []


def test_fan_out_and_one_alert_per_episode():
    transfers = [tx(i, i, "H", f"Q{i % 12}", 1_000) for i in range(30)]
    alerts = compute_fan_alerts(transfers, P)
    assert [a.kind for a in alerts] == ["FAN_OUT_LONG"]
    later = [tx(100 + i, 30 * 24 + i, "H", f"Q{i}", 1_000) for i in range(10)]
    assert len(compute_fan_alerts(transfers + later, P)) == 2
    assert all(a.end_ms - a.start_ms <= 7 * DAY for a in compute_fan_alerts(transfers, P))
