"""Holding caps and sanctions / watch lists (regulator orders and the screening they drive)."""

from __future__ import annotations

from ledger.enforcement.model import OrderKind
from ledger.types import AccountKind
from tests.ledger.enforcement.helpers import (
    apply_ok,
    expect_malformed,
    expect_rejected,
    make_funded,
)

# Holding caps.


def test_cap_rejects_the_credit_that_would_exceed_it_and_allows_landing_on_it():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.set_holding_caps({AccountKind.INDIVIDUAL: 120_000}, order_id="FSC-CAP-1"))
    assert chain.state.params.get("holding_caps") == {"individual": 120_000}
    order = chain.state.enforcement_orders["FSC-CAP-1"]
    assert order.kind is OrderKind.SET_HOLDING_CAPS and "individual=NT$1,200.00" in order.effect
    # alice holds 100,000: 20,000 lands exactly on the cap, one more minor unit does not.
    apply_ok(chain, w.transfer(f.bob, f.alice, 20_000))
    assert chain.state.accounts[f.alice.account].total == 120_000
    r = expect_rejected(chain, w.transfer(f.bob, f.alice, 1), "HOLDING_CAP_EXCEEDED")
    assert "NT$1,200.00" in r.message
    expect_rejected(chain, w.mint(f.alice, 1), "HOLDING_CAP_EXCEEDED")
    # Spending below the cap makes room again.
    apply_ok(chain, w.transfer(f.alice, f.carol, 5_000))
    apply_ok(chain, w.transfer(f.bob, f.alice, 5_000))


def test_cap_is_per_kind_and_zero_removes_it():
    f = make_funded()
    chain, w = f.chain, f.w
    company, reg = w.new_holder("BANK-B", AccountKind.COMPANY)
    apply_ok(chain, reg)
    apply_ok(chain, w.set_holding_caps({AccountKind.INDIVIDUAL: 1_000}))
    apply_ok(chain, w.transfer(f.alice, company, 90_000))  # companies are not capped
    expect_rejected(chain, w.transfer(company, f.carol, 1_001), "HOLDING_CAP_EXCEEDED")
    apply_ok(chain, w.transfer(company, f.carol, 1_000))
    apply_ok(chain, w.set_holding_caps({AccountKind.INDIVIDUAL: 0, AccountKind.COMPANY: 5}))
    assert chain.state.params.get("holding_caps") == {"company": 5}
    apply_ok(chain, w.transfer(company, f.carol, 50_000))
    expect_rejected(chain, w.transfer(f.carol, company, 1), "HOLDING_CAP_EXCEEDED")


def test_a_cap_below_a_balance_refuses_credits_only():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.set_holding_caps({AccountKind.INDIVIDUAL: 10_000}))
    expect_rejected(chain, w.transfer(f.bob, f.alice, 1), "HOLDING_CAP_EXCEEDED")
    apply_ok(chain, w.transfer(f.alice, f.carol, 10_000))  # alice may still spend


def test_holding_caps_body_is_checked():
    f = make_funded()
    chain, w = f.chain, f.w
    assert "at least one" in expect_malformed(w, w.order("set_holding_caps", "regulator", caps={}))
    assert "system" in expect_malformed(
        w, w.order("set_holding_caps", "regulator", caps={"system": "1"}))
    # amounts are decimal strings of minor units
    expect_malformed(w, w.order("set_holding_caps", "regulator", caps={"individual": 5}))
    expect_malformed(w, w.order("set_holding_caps", "regulator", caps={"alien": "5"}))
    apply_ok(chain, w.set_holding_caps({AccountKind.FCM: 1}))  # nonces still line up


# Sanctions and watch lists.


def test_sanctioned_sender_and_receiver_are_rejected():
    f = make_funded()
    chain, w = f.chain, f.w
    (r,) = apply_ok(chain, w.update_sanctions("UNSC-1267", add=(f.bob.account,),
                                              order_id="FSC-S-1"))
    assert [(e.op, e.account) for e in r.effects] == [("sanctions_add", f.bob.account)]
    entry = chain.state.sanctions[f.bob.account]
    assert (entry.list_name, entry.order_id) == ("UNSC-1267", "FSC-S-1")
    msg = expect_rejected(chain, w.transfer(f.alice, f.bob, 100), "SANCTIONS_HIT").message
    assert "UNSC-1267" in msg and "FSC-S-1" in msg
    expect_rejected(chain, w.transfer(f.bob, f.alice, 100), "SANCTIONS_HIT")
    expect_rejected(chain, w.redeem(f.bob, 100), "SANCTIONS_HIT")
    expect_rejected(chain, w.mint(f.bob, 100), "SANCTIONS_HIT")
    apply_ok(chain, w.update_sanctions("UNSC-1267", remove=(f.bob.account,)))
    assert f.bob.account not in chain.state.sanctions
    apply_ok(chain, w.transfer(f.alice, f.bob, 100), w.transfer(f.bob, f.alice, 100))


def test_listed_identity_blocks_its_accounts_and_its_registration():
    f = make_funded()
    chain, w = f.chain, f.w
    carol_identity = chain.state.accounts[f.carol.account].identity_commitment
    dave, reg_dave = w.new_holder("BANK-C")
    dave_identity = reg_dave["body"]["identity_commitment"]
    apply_ok(chain, w.update_sanctions("MJIB-WATCH", add=(carol_identity, dave_identity)))
    # carol's account is screened through its identity commitment.
    expect_rejected(chain, w.transfer(f.alice, f.carol, 1), "SANCTIONS_HIT")
    # dave cannot be onboarded at all.
    r = expect_rejected(chain, reg_dave, "SANCTIONS_HIT")
    assert "MJIB-WATCH" in r.message
    assert dave.account not in chain.state.accounts


def test_sanctions_update_rules():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.update_sanctions("LIST-A", add=(f.bob.account,)))
    # Already listed: a key is on one list at a time.
    expect_rejected(chain, w.update_sanctions("LIST-B", add=(f.bob.account,)), "INVALID_STATE")
    # Removing from a list the key is not on, or a key on no list.
    expect_rejected(chain, w.update_sanctions("LIST-B", remove=(f.bob.account,)), "INVALID_STATE")
    expect_rejected(chain, w.update_sanctions("LIST-A", remove=(f.alice.account,)),
                    "INVALID_STATE")
    # A failing removal undoes the additions of the same order (all or nothing).
    env = w.update_sanctions("LIST-A", add=(f.alice.account,), remove=(f.carol.account,))
    expect_rejected(chain, env, "INVALID_STATE")
    assert f.alice.account not in chain.state.sanctions
    # Re-listing under a new order: remove + add in one order.
    apply_ok(chain, w.update_sanctions("LIST-A", add=(f.bob.account,), remove=(f.bob.account,),
                                       order_id="FSC-RELIST"))
    assert chain.state.sanctions[f.bob.account].order_id == "FSC-RELIST"
    # Static checks: empty update, bad key, a key twice.
    expect_malformed(w, w.update_sanctions("LIST-A"))
    expect_malformed(w, w.update_sanctions("LIST-A", add=("Kim Jong",)))
    expect_malformed(w, w.update_sanctions("LIST-A", add=(f.alice.account,) * 2))
    expect_malformed(w, w.update_sanctions("LIST A", add=(f.alice.account,)))
