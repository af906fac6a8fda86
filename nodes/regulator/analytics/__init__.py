"""Regulator-side graph analytics over the observer's own copy of the chain (SPEC §6).

Typologies too costly to run per transaction inside the state transition: temporal cycles,
scatter-gather, gather-scatter and long-window fans. Every function is pure: a list of
``Transfer`` in, a list of ``Alert`` (with the transfer ids that make the evidence) out.
"""

from __future__ import annotations

from collections.abc import Sequence

from nodes.regulator.analytics.cycles import CYCLE, compute_cycle_alerts
from nodes.regulator.analytics.fans import FAN_IN_LONG, FAN_OUT_LONG, compute_fan_alerts
from nodes.regulator.analytics.model import Alert, AnalyticsParams, Transfer
from nodes.regulator.analytics.scatter_gather import (
    GATHER_SCATTER,
    SCATTER_GATHER,
    compute_gather_scatter_alerts,
    compute_scatter_gather_alerts,
)

ALERT_KINDS = (CYCLE, SCATTER_GATHER, GATHER_SCATTER, FAN_IN_LONG, FAN_OUT_LONG)

__all__ = [
    "ALERT_KINDS", "Alert", "AnalyticsParams", "Transfer", "compute_alerts",
    "compute_cycle_alerts", "compute_fan_alerts", "compute_gather_scatter_alerts",
    "compute_scatter_gather_alerts",
]


def compute_alerts(transfers: Sequence[Transfer],
                   params: AnalyticsParams | None = None) -> list[Alert]:
    """Every analytic over ``transfers``, ordered by start time, kind and accounts."""
    params = params or AnalyticsParams()
    alerts = [
        *compute_cycle_alerts(transfers, params),
        *compute_scatter_gather_alerts(transfers, params),
        *compute_gather_scatter_alerts(transfers, params),
        *compute_fan_alerts(transfers, params),
    ]
    return sorted(alerts, key=lambda a: (a.start_ms, a.kind, a.accounts, a.tx_ids))
