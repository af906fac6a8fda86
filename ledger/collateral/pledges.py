"""pledge and release: a clearing member or FCM moves its own NTDC between available and pledged.

Pledged coins stay the pledgor's: they count in ``Account.pledged`` (so in its liabilities leaf
and in supply) but transfer and redeem spend ``available`` only, so they cannot be spent. Only the
collateral rules move them again: release (here), variation settlement and liquidation.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.collateral.calls import process_margin_status, process_member_record
from ledger.collateral.model import MemberStatus
from ledger.collateral.valuation import (
    compute_haircut_value,
    compute_required_pledge,
    get_haircut,
    is_member_account,
)
from ledger.errors import InvalidTransaction, Reason, WrongSigner
from ledger.model import Account
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.rules.enforcement_hooks import check_parties
from ledger.tx.bodies_collateral import Pledge, Release
from ledger.types import format_ntd


def get_member_signer(state: LedgerState, ctx: TxContext) -> Account:
    """The signing account, which must be a clearing member or an FCM."""
    account = balances.get_account(state, ctx.tx.signer)
    # Only clearing members and FCMs pledge collateral to the CCP.
    if not is_member_account(account):
        raise WrongSigner(
            f"{ctx.tx.kind} must be signed by a clearing_member or fcm account; {account.id} is "
            f"a {account.kind.value} account"
        )
    return account


def process_pledge(state: LedgerState, ctx: TxContext, body: Pledge) -> None:
    """Lock available coins as collateral for the CCP; meets an open call it covers."""
    account = get_member_signer(state, ctx)
    # A held or frozen account cannot move its coins out of reach, into collateral included.
    balances.require_can_send(account)
    check_parties(state, account, None)
    balances.require_available(account, body.amount)
    state.accounts.set(account.id, replace(
        account, available=account.available - body.amount,
        pledged=account.pledged + body.amount, last_active_ms=ctx.time_ms))
    process_member_record(state, account.id)
    ctx.emit("pledge", account.id, body.amount, body.asset)
    # A pledge that covers an open call meets it in this same transaction.
    process_margin_status(state, ctx, account.id)


def process_release(state: LedgerState, ctx: TxContext, body: Release) -> None:
    """Return pledged coins to available while the rest still covers the requirement."""
    account = get_member_signer(state, ctx)
    balances.require_can_send(account)
    # Only pledged coins can be released.
    if account.pledged < body.amount:
        raise InvalidTransaction(
            f"account {account.id} has {account.pledged} minor units pledged; cannot release "
            f"{body.amount}", Reason.INSUFFICIENT_FUNDS)
    member = process_member_record(state, account.id)
    # Collateral of a member in default stays with the CCP until the CCP ends the default.
    if member.status is MemberStatus.DEFAULT:
        raise InvalidTransaction(
            f"member {account.id} is in default (call {member.default_call}); its collateral "
            "cannot be released until the clearing house ends the default", Reason.INVALID_STATE)
    # Release only while the remaining value still covers the requirement.
    haircut = get_haircut(state, body.asset).bps
    remaining = compute_haircut_value(account.pledged - body.amount, haircut)
    if remaining < member.requirement:
        releasable = max(0, account.pledged - compute_required_pledge(member.requirement, haircut))
        raise InvalidTransaction(
            f"release of {format_ntd(body.amount)} would leave collateral worth "
            f"{format_ntd(remaining)} after a {haircut} bp haircut, below the requirement of "
            f"{format_ntd(member.requirement)}; at most {format_ntd(releasable)} can be released",
            Reason.UNDER_COLLATERALISED)
    state.accounts.set(account.id, replace(
        account, available=account.available + body.amount,
        pledged=account.pledged - body.amount, last_active_ms=ctx.time_ms))
    ctx.emit("release", account.id, body.amount, body.asset)
    process_margin_status(state, ctx, account.id)
