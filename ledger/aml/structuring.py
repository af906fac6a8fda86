"""STRUCTURING (SPEC §6): splitting a reportable amount into sub-threshold pieces.

Several transactions from one holder (or to one beneficiary), each within ``band`` percent below
the large-value threshold T (``T·(100−band)/100 ≤ amount < T``), that together reach T within
the window. The flag goes on the transaction that completes the pattern: the first one after
which the condition holds when it did not hold just before.
"""

from __future__ import annotations

from ledger.aml.params import AmlConfig

Entries = tuple[tuple[int, int], ...]


def is_near_threshold(amount: int, cfg: AmlConfig) -> bool:
    """``amount`` is below the threshold by at most the structuring band (integer arithmetic)."""
    threshold = cfg.large_value
    return amount < threshold and amount * 100 >= threshold * (100 - cfg.structuring_band_pct)


def compute_structuring_capacity(cfg: AmlConfig) -> int:
    """Entries to keep so the condition is exact: enough pieces to reach T and the min count."""
    band = cfg.structuring_band_pct
    # Each piece is at least (100−band)% of T, so ceil(100/(100−band)) pieces always reach T.
    pieces_to_reach = -(-100 // (100 - band))
    return max(cfg.structuring_min_count, pieces_to_reach)


def is_structured(entries: Entries, cfg: AmlConfig) -> bool:
    """The pieces in ``entries`` (all inside the window) are enough and reach the threshold."""
    return (len(entries) >= cfg.structuring_min_count
            and sum(amount for _, amount in entries) >= cfg.large_value)


def compute_structuring(
    entries: Entries, time_ms: int, amount: int, cfg: AmlConfig
) -> tuple[Entries, bool]:
    """Entries after this movement (pruned to the window) and whether it completes the pattern."""
    if not entries and not is_near_threshold(amount, cfg):
        return entries, False
    window = cfg.structuring_window_ms
    live = tuple(e for e in entries if time_ms - e[0] <= window)
    if not is_near_threshold(amount, cfg):
        return live, False
    before = is_structured(live, cfg)
    after_entries = (live + ((time_ms, amount),))[-compute_structuring_capacity(cfg):]
    return after_entries, is_structured(after_entries, cfg) and not before
