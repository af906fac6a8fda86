"""The collateral module's contributions to the core registries (``ledger.extensions``): its
transaction kinds and its block-start hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.collateral.calls import process_call_deadlines
from ledger.collateral.liquidation import process_liquidate
from ledger.collateral.margin import process_post_requirement, process_set_haircut
from ledger.collateral.pledges import process_pledge, process_release
from ledger.collateral.settlement import process_variation_settlement

PROCESSORS: dict[str, Callable[[Any, Any, Any], None]] = {
    "pledge": process_pledge,
    "release": process_release,
    "set_haircut": process_set_haircut,
    "post_requirement": process_post_requirement,
    "liquidate": process_liquidate,
    "variation_settlement": process_variation_settlement,
}

BLOCK_START_HOOKS: tuple[Callable[[Any, int, int], None], ...] = (process_call_deadlines,)
