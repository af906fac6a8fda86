"""The margin-call life cycle: open, met, default, end of default (SPEC §7).

Rules, applied after every transaction that changes a member's collateral value or requirement
(pledge, release, set_haircut, post_requirement, variation_settlement):

* a call opens exactly when value < requirement and none is open (equal is covered); its deadline
  is the block time plus ``collateral_call_deadline_ms`` (default 2 h), any hour, any day;
* an open call is met, in the same transaction, as soon as value ≥ requirement again;
* a member in default gets no new call; only the CCP ends a default, by posting a requirement the
  remaining collateral covers (``process_default_end``).

Default is decided at block start (``process_call_deadlines``): the first block whose time is
≥ the deadline puts the member in default before any of that block's transactions run, so a pledge
in that block is too late.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.collateral.model import CallStatus, MarginCall, MarginMember, MemberStatus
from ledger.collateral.valuation import CALL_DEADLINE_PARAM, get_margin_figures
from ledger.rules.context import TxContext

CALL_SEQ_META = "collateral_call_seq"
"""Number of margin calls ever opened; call ids are ``MC-<seq, 8 digits>``."""


def compute_call_id(seq: int) -> str:
    """Id of the ``seq``-th margin call."""
    return f"MC-{seq:08d}"


def process_member_record(state: LedgerState, account_id: str) -> MarginMember:
    """The member's margin record, created (requirement 0, good standing) on first use."""
    member = state.collateral_members.get(account_id)
    if member is None:
        member = MarginMember(account_id, 0, "", "", 0, 0, "", MemberStatus.GOOD, "", "")
        state.collateral_members.set(account_id, member)
    return member


def process_margin_status(state: LedgerState, ctx: TxContext, account_id: str) -> None:
    """Open a call when value < requirement, meet the open one when value ≥ requirement."""
    member = state.collateral_members.get(account_id)
    # A member in default gets no new call; the CCP ends the default (process_default_end).
    if member is None or member.status is MemberStatus.DEFAULT:
        return
    figures = get_margin_figures(state, account_id)
    if figures.is_under_collateralised and not member.open_call:
        _open_call(state, ctx, member, figures.requirement, figures.collateral_value)
    elif not figures.is_under_collateralised and member.open_call:
        _close_call(state, member, ctx.height, ctx.time_ms, ctx.tx.tx_id, ctx.tx.kind)
        ctx.emit("margin_call_met", account_id, 0, member.open_call)


def _open_call(state: LedgerState, ctx: TxContext, member: MarginMember, requirement: int,
               value: int) -> None:
    seq = state.get_meta_int(CALL_SEQ_META) + 1
    state.set_meta(CALL_SEQ_META, seq)
    call_id = compute_call_id(seq)
    deadline = ctx.time_ms + int(state.get_param(CALL_DEADLINE_PARAM))
    shortfall = requirement - value
    state.collateral_calls.set(call_id, MarginCall(
        call_id=call_id, member=member.account, status=CallStatus.OPEN, opened_height=ctx.height,
        opened_ms=ctx.time_ms, opened_tx=ctx.tx.tx_id, opened_by=ctx.tx.kind,
        deadline_ms=deadline, requirement=requirement, collateral_value=value,
        shortfall=shortfall,
    ))
    state.collateral_open_calls.set(call_id, deadline)
    state.collateral_members.set(
        member.account, replace(member, status=MemberStatus.CALLED, open_call=call_id))
    ctx.emit("margin_call", member.account, shortfall, call_id)


def _close_call(state: LedgerState, member: MarginMember, height: int, time_ms: int,
                tx_id: str, closed_by: str) -> None:
    call = state.collateral_calls[member.open_call]
    state.collateral_calls.set(call.call_id, replace(
        call, status=CallStatus.MET, closed_height=height, closed_ms=time_ms, closed_tx=tx_id,
        closed_by=closed_by))
    state.collateral_open_calls.delete(call.call_id)
    state.collateral_members.set(
        member.account, replace(member, status=MemberStatus.GOOD, open_call=""))


def process_call_deadlines(state: LedgerState, height: int, time_ms: int) -> None:
    """Block-start rule: every call still open when block time ≥ its deadline defaults."""
    open_calls = state.collateral_open_calls
    if len(open_calls) == 0:
        return
    due = sorted((deadline, call_id) for call_id, deadline in open_calls.items()
                 if deadline <= time_ms)
    for _, call_id in due:
        _process_default(state, state.collateral_calls[call_id], height, time_ms)


def _process_default(state: LedgerState, call: MarginCall, height: int, time_ms: int) -> None:
    member = state.collateral_members[call.member]
    figures = get_margin_figures(state, call.member)
    # Every transaction that raises value meets the call at once, so an open call is unmet here;
    # re-checking keeps a member out of default should some other rule ever have covered it.
    if not figures.is_under_collateralised:
        _close_call(state, member, height, time_ms, "", "deadline")
        return
    state.collateral_calls.set(call.call_id, replace(
        call, status=CallStatus.DEFAULTED, closed_height=height, closed_ms=time_ms,
        closed_by="deadline", shortfall_at_default=figures.shortfall))
    state.collateral_open_calls.delete(call.call_id)
    state.collateral_members.set(call.member, replace(
        member, status=MemberStatus.DEFAULT, open_call="", default_call=call.call_id))


def process_default_end(state: LedgerState, ctx: TxContext, account_id: str) -> None:
    """A member in default returns to good standing once its collateral covers the requirement
    the CCP has just posted (typically that of its closed-out or ported portfolio)."""
    member = state.collateral_members[account_id]
    if member.status is not MemberStatus.DEFAULT:
        return
    if get_margin_figures(state, account_id).is_under_collateralised:
        return
    call = state.collateral_calls[member.default_call]
    state.collateral_calls.set(call.call_id, replace(
        call, default_ended_ms=ctx.time_ms, default_ended_tx=ctx.tx.tx_id))
    state.collateral_members.set(
        account_id, replace(member, status=MemberStatus.GOOD, default_call=""))
    ctx.emit("default_ended", account_id, 0, call.call_id)
