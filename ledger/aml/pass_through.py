"""PASS_THROUGH (SPEC §6): at least ``pct`` percent of a large inflow leaves again within the
window (money mule, rapid movement of funds).

A credit of at least ``aml_pass_through_min_inflow`` opens a pending inflow. Later debits of the
same account are attributed to pending inflows oldest first (money in, money out), each inflow
taking at most its own amount; the debit that lifts an inflow's passed-on share to ``pct`` is
flagged and closes that inflow. Inflows older than the window are dropped on every touch.
"""

from __future__ import annotations

from ledger.aml.params import AmlConfig

Inflows = tuple[tuple[int, int, int], ...]

MAX_PENDING_INFLOWS = 8
"""Pending large inflows kept per account; beyond this the oldest is dropped. Eight reportable
inflows inside one window already make the account a FAN_IN/VELOCITY case on their own."""


def _live(inflows: Inflows, time_ms: int, cfg: AmlConfig) -> Inflows:
    if not inflows:
        return inflows
    window = cfg.pass_through_window_ms
    return tuple(e for e in inflows if time_ms - e[0] <= window)


def compute_inflow(inflows: Inflows, time_ms: int, amount: int, cfg: AmlConfig) -> Inflows:
    """Pending inflows after a credit of ``amount`` (opens one if the credit is large)."""
    live = _live(inflows, time_ms, cfg)
    if amount < cfg.pass_through_min_inflow:
        return live
    return (live + ((time_ms, amount, 0),))[-MAX_PENDING_INFLOWS:]


def compute_outflow(
    inflows: Inflows, time_ms: int, amount: int, cfg: AmlConfig
) -> tuple[Inflows, bool]:
    """Pending inflows after a debit of ``amount`` and whether it completes a pass-through."""
    if not inflows:
        return inflows, False
    left = amount
    fired = False
    kept: list[tuple[int, int, int]] = []
    for opened_ms, inflow, passed in _live(inflows, time_ms, cfg):
        if left > 0:
            take = min(left, inflow - passed)
            passed += take
            left -= take
            if passed * 100 >= inflow * cfg.pass_through_pct:
                fired = True
                continue
        kept.append((opened_ms, inflow, passed))
    return tuple(kept), fired
