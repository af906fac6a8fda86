"""pledge and release (ledger/collateral/pledges.py)."""

from ledger.collateral.model import MemberStatus
from tests.ledger.collateral.desk import FUNDING, Desk, effects


def test_pledge_moves_available_to_pledged_and_keeps_supply():
    desk = Desk.create()
    supply = desk.state.supply
    receipt = desk.ok(desk.work.pledge(desk.alpha, 400_000))
    account = desk.account(desk.alpha)
    assert (account.available, account.pledged) == (FUNDING - 400_000, 400_000)
    assert effects(receipt, "pledge") == [(desk.alpha.account, 400_000, "NTDC")]
    # Pledged coins stay the pledgor's: they count in supply and in the liabilities sum tree.
    assert account.total == FUNDING
    assert desk.state.supply == supply
    assert desk.state.compute_liabilities()[1] == supply
    assert desk.member(desk.alpha).status is MemberStatus.GOOD


def test_pledged_coins_cannot_be_transferred_or_redeemed():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, FUNDING - 100))
    before = desk.account(desk.alpha)
    desk.refused(w.transfer(desk.alpha, desk.person, 101), "INSUFFICIENT_FUNDS")
    desk.refused(w.redeem(desk.alpha, 101), "REDEEM_EXCEEDS_BALANCE")
    after = desk.account(desk.alpha)
    assert (after.available, after.pledged) == (before.available, before.pledged)
    # What is still available can be spent.
    desk.ok(w.transfer(desk.alpha, desk.person, 100))
    assert desk.account(desk.alpha).pledged == FUNDING - 100


def test_pledge_rules_refuse_non_members_overdrafts_and_frozen_accounts():
    desk = Desk.create()
    w = desk.work
    individual = desk.refused(w.pledge(desk.person, 1_000), "WRONG_SIGNER")
    assert "clearing_member or fcm" in individual.message
    desk.refused(w.pledge(desk.beta, FUNDING + 1), "INSUFFICIENT_FUNDS")
    desk.ok(w.freeze(desk.gamma))
    desk.refused(w.pledge(desk.gamma, 1_000), "ACCOUNT_FROZEN")
    for holder in (desk.person, desk.beta, desk.gamma):
        assert desk.account(holder).pledged == 0
    assert dict(desk.state.collateral_members.items()) == {}


def test_fcm_can_pledge():
    desk = Desk.create()
    desk.ok(desk.work.pledge(desk.beta, 5_000))
    assert desk.account(desk.beta).pledged == 5_000


def test_release_up_to_exactly_what_keeps_the_requirement_covered():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 500_000))
    # 200 bp haircut: covering 392_000 needs ceil(392_000 / 0.98) = 400_000 pledged.
    desk.ok(w.post_requirement(desk.alpha, 392_000))
    refused = desk.refused(w.release(desk.alpha, 100_001), "UNDER_COLLATERALISED")
    assert "at most NT$1,000.00 can be released" in refused.message
    assert desk.account(desk.alpha).pledged == 500_000
    released = desk.ok(w.release(desk.alpha, 100_000))
    assert effects(released, "release") == [(desk.alpha.account, 100_000, "NTDC")]
    account = desk.account(desk.alpha)
    assert (account.available, account.pledged) == (FUNDING - 400_000, 400_000)
    assert desk.figures(desk.alpha).collateral_value == 392_000
    assert desk.member(desk.alpha).status is MemberStatus.GOOD
    desk.refused(w.release(desk.alpha, 1), "UNDER_COLLATERALISED")


def test_release_refusals_leave_balances_untouched():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 10_000))
    desk.refused(w.release(desk.alpha, 10_001), "INSUFFICIENT_FUNDS")
    desk.refused(w.release(desk.person, 1), "WRONG_SIGNER")
    account = desk.account(desk.alpha)
    assert (account.available, account.pledged, account.nonce) == (FUNDING - 10_000, 10_000, 1)


def test_whole_release_without_requirement():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 10_000))
    desk.ok(w.release(desk.alpha, 10_000))
    assert desk.account(desk.alpha).available == FUNDING
