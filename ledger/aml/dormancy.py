"""DORMANT_REACTIVATION (SPEC §6): an account idle for at least ``aml_dormant_idle_ms`` (180
days) moves at least ``aml_dormant_amount`` (NT$100,000, in and out together) within
``aml_dormant_window_ms`` (48 h) of waking up.

The first movement after the idle period opens the window; the movement that lifts the amount
moved in it to the threshold is flagged (once per reactivation). An account's first movement
ever does not count as a reactivation: the rule measures idleness from the previous movement.
"""

from __future__ import annotations

from ledger.aml.params import AmlConfig


def compute_dormancy(
    last_move_ms: int, wake_ms: int, wake_moved: int, time_ms: int, amount: int, cfg: AmlConfig
) -> tuple[int, int, bool]:
    """(wake_ms, wake_moved) after this movement and whether it completes a reactivation."""
    if last_move_ms >= 0 and time_ms - last_move_ms >= cfg.dormant_idle_ms:
        wake_ms, wake_moved = time_ms, 0
    if wake_ms < 0 or time_ms - wake_ms > cfg.dormant_window_ms:
        return -1, 0, False
    moved = wake_moved + amount
    return wake_ms, moved, wake_moved < cfg.dormant_amount <= moved
