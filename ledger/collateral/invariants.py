"""Collateral invariants, checked with the ledger's after every block (``ledger.invariants``).

* pledged coins exist only on clearing-member and FCM accounts that have a margin record;
* a member is ``called`` exactly when its collateral value is below its requirement and it is not
  in default, and then it has exactly one open call, indexed with its deadline, and that
  deadline is still in the future (the block-start rule has run);
* a member in default points to a defaulted call; a liquidation never exceeds the shortfall at
  default; the haircut in force is 0 ≤ h < 10 000 bp.
"""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.collateral.model import BPS_PER_UNIT, CallStatus, MemberStatus
from ledger.collateral.valuation import compute_margin_figures, get_haircut, is_member_account


def check_collateral_invariants(state: LedgerState, total_pledged: int | None = None) -> list[str]:
    """Every violated collateral invariant (``total_pledged``: sum over all accounts, if known)."""
    problems: list[str] = []
    haircut = get_haircut(state).bps
    if not 0 <= haircut < BPS_PER_UNIT:
        problems.append(f"collateral haircut {haircut} bp out of range")
    if total_pledged is None:
        total_pledged = sum(account.pledged for _, account in state.accounts.items())
    now = state.get_meta_int("time_ms")
    open_index = dict(state.collateral_open_calls.items())
    member_pledged = 0
    indexed = 0
    for account_id, member in state.collateral_members.items():
        account = state.accounts.get(account_id)
        if account is None or not is_member_account(account):
            problems.append(f"margin record {account_id} is not a clearing member or FCM account")
            continue
        member_pledged += account.pledged
        figures = compute_margin_figures(account, member, haircut)
        called = member.status is MemberStatus.CALLED
        if member.status is not MemberStatus.DEFAULT and called != figures.is_under_collateralised:
            problems.append(
                f"member {account_id} is {member.status.value} with collateral value "
                f"{figures.collateral_value} against requirement {figures.requirement}")
        if called != bool(member.open_call):
            problems.append(f"member {account_id} is {member.status.value}, open call "
                            f"{member.open_call!r}")
        if member.open_call:
            indexed += 1
            call = state.collateral_calls.get(member.open_call)
            deadline = open_index.get(member.open_call)
            if call is None or call.status is not CallStatus.OPEN or call.member != account_id:
                problems.append(f"open call {member.open_call} of {account_id} is not open")
            elif deadline != call.deadline_ms or deadline <= now:
                problems.append(f"open call {member.open_call} deadline {deadline} is stale")
        in_default = member.status is MemberStatus.DEFAULT
        if in_default != bool(member.default_call):
            problems.append(f"member {account_id} is {member.status.value}, default call "
                            f"{member.default_call!r}")
        if member.default_call:
            call = state.collateral_calls.get(member.default_call)
            if call is None or call.status is not CallStatus.DEFAULTED:
                problems.append(f"default call {member.default_call} of {account_id} not defaulted")
    if member_pledged != total_pledged:
        problems.append(f"{total_pledged - member_pledged} minor units pledged outside margin "
                        "records")
    if indexed != len(open_index):
        problems.append(f"{len(open_index)} indexed open calls but {indexed} members are called")
    for call_id, call in state.collateral_calls.items():
        if call.liquidated > call.shortfall_at_default:
            problems.append(f"call {call_id} liquidated {call.liquidated} above its shortfall "
                            f"{call.shortfall_at_default}")
    return problems
