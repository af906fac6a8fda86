"""The enforcement module's contributions to the core registries (``ledger.extensions``):
its order kinds, its block-start hook and its genesis hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.enforcement.custody import process_create_court_custody
from ledger.enforcement.freezes import process_freeze, process_seize, process_unfreeze
from ledger.enforcement.holds import process_confirm_hold, process_hold_lapses, process_police_hold
from ledger.enforcement.lists import process_set_holding_caps, process_update_sanctions

PROCESSORS: dict[str, Callable[[Any, Any, Any], None]] = {
    "police_hold": process_police_hold,
    "confirm_hold": process_confirm_hold,
    "freeze": process_freeze,
    "unfreeze": process_unfreeze,
    "seize": process_seize,
    "set_holding_caps": process_set_holding_caps,
    "update_sanctions": process_update_sanctions,
}

BLOCK_START_HOOKS: tuple[Callable[[Any, int, int], None], ...] = (process_hold_lapses,)
GENESIS_HOOKS: tuple[Callable[[Any], None], ...] = (process_create_court_custody,)
