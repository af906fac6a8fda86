"""liquidate (ledger/collateral/liquidation.py)."""

from ledger.collateral.model import CallStatus, MemberStatus
from tests.ledger.collateral.desk import DEADLINE_MS, FUNDING, Desk, effects


def _defaulted(desk: Desk, pledged: int, requirement: int) -> str:
    w = desk.work
    desk.ok(w.pledge(desk.alpha, pledged))
    receipt = desk.ok(w.post_requirement(desk.alpha, requirement))
    ((_, _, call_id),) = effects(receipt, "margin_call")
    desk.block(advance_ms=DEADLINE_MS)
    assert desk.call(call_id).status is CallStatus.DEFAULTED
    return call_id


def test_liquidation_takes_exactly_the_shortfall():
    desk = Desk.create()
    call_id = _defaulted(desk, pledged=100_000, requirement=120_000)
    shortfall = 120_000 - 98_000
    assert desk.call(call_id).shortfall_at_default == shortfall
    supply = desk.state.supply
    receipt = desk.ok(desk.work.liquidate(call_id, "default DF-1"))
    assert effects(receipt, "liquidate") == [(desk.alpha.account, shortfall, call_id)]
    assert effects(receipt, "credit") == [(desk.ccp.account, shortfall, desk.alpha.account)]
    member = desk.account(desk.alpha)
    assert (member.pledged, member.available) == (100_000 - shortfall, FUNDING - 100_000)
    assert desk.account(desk.ccp).available == shortfall
    assert desk.state.supply == supply
    call = desk.call(call_id)
    assert (call.liquidated, call.liquidation_tx) == (shortfall, receipt.tx_id)
    # What remains pledged stays the member's; the member stays in default.
    assert desk.member(desk.alpha).status is MemberStatus.DEFAULT


def test_liquidation_takes_all_collateral_when_it_is_less_than_the_shortfall():
    desk = Desk.create()
    call_id = _defaulted(desk, pledged=10_000, requirement=50_000)
    assert desk.call(call_id).shortfall_at_default == 50_000 - 9_800
    receipt = desk.ok(desk.work.liquidate(call_id))
    assert effects(receipt, "liquidate") == [(desk.alpha.account, 10_000, call_id)]
    assert desk.account(desk.alpha).pledged == 0
    assert desk.account(desk.ccp).available == 10_000


def test_shortfall_is_fixed_at_default():
    desk = Desk.create()
    call_id = _defaulted(desk, pledged=100_000, requirement=120_000)
    desk.ok(desk.work.pledge(desk.alpha, 200_000))
    receipt = desk.ok(desk.work.liquidate(call_id))
    assert effects(receipt, "liquidate") == [(desk.alpha.account, 22_000, call_id)]


def test_liquidation_refusals():
    desk = Desk.create()
    w = desk.work
    desk.refused(w.liquidate("MC-00000099"), "UNKNOWN_CALL")
    desk.ok(w.pledge(desk.alpha, 100_000))
    desk.ok(w.post_requirement(desk.alpha, 120_000))
    # An open call is not a default.
    desk.refused(w.liquidate("MC-00000001"), "INVALID_STATE")
    desk.block(advance_ms=DEADLINE_MS)
    desk.refused(w.role("regulator").sign("liquidate", {"call_id": "MC-00000001"}),
                 "WRONG_SIGNER")
    desk.refused(desk.ccp.signer.sign("liquidate", {"call_id": "MC-00000001"}), "WRONG_SIGNER")
    assert desk.account(desk.alpha).pledged == 100_000
    desk.ok(w.liquidate("MC-00000001"))
    again = desk.refused(w.liquidate("MC-00000001"), "INVALID_STATE")
    assert "already liquidated" in again.message
    assert desk.account(desk.alpha).pledged == 78_000


def test_no_liquidation_after_the_default_ended():
    desk = Desk.create()
    call_id = _defaulted(desk, pledged=100_000, requirement=120_000)
    desk.ok(desk.work.post_requirement(desk.alpha, 0, "CLOSE-OUT", "closed out"))
    desk.refused(desk.work.liquidate(call_id), "INVALID_STATE")


def test_liquidation_needs_the_ccp_account():
    desk = Desk.create(register_ccp=False)
    call_id = _defaulted(desk, pledged=100_000, requirement=120_000)
    refused = desk.refused(desk.work.liquidate(call_id), "UNKNOWN_ACCOUNT")
    assert "register" in refused.message
    assert desk.account(desk.alpha).pledged == 100_000


def test_frozen_member_collateral_can_still_be_liquidated():
    desk = Desk.create()
    call_id = _defaulted(desk, pledged=100_000, requirement=120_000)
    desk.ok(desk.work.freeze(desk.alpha))
    desk.ok(desk.work.liquidate(call_id))
    assert desk.account(desk.alpha).pledged == 78_000


def test_nothing_left_to_liquidate():
    desk = Desk.create()
    w = desk.work
    call_id = _defaulted(desk, pledged=10_000, requirement=50_000)
    desk.ok(w.variation_settlement("VM-1", [(desk.alpha, -FUNDING), (desk.beta, FUNDING)]))
    assert desk.account(desk.alpha).pledged == 0
    desk.refused(w.liquidate(call_id), "INVALID_STATE")
