"""PROBING (SPEC §6, anti-fraud): many tiny transfers to new counterparties, the way a fraudster
tests which accounts are live before using them: at least ``aml_probing_count`` transfers of at
most ``aml_probing_max_amount``, each to a different payee the sender has not paid before,
within ``aml_probing_window_ms``.

"Not paid before" means not among the sender's remembered payees (the FAN_OUT ring: its most
recent distinct payees), a bounded memory. Flagged on the transfer that reaches the count.
"""

from __future__ import annotations

from ledger.aml.params import AmlConfig
from ledger.aml.profile import Ring, compute_ring_update, is_known_key


def compute_probing(
    probes: Ring, payees: Ring, payee: int, time_ms: int, amount: int, cfg: AmlConfig
) -> tuple[Ring, bool]:
    """Probe ring after a transfer to ``payee`` (pruned to the window) and whether it completes."""
    window, need = cfg.probing_window_ms, cfg.probing_count
    live = tuple(e for e in probes if time_ms - e[1] <= window) if probes else probes
    if amount > cfg.probing_max_amount or is_known_key(payees, payee):
        return live, False
    after = compute_ring_update(live, payee, time_ms, need)
    return after, len(after) >= need and len(live) < need
