"""VELOCITY (SPEC §6): unusually many transfers in a short window, measured two ways
(defaults and their reasoning in docs/aml.md):

- one account: at least ``aml_velocity_count`` movements (mints, redeems, transfers; sent or
  received) within ``aml_velocity_window_ms`` — scripted activity, an account being cycled;
- one payer and one payee: at least ``aml_velocity_pair_count`` transfers from the same payer
  to the same payee within ``aml_velocity_pair_window_ms`` — one payment split into several,
  the way fraud victims are told to get around per-transfer limits and launderers keep each
  piece small. Implicates both parties.

Each is flagged on the movement that reaches its count when it was not reached just before.
"""

from __future__ import annotations

from ledger.aml.params import AmlConfig
from ledger.aml.profile import Ring, compute_live_times

MAX_PAIR_MOVES = 32
"""Outgoing transfers remembered for the pair count. Exact while a payer makes at most this many
transfers inside the pair window; beyond that the oldest are forgotten (a payer that busy is
an account-level VELOCITY case already when it happens within the hour)."""


def compute_velocity(
    moves: tuple[int, ...], time_ms: int, cfg: AmlConfig
) -> tuple[tuple[int, ...], bool]:
    """Movement times after this one (pruned to the window) and whether it reaches the count."""
    window, need = cfg.velocity_window_ms, cfg.velocity_count
    live = compute_live_times(moves, time_ms, window)
    before = len(live) >= need
    after = (live + (time_ms,))[-need:]
    return after, len(after) >= need and not before


def compute_pair_velocity(
    pair_moves: Ring, payee: int, time_ms: int, cfg: AmlConfig
) -> tuple[Ring, bool]:
    """(payee, time) of recent transfers after this one, and whether it reaches the pair count."""
    window, need = cfg.velocity_pair_window_ms, cfg.velocity_pair_count
    start = 0
    while start < len(pair_moves) and time_ms - pair_moves[start][1] > window:
        start += 1
    live = pair_moves[start:] if start else pair_moves
    before = sum(1 for entry in live if entry[0] == payee)
    after = (live + ((payee, time_ms),))[-MAX_PAIR_MOVES:]
    return after, before == need - 1
