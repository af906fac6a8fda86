"""Entry point the core rules call for every applied movement of funds; returns flags."""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.model import Account


def process_movement(
    state: LedgerState, time_ms: int, kind: str, sender: Account | None,
    receiver: Account | None, amount: int,
) -> list[str]:
    """Flags raised by one mint, redeem or transfer (LARGE_VALUE: a currency transaction report)."""
    flags: list[str] = []
    if amount >= int(state.get_param("aml_large_value")):
        flags.append("LARGE_VALUE")
    return flags
