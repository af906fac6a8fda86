"""Police holds: cannot send, can receive, lapse at exactly 48 h of block time, confirmation."""

from __future__ import annotations

import pytest

from ledger.enforcement.model import HoldStatus, OrderKind
from ledger.types import AccountStatus
from tests.ledger.enforcement.helpers import (
    HOLD_MS,
    apply_ok,
    assert_sound,
    expect_rejected,
    make_funded,
)


def test_held_account_cannot_send_but_can_receive():
    f = make_funded()
    chain, w = f.chain, f.w
    (r,) = apply_ok(chain, w.police_hold(f.alice, order_id="CIB-2026-0001"))
    assert r.effects[0].op == "police_hold" and r.effects[0].ref == "CIB-2026-0001"
    account = chain.state.accounts[f.alice.account]
    assert account.status is AccountStatus.HELD and account.status_order == "CIB-2026-0001"
    refused = expect_rejected(chain, w.transfer(f.alice, f.bob, 1_000), "ACCOUNT_HELD")
    assert "CIB-2026-0001" in refused.message
    expect_rejected(chain, w.redeem(f.alice, 1_000), "ACCOUNT_HELD")
    # Receiving still works: a transfer and a mint.
    apply_ok(chain, w.transfer(f.bob, f.alice, 2_000), w.mint(f.alice, 3_000))
    assert chain.state.accounts[f.alice.account].available == 105_000


def test_hold_is_recorded_with_who_when_and_legal_basis():
    f = make_funded()
    chain, w = f.chain, f.w
    env = w.police_hold(f.alice, order_id="CIB-2026-0002", legal_basis="詐欺犯罪危害防制條例")
    (r,) = apply_ok(chain, env)
    order = chain.state.enforcement_orders["CIB-2026-0002"]
    assert order.kind is OrderKind.POLICE_HOLD
    assert order.issuer == "police" and order.account == f.alice.account
    assert order.legal_basis == "詐欺犯罪危害防制條例"
    assert (order.tx_id, order.height, order.time_ms) == (r.tx_id, r.height, chain.time_ms)
    hold = chain.state.police_holds["CIB-2026-0002"]
    assert hold.status is HoldStatus.ACTIVE
    assert hold.placed_at_ms == chain.time_ms
    assert hold.expires_at_ms == chain.time_ms + HOLD_MS
    assert chain.state.active_holds["CIB-2026-0002"] == hold.expires_at_ms


@pytest.mark.parametrize(("offset_ms", "still_held"), [(-1, True), (0, False), (1, False)])
def test_hold_lapses_at_exactly_48h_of_block_time(offset_ms, still_held):
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    placed_at = chain.time_ms
    # The next block's time is placed_at + 48 h + offset; it carries a transfer from alice.
    receipts = chain.block(w.transfer(f.alice, f.bob, 1_000), advance_ms=HOLD_MS + offset_ms)
    assert chain.time_ms == placed_at + HOLD_MS + offset_ms
    hold = chain.state.police_holds["CIB-1"]
    account = chain.state.accounts[f.alice.account]
    if still_held:
        assert receipts[0].reason == "ACCOUNT_HELD"
        assert account.status is AccountStatus.HELD
        assert hold.status is HoldStatus.ACTIVE and "CIB-1" in chain.state.active_holds
    else:
        # Lapsed at the start of the block, before its first transaction.
        assert receipts[0].applied
        assert account.status is AccountStatus.ACTIVE and account.status_order == ""
        assert hold.status is HoldStatus.LAPSED
        assert hold.ended_at_ms == chain.time_ms and hold.ended_by == ""
        assert hold.ended_height == chain.state.height
        assert "CIB-1" not in chain.state.active_holds
    assert_sound(chain)


def test_hold_does_not_lapse_in_blocks_before_expiry():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    for _ in range(47):
        apply_ok(chain, advance_ms=3600 * 1000)
    assert chain.state.accounts[f.alice.account].status is AccountStatus.HELD
    apply_ok(chain, advance_ms=3600 * 1000)  # exactly 48 h after the hold's block
    assert chain.state.accounts[f.alice.account].status is AccountStatus.ACTIVE


