"""Regulator orders that change what every later transaction is screened against (SPEC §6):
per-kind holding caps (parameter ``holding_caps``) and the sanctions / watch lists.

Screening itself is in ``ledger.enforcement.rules``; it runs at registration and on every mint,
redeem and transfer through ``ledger.rules.enforcement_hooks``.
"""

from __future__ import annotations

from typing import Any

from ledger.chain_state import LedgerState
from ledger.enforcement.model import OrderKind
from ledger.enforcement.orders import process_record_order, require_new_order_id
from ledger.errors import InvalidTransaction, Reason
from ledger.model import SanctionEntry
from ledger.rules.context import TxContext
from ledger.tx.bodies_enforcement import SetHoldingCapsBody, UpdateSanctionsBody
from ledger.types import format_ntd

HOLDING_CAPS_PARAM = "holding_caps"


def get_holding_caps(state: LedgerState) -> dict[str, int]:
    """Account kind -> cap in minor units (kinds without a cap are absent)."""
    caps: dict[str, Any] = state.params.get(HOLDING_CAPS_PARAM) or {}
    return {kind: int(cap) for kind, cap in caps.items() if int(cap) > 0}


def process_set_holding_caps(state: LedgerState, ctx: TxContext, body: SetHoldingCapsBody) -> None:
    require_new_order_id(state, body.order_id)
    caps = get_holding_caps(state)
    for kind, cap in body.caps.items():
        if cap == 0:
            caps.pop(kind.value, None)
        else:
            caps[kind.value] = cap
    # A new dict in sorted order: state values are never mutated in place.
    state.params.set(HOLDING_CAPS_PARAM, dict(sorted(caps.items())))
    changed = ", ".join(
        f"{kind.value}={format_ntd(cap) if cap else 'no cap'}"
        for kind, cap in sorted(body.caps.items())
    )
    process_record_order(
        state, ctx, kind=OrderKind.SET_HOLDING_CAPS, order_id=body.order_id,
        legal_basis=body.legal_basis, account="", effect=f"holding caps set: {changed}",
    )
    ctx.emit("holding_caps", "", 0, body.order_id)


def process_update_sanctions(
    state: LedgerState, ctx: TxContext, body: UpdateSanctionsBody
) -> None:
    require_new_order_id(state, body.order_id)
    # Removals first, so one order may re-list a key under its own order id (remove + add).
    for key in body.remove:
        entry = state.sanctions.get(key)
        # A removal must name the list the key is on, or it is a mistake.
        if entry is None or entry.list_name != body.list_name:
            where = f"it is on list {entry.list_name}" if entry else "it is on no list"
            raise InvalidTransaction(
                f"cannot remove {key} from list {body.list_name}: {where}", Reason.INVALID_STATE
            )
        state.sanctions.delete(key)
        ctx.emit("sanctions_remove", key, 0, body.list_name)
    for key in body.add:
        entry = state.sanctions.get(key)
        # A key is on at most one list; moving it needs an explicit removal.
        if entry is not None:
            raise InvalidTransaction(
                f"{key} is already on list {entry.list_name} (order {entry.order_id}); remove it "
                "there first",
                Reason.INVALID_STATE,
            )
        state.sanctions.set(key, SanctionEntry(key, body.list_name, body.order_id))
        ctx.emit("sanctions_add", key, 0, body.list_name)
    process_record_order(
        state, ctx, kind=OrderKind.UPDATE_SANCTIONS, order_id=body.order_id,
        legal_basis=body.legal_basis, account="",
        effect=f"list {body.list_name}: {len(body.add)} added, {len(body.remove)} removed",
    )
