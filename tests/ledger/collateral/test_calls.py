"""The margin-call life cycle and the block-start default rule (ledger/collateral/calls.py)."""

from dataclasses import replace

from ledger.collateral.calls import process_call_deadlines
from ledger.collateral.model import CallStatus, MemberStatus
from tests.ledger.collateral.desk import DEADLINE_MS, Desk, effects


def _called(desk: Desk, pledged: int = 100_000, requirement: int = 120_000) -> str:
    w = desk.work
    desk.ok(w.pledge(desk.alpha, pledged))
    receipt = desk.ok(w.post_requirement(desk.alpha, requirement))
    ((_, _, call_id),) = effects(receipt, "margin_call")
    return call_id


def test_unmet_call_defaults_in_the_first_block_at_or_after_its_deadline():
    desk = Desk.create()
    call_id = _called(desk)
    deadline = desk.call(call_id).deadline_ms
    assert deadline == desk.chain.time_ms + DEADLINE_MS
    desk.block(advance_ms=DEADLINE_MS - 1)  # block time = deadline − 1 ms: not yet
    assert desk.chain.time_ms == deadline - 1
    assert desk.call(call_id).status is CallStatus.OPEN
    assert desk.member(desk.alpha).status is MemberStatus.CALLED
    desk.block(advance_ms=1)  # block time = deadline: default, before any transaction
    call = desk.call(call_id)
    assert call.status is CallStatus.DEFAULTED
    assert (call.closed_ms, call.closed_by, call.closed_tx) == (deadline, "deadline", "")
    assert call.shortfall_at_default == 120_000 - 98_000
    member = desk.member(desk.alpha)
    assert (member.status, member.open_call, member.default_call) == (
        MemberStatus.DEFAULT, "", call_id)
    assert dict(desk.state.collateral_open_calls.items()) == {}


def test_a_block_far_past_the_deadline_defaults_too():
    desk = Desk.create()
    call_id = _called(desk)
    desk.block(advance_ms=3 * DEADLINE_MS)
    assert desk.call(call_id).status is CallStatus.DEFAULTED


def test_pledge_in_the_deadline_block_is_too_late():
    desk = Desk.create()
    call_id = _called(desk)
    late = desk.ok(desk.work.pledge(desk.alpha, 500_000), advance_ms=DEADLINE_MS)
    # The deadline rule ran at block start; the pledge adds collateral but meets nothing.
    assert effects(late, "margin_call_met") == []
    assert desk.call(call_id).status is CallStatus.DEFAULTED
    assert desk.member(desk.alpha).status is MemberStatus.DEFAULT


def test_pledge_one_ms_before_the_deadline_meets_the_call():
    desk = Desk.create()
    call_id = _called(desk)
    desk.ok(desk.work.pledge(desk.alpha, 30_000), advance_ms=DEADLINE_MS - 1)
    assert desk.call(call_id).status is CallStatus.MET
    desk.block(advance_ms=1)
    assert desk.member(desk.alpha).status is MemberStatus.GOOD


def test_deadline_is_a_parameter():
    desk = Desk.create(collateral_call_deadline_ms=15 * 60 * 1000)
    call_id = _called(desk)
    desk.block(advance_ms=15 * 60 * 1000)
    assert desk.call(call_id).status is CallStatus.DEFAULTED


def test_defaulted_member_gets_no_new_call_and_cannot_release():
    desk = Desk.create()
    w = desk.work
    call_id = _called(desk)
    desk.block(advance_ms=DEADLINE_MS)
    raised = desk.ok(w.post_requirement(desk.alpha, 500_000))
    assert effects(raised, "margin_call") == []
    desk.ok(w.pledge(desk.alpha, 600_000))  # more collateral does not end the default
    assert desk.member(desk.alpha).default_call == call_id
    refused = desk.refused(w.release(desk.alpha, 1), "INVALID_STATE")
    assert "in default" in refused.message


def test_ccp_ends_a_default_with_a_covered_requirement():
    desk = Desk.create()
    w = desk.work
    call_id = _called(desk)
    desk.block(advance_ms=DEADLINE_MS)
    still = desk.ok(w.post_requirement(desk.alpha, 98_001, "CLOSE-OUT", "partial close-out"))
    assert effects(still, "default_ended") == []
    ended = desk.ok(w.post_requirement(desk.alpha, 0, "CLOSE-OUT", "portfolio closed out"))
    assert effects(ended, "default_ended") == [(desk.alpha.account, 0, call_id)]
    member = desk.member(desk.alpha)
    assert (member.status, member.default_call) == (MemberStatus.GOOD, "")
    assert desk.call(call_id).default_ended_tx == ended.tx_id
    desk.ok(w.release(desk.alpha, 100_000))
    # A new shortfall after the default opens a new call.
    desk.ok(w.pledge(desk.alpha, 1_000))
    again = desk.ok(w.post_requirement(desk.alpha, 1_000))
    assert effects(again, "margin_call") == [(desk.alpha.account, 20, "MC-00000002")]


def test_several_calls_default_in_deadline_order():
    desk = Desk.create()
    w = desk.work
    desk.block(w.pledge(desk.alpha, 10_000), w.pledge(desk.beta, 10_000))
    desk.ok(w.post_requirement(desk.alpha, 20_000))
    desk.ok(w.post_requirement(desk.beta, 20_000), advance_ms=60_000)
    desk.block(advance_ms=DEADLINE_MS - 60_000)
    assert desk.member(desk.alpha).status is MemberStatus.DEFAULT
    assert desk.member(desk.beta).status is MemberStatus.CALLED
    desk.block(advance_ms=60_000)
    assert desk.member(desk.beta).status is MemberStatus.DEFAULT


def test_deadline_rule_rechecks_coverage_before_declaring_default():
    desk = Desk.create()
    call_id = _called(desk)
    state = desk.state
    # Only reachable if some future rule changed value without re-running the call rule.
    member = state.collateral_members[desk.alpha.account]
    state.collateral_members.set(desk.alpha.account, replace(member, requirement=98_000))
    process_call_deadlines(state, state.height + 1, desk.call(call_id).deadline_ms)
    call = desk.call(call_id)
    assert (call.status, call.closed_by) == (CallStatus.MET, "deadline")
    assert state.collateral_members[desk.alpha.account].status is MemberStatus.GOOD
