"""set_haircut and post_requirement: the CCP's valuation parameter and members' requirements.

Both change what a member's collateral must cover, so both re-run the margin-call rule
(``ledger.collateral.calls``) for every member they affect, in the same transaction.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.collateral.calls import (
    process_default_end,
    process_margin_status,
    process_member_record,
)
from ledger.collateral.model import HaircutRecord
from ledger.collateral.valuation import is_member_account
from ledger.errors import InvalidTransaction, Reason
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.tx.bodies_collateral import PostRequirement, SetHaircut


def process_set_haircut(state: LedgerState, ctx: TxContext, body: SetHaircut) -> None:
    """Set the haircut of an asset, record its source, and revalue every member."""
    record = HaircutRecord(body.asset, body.haircut_bps, body.source, ctx.height, ctx.time_ms,
                           ctx.tx.tx_id)
    state.collateral_haircuts.set(body.asset, record)
    log = state.collateral_haircut_log
    log.set(len(log) + 1, record)
    ctx.emit("haircut", "", body.haircut_bps, body.asset)
    # A new haircut revalues every member's collateral: calls open or close at once.
    for account_id in sorted(account for account, _ in state.collateral_members.items()):
        process_margin_status(state, ctx, account_id)


def process_post_requirement(state: LedgerState, ctx: TxContext, body: PostRequirement) -> None:
    """Set a member's initial-margin requirement; opens or meets a call, or ends a default."""
    account = balances.get_account(state, body.member)
    # Only clearing members and FCMs are margined.
    if not is_member_account(account):
        raise InvalidTransaction(
            f"account {account.id} is a {account.kind.value} account; only clearing_member and "
            "fcm accounts have margin requirements", Reason.INVALID_STATE)
    member = process_member_record(state, account.id)
    state.collateral_members.set(account.id, replace(
        member, requirement=body.requirement, method=body.method, reference=body.reference,
        requirement_height=ctx.height, requirement_ms=ctx.time_ms, requirement_tx=ctx.tx.tx_id))
    ctx.emit("margin_requirement", account.id, body.requirement, body.method)
    process_default_end(state, ctx, account.id)
    process_margin_status(state, ctx, account.id)
