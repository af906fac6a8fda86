"""FAN_IN / FAN_OUT (SPEC §6): at least N distinct counterparties pay into (FAN_IN) or are paid
by (FAN_OUT) one account within the window.

Kept exactly with a ring of the N most recently seen distinct counterparties (see
``ledger.aml.profile``). The flag goes on the transfer after which the condition holds when it
did not hold just before, so a sustained fan raises one flag, and a new one only after it lapses.
"""

from __future__ import annotations

from ledger.aml.profile import Ring, compute_ring_update, is_ring_full_within


def compute_fan(
    ring: Ring, counterparty: int, time_ms: int, need: int, window_ms: int
) -> tuple[Ring, bool]:
    """The ring after a transfer with ``counterparty`` and whether it completes the fan."""
    before = is_ring_full_within(ring, need, time_ms, window_ms)
    after = compute_ring_update(ring, counterparty, time_ms, need)
    return after, is_ring_full_within(after, need, time_ms, window_ms) and not before
