"""Freeze, unfreeze and seizure to court custody."""

from __future__ import annotations

from dataclasses import replace

from ledger.enforcement.custody import COURT_CUSTODY_ACCOUNT
from ledger.enforcement.freezes import SEIZED_TOTAL_META
from ledger.enforcement.model import HoldStatus, OrderKind
from ledger.types import AccountKind, AccountStatus
from tests.ledger.enforcement.helpers import (
    HOLD_MS,
    apply_ok,
    assert_sound,
    expect_rejected,
    make_funded,
)


def test_freeze_then_unfreeze():
    f = make_funded()
    chain, w = f.chain, f.w
    (r,) = apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))
    assert (r.effects[0].op, r.effects[0].account, r.effects[0].ref) == (
        "freeze", f.alice.account, "FSC-1")
    assert chain.state.accounts[f.alice.account].status is AccountStatus.FROZEN
    refused = expect_rejected(chain, w.transfer(f.alice, f.bob, 1), "ACCOUNT_FROZEN")
    assert "FSC-1" in refused.message
    expect_rejected(chain, w.redeem(f.alice, 1), "ACCOUNT_FROZEN")
    apply_ok(chain, w.transfer(f.bob, f.alice, 10))  # a frozen account can receive
    apply_ok(chain, w.unfreeze(f.alice, order_id="FSC-2"))
    account = chain.state.accounts[f.alice.account]
    assert account.status is AccountStatus.ACTIVE and account.status_order == ""
    order = chain.state.enforcement_orders["FSC-2"]
    assert order.kind is OrderKind.UNFREEZE and order.ref == "FSC-1"
    apply_ok(chain, w.transfer(f.alice, f.bob, 1))


def test_freeze_supersedes_a_running_police_hold():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))
    hold = chain.state.police_holds["CIB-1"]
    assert hold.status is HoldStatus.SUPERSEDED and hold.ended_by == "FSC-1"
    assert chain.state.enforcement_orders["FSC-1"].ref == "CIB-1"
    apply_ok(chain, advance_ms=HOLD_MS * 2)  # the old hold's expiry does not unfreeze
    account = chain.state.accounts[f.alice.account]
    assert account.status is AccountStatus.FROZEN and account.status_order == "FSC-1"


def test_freeze_and_unfreeze_need_the_right_status():
    f = make_funded()
    chain, w = f.chain, f.w
    expect_rejected(chain, w.unfreeze(f.alice, order_id="FSC-1"), "INVALID_STATE")
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    expect_rejected(chain, w.unfreeze(f.alice, order_id="FSC-2"), "INVALID_STATE")
    apply_ok(chain, w.freeze(f.bob, order_id="FSC-3"))
    expect_rejected(chain, w.freeze(f.bob, order_id="FSC-4"), "INVALID_STATE")


def test_seize_moves_exactly_the_frozen_balance_to_court_custody():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.transfer(f.bob, f.alice, 12_345))
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-10"))
    supply = chain.state.supply
    liabilities_before = chain.state.compute_liabilities()[1]
    frozen = chain.state.accounts[f.alice.account].available
    assert frozen == 112_345
    (r,) = apply_ok(chain, w.seize(f.alice, order_id="FSC-11"))
    state = chain.state
    assert state.accounts[f.alice.account].total == 0
    assert state.accounts[COURT_CUSTODY_ACCOUNT].available == frozen
    assert state.supply == supply  # a seizure neither mints nor burns
    assert state.compute_liabilities()[1] == liabilities_before == supply
    assert state.get_meta_int(SEIZED_TOTAL_META) == frozen
    assert [(e.op, e.account, e.amount) for e in r.effects] == [
        ("seize", f.alice.account, frozen), ("custody_credit", COURT_CUSTODY_ACCOUNT, frozen)]
    order = state.enforcement_orders["FSC-11"]
    assert order.kind is OrderKind.SEIZE and order.amount == frozen and order.ref == "FSC-10"
    assert state.accounts[f.alice.account].status is AccountStatus.FROZEN
    # Other balances untouched.
    assert state.accounts[f.bob.account].available == 50_000 - 12_345
    assert_sound(chain)


def test_seize_takes_available_and_held_but_not_pledged():
    f = make_funded()
    chain, w = f.chain, f.w
    member, reg = w.new_holder("BANK-A", AccountKind.CLEARING_MEMBER)
    apply_ok(chain, reg)
    apply_ok(chain, w.mint(member, 100_000))
    apply_ok(chain, w.pledge(member, 25_000))  # collateral for the clearing house (SPEC §7)
    apply_ok(chain, w.freeze(member, order_id="FSC-1"))
    # Put 15,000 of the available balance in ``held`` (total and supply unchanged).
    account = chain.state.accounts[member.account]
    chain.state.accounts.set(account.id, replace(account, available=60_000, held=15_000))
    assert_sound(chain)
    (r,) = apply_ok(chain, w.seize(member, order_id="FSC-2"))
    after = chain.state.accounts[member.account]
    assert (after.available, after.held, after.pledged) == (0, 0, 25_000)
    assert chain.state.accounts[COURT_CUSTODY_ACCOUNT].total == 75_000
    assert r.effects[0].amount == 75_000


def test_seize_requires_a_frozen_account_with_a_balance():
    f = make_funded()
    chain, w = f.chain, f.w
    r = expect_rejected(chain, w.seize(f.alice, order_id="FSC-1"), "INVALID_STATE")
    assert "not frozen" in r.message
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    expect_rejected(chain, w.seize(f.alice, order_id="FSC-2"), "INVALID_STATE")
    apply_ok(chain, w.freeze(f.carol, order_id="FSC-3"))  # carol holds nothing
    expect_rejected(chain, w.seize(f.carol, order_id="FSC-4"), "INVALID_STATE")


def test_seize_after_a_confirmed_hold_then_second_seizure_of_later_credits():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    apply_ok(chain, w.confirm_hold("CIB-1", order_id="FSC-1"))
    apply_ok(chain, w.seize(f.alice, order_id="FSC-2"))
    apply_ok(chain, w.transfer(f.bob, f.alice, 700))
    apply_ok(chain, w.seize(f.alice, order_id="FSC-3"))
    assert chain.state.accounts[COURT_CUSTODY_ACCOUNT].available == 100_700
    assert chain.state.get_meta_int(SEIZED_TOTAL_META) == 100_700


def test_orders_cannot_target_court_custody():
    f = make_funded()
    chain, w = f.chain, f.w
    env = w.order("freeze", "regulator", order_id="FSC-1", account=COURT_CUSTODY_ACCOUNT)
    r = expect_rejected(chain, env, "INVALID_STATE")
    assert "system account" in r.message
