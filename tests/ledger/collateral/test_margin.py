"""set_haircut and post_requirement and the calls they open and meet (collateral/margin.py)."""

from ledger.collateral.model import CallStatus, MemberStatus
from tests.ledger.collateral.desk import DEADLINE_MS, Desk, effects


def test_call_appears_exactly_when_value_is_below_requirement():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 100_001))
    value = desk.figures(desk.alpha).collateral_value
    assert value == 98_000  # floor(100_001 × 0.98) = floor(98_000.98): rounded down
    equal = desk.ok(w.post_requirement(desk.alpha, value, "SPAN", "run-1"))
    assert effects(equal, "margin_call") == []
    assert desk.member(desk.alpha).status is MemberStatus.GOOD
    assert dict(desk.state.collateral_calls.items()) == {}
    above = desk.ok(w.post_requirement(desk.alpha, value + 1, "HS-ES", "run-2"))
    assert effects(above, "margin_call") == [(desk.alpha.account, 1, "MC-00000001")]
    member = desk.member(desk.alpha)
    assert (member.status, member.open_call) == (MemberStatus.CALLED, "MC-00000001")
    assert (member.requirement, member.method, member.reference) == (value + 1, "HS-ES", "run-2")
    call = desk.call("MC-00000001")
    assert call.status is CallStatus.OPEN
    assert (call.requirement, call.collateral_value, call.shortfall) == (value + 1, value, 1)
    # Any hour, any day: the deadline is block time + 2 h, nothing else.
    assert call.deadline_ms == desk.chain.time_ms + DEADLINE_MS
    assert call.opened_by == "post_requirement"


def test_covering_pledge_meets_the_call_in_the_same_transaction():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 100_000))
    desk.ok(w.post_requirement(desk.alpha, 200_000))
    (call_id,) = [k for k, _ in desk.state.collateral_calls.items()]
    # 98_000 + 100_000 × 0.98 = 196_000: still short, the call stays open, same deadline.
    partial = desk.ok(w.pledge(desk.alpha, 100_000))
    assert effects(partial, "margin_call_met") == []
    assert desk.call(call_id).status is CallStatus.OPEN
    # ceil(200_000 / 0.98) = 204_082 pledged covers it: 4_082 more.
    met = desk.ok(w.pledge(desk.alpha, 4_082))
    assert effects(met, "margin_call_met") == [(desk.alpha.account, 0, call_id)]
    call = desk.call(call_id)
    assert (call.status, call.closed_by, call.closed_tx) == (CallStatus.MET, "pledge", met.tx_id)
    assert call.closed_ms == desk.chain.time_ms
    assert desk.member(desk.alpha).status is MemberStatus.GOOD
    assert dict(desk.state.collateral_open_calls.items()) == {}


def test_one_minor_unit_short_does_not_meet_the_call():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.post_requirement(desk.alpha, 200_000))
    desk.ok(w.pledge(desk.alpha, 204_081))  # value 199_999
    assert desk.member(desk.alpha).status is MemberStatus.CALLED
    desk.ok(w.pledge(desk.alpha, 1))  # value 200_000
    assert desk.member(desk.alpha).status is MemberStatus.GOOD


def test_lower_requirement_meets_the_call():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 100_000))
    desk.ok(w.post_requirement(desk.alpha, 150_000))
    met = desk.ok(w.post_requirement(desk.alpha, 98_000))
    (call_id,) = [k for k, _ in desk.state.collateral_calls.items()]
    assert effects(met, "margin_call_met") == [(desk.alpha.account, 0, call_id)]
    assert desk.call(call_id).closed_by == "post_requirement"


def test_haircut_change_revalues_every_member_at_once():
    desk = Desk.create()
    w = desk.work
    desk.block(w.pledge(desk.alpha, 100_000), w.pledge(desk.beta, 100_000))
    desk.block(w.post_requirement(desk.alpha, 98_000), w.post_requirement(desk.beta, 90_000))
    raised = desk.ok(w.set_haircut(500, "TAIFEX risk committee 2026-07 (stress)"))
    # 5%: alpha's 95_000 < 98_000 is called; beta's 95_000 ≥ 90_000 is not.
    assert effects(raised, "margin_call") == [(desk.alpha.account, 3_000, "MC-00000001")]
    assert desk.member(desk.beta).status is MemberStatus.GOOD
    assert desk.figures(desk.alpha).haircut_bps == 500
    record = desk.state.collateral_haircuts["NTDC"]
    assert (record.haircut_bps, record.source, record.tx_id) == (
        500, "TAIFEX risk committee 2026-07 (stress)", raised.tx_id)
    lowered = desk.ok(w.set_haircut(200, "TAIFEX risk committee 2026-08"))
    assert effects(lowered, "margin_call_met") == [(desk.alpha.account, 0, "MC-00000001")]
    log = [r.haircut_bps for _, r in sorted(desk.state.collateral_haircut_log.items())]
    assert log == [500, 200]


def test_zero_haircut_values_at_par():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.set_haircut(0, "par"))
    desk.ok(w.pledge(desk.alpha, 12_345))
    assert desk.figures(desk.alpha).collateral_value == 12_345


def test_requirement_only_for_members_and_only_from_the_ccp():
    desk = Desk.create()
    w = desk.work
    desk.refused(w.post_requirement(desk.person, 1_000), "INVALID_STATE")
    desk.refused(w.post_requirement(desk.ccp, 1_000), "INVALID_STATE")
    body = {"member": desk.alpha.account, "requirement": "1000", "method": "SPAN",
            "reference": "forged"}
    desk.refused(w.role("regulator").sign("post_requirement", body), "WRONG_SIGNER")
    desk.refused(desk.alpha.signer.sign("post_requirement", body), "WRONG_SIGNER")
    haircut = {"asset": "NTDC", "haircut_bps": 0, "source": "self-serving"}
    desk.refused(desk.alpha.signer.sign("set_haircut", haircut), "WRONG_SIGNER")
    desk.refused(desk.ccp.signer.sign("set_haircut", haircut), "WRONG_SIGNER")
    assert dict(desk.state.collateral_members.items()) == {}
    assert dict(desk.state.collateral_haircuts.items()) == {}