def test_confirm_hold_turns_it_into_a_freeze():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-7"))
    (r,) = apply_ok(chain, w.confirm_hold("CIB-7", order_id="FSC-7"), advance_ms=HOLD_MS - 1)
    assert r.effects[0].op == "freeze"
    account = chain.state.accounts[f.alice.account]
    assert account.status is AccountStatus.FROZEN and account.status_order == "FSC-7"
    hold = chain.state.police_holds["CIB-7"]
    assert hold.status is HoldStatus.CONFIRMED and hold.ended_by == "FSC-7"
    order = chain.state.enforcement_orders["FSC-7"]
    assert order.kind is OrderKind.CONFIRM_HOLD and order.ref == "CIB-7"
    assert order.issuer == "regulator" and order.account == f.alice.account
    # Long after the 48 h the account is still frozen: a freeze does not lapse.
    apply_ok(chain, advance_ms=10 * HOLD_MS)
    assert chain.state.accounts[f.alice.account].status is AccountStatus.FROZEN
    refused = expect_rejected(chain, w.transfer(f.alice, f.bob, 1), "ACCOUNT_FROZEN")
    assert "FSC-7" in refused.message
    apply_ok(chain, w.transfer(f.bob, f.alice, 1))  # frozen accounts still receive


def test_confirming_a_lapsed_hold_is_refused():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-8"))
    apply_ok(chain, advance_ms=HOLD_MS)  # lapses at the start of this block
    r = expect_rejected(chain, w.confirm_hold("CIB-8", order_id="FSC-8"), "INVALID_STATE")
    assert "lapsed" in r.message


def test_confirm_in_the_block_at_exactly_48h_is_refused():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-9"))
    before = chain.state.accounts[f.alice.account]
    (r,) = chain.block(w.confirm_hold("CIB-9", order_id="FSC-9"), advance_ms=HOLD_MS)
    assert r.reason == "INVALID_STATE"
    assert chain.state.accounts[f.alice.account].status is AccountStatus.ACTIVE
    assert chain.state.accounts[f.alice.account].available == before.available
    assert "FSC-9" not in chain.state.enforcement_orders


def test_confirm_unknown_hold_and_second_hold_are_refused():
    f = make_funded()
    chain, w = f.chain, f.w
    expect_rejected(chain, w.confirm_hold("CIB-404", order_id="FSC-1"), "UNKNOWN_ORDER")
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    r = expect_rejected(chain, w.police_hold(f.alice, order_id="CIB-2"), "INVALID_STATE")
    assert "CIB-1" in r.message
    # After the first hold lapses a new one may be placed.
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-2"), advance_ms=HOLD_MS)
    assert chain.state.accounts[f.alice.account].status_order == "CIB-2"
    assert chain.state.police_holds["CIB-1"].status is HoldStatus.LAPSED


def test_hold_on_frozen_account_is_refused():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))
    expect_rejected(chain, w.police_hold(f.alice, order_id="CIB-1"), "INVALID_STATE")


def test_hold_on_unknown_account_is_refused():
    f = make_funded()
    chain, w = f.chain, f.w
    ghost, _ = w.new_holder("BANK-C")  # never registered
    expect_rejected(chain, w.police_hold(ghost, order_id="CIB-1"), "UNKNOWN_ACCOUNT")


def test_several_holds_lapse_in_one_block():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-A"))
    apply_ok(chain, w.police_hold(f.bob, order_id="CIB-B"), advance_ms=1000)
    apply_ok(chain, advance_ms=HOLD_MS + 5000)
    for holder in (f.alice, f.bob):
        assert chain.state.accounts[holder.account].status is AccountStatus.ACTIVE
    assert len(chain.state.active_holds) == 0


def test_replaying_the_blocks_gives_the_same_state():
    from ledger.execution import apply_block
    from ledger.genesis import create_genesis_state

    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"),
             w.police_hold(f.bob, order_id="CIB-2"))
    apply_ok(chain, w.confirm_hold("CIB-2"), advance_ms=HOLD_MS - 1)
    apply_ok(chain, advance_ms=1)  # CIB-1 lapses here
    apply_ok(chain, w.seize(f.bob))
    replica = create_genesis_state(chain.genesis)
    for block in chain.blocks:
        apply_block(replica, block)
        assert replica.compute_state_root().hex() == block.header.state_root
    assert replica.police_holds["CIB-1"].status is HoldStatus.LAPSED
