"""Reading flag alerts, order alerts and analytics transfers out of verified blocks."""

from __future__ import annotations

from ledger.types import ntd
from nodes.regulator.supervision.model import Category, Source
from nodes.regulator.supervision.sources import (
    compute_block_alerts,
    compute_window_transfers,
    get_category,
)
from tests.support.chain import Chain


def test_categories() -> None:
    assert get_category("LARGE_VALUE") is Category.REPORTING
    assert get_category("STRUCTURING") is Category.SUSPICION
    assert get_category("CYCLE") is Category.SUSPICION
    assert get_category("ORDER_FREEZE") is Category.INFORMATION
    assert get_category("RESERVE_SHORTFALL") is Category.OTHER


def test_one_alert_per_flag_with_the_movement_parties() -> None:
    chain = Chain.create(seed=3)
    w = chain.work
    (alice, reg_a), (bob, reg_b) = w.new_holder("BANK-A"), w.new_holder("BANK-A")
    chain.block(reg_a, reg_b)
    mint = chain.one(w.mint(alice, ntd(600_000)))
    receipts = chain.block(w.transfer(alice, bob, ntd(550_000)),
                           w.transfer(bob, alice, ntd(1)))  # unflagged
    assert receipts[0].flags == ("LARGE_VALUE", "PASS_THROUGH")
    alerts = compute_block_alerts(chain.blocks[-1], receipts)
    assert [(a.rule, a.category) for a in alerts] == [
        ("LARGE_VALUE", Category.REPORTING), ("PASS_THROUGH", Category.SUSPICION)]
    large = alerts[0]
    assert large.source is Source.RECEIPT_FLAG
    assert large.accounts == (alice.account, bob.account)
    assert [e.tx_id for e in large.evidence] == [receipts[0].tx_id]
    assert large.evidence[0].amount == ntd(550_000) and large.height == 3
    assert large.time_ms == chain.blocks[-1].header.time_ms
    assert large.details["parties"] == [{"account": alice.account, "role": "payer"},
                                        {"account": bob.account, "role": "payee"}]
    (minted,) = compute_block_alerts(chain.blocks[1], [mint])
    assert minted.details["parties"] == [{"account": alice.account, "role": "recipient"}]
    assert "NT$600000.00" in minted.summary


def test_orders_are_informational_with_their_legal_basis() -> None:
    chain = Chain.create(seed=3)
    w = chain.work
    alice, reg = w.new_holder("BANK-A")
    chain.block(reg)
    hold = w.police_hold(alice, order_id="CIB-2026-0001", legal_basis="詐欺犯罪危害防制條例")
    receipts = chain.block(hold, w.freeze(alice, order_id="FSC-2026-0042"),
                           w.freeze(alice, order_id="FSC-2026-0043"))  # rejected: frozen
    assert [r.status for r in receipts] == ["applied", "applied", "rejected"]
    alerts = compute_block_alerts(chain.blocks[-1], receipts)
    assert [a.rule for a in alerts] == ["ORDER_POLICE_HOLD", "ORDER_FREEZE"]
    police = alerts[0]
    assert police.category is Category.INFORMATION and police.source is Source.ENFORCEMENT
    assert police.accounts == (alice.account,)
    assert police.details["order_id"] == "CIB-2026-0001"
    assert police.details["legal_basis"] == "詐欺犯罪危害防制條例"
    assert police.details["issuer"] == "police"
    assert [e.tx_id for e in police.evidence] == [receipts[0].tx_id]


def test_window_takes_applied_transfers_only() -> None:
    chain = Chain.create(seed=3)
    w = chain.work
    (alice, reg_a), (bob, reg_b) = w.new_holder("BANK-A"), w.new_holder("BANK-A")
    chain.block(reg_a, reg_b)
    chain.one(w.mint(alice, ntd(100)))
    receipts = chain.block(w.transfer(alice, bob, ntd(60)), w.transfer(alice, bob, ntd(60)),
                           w.redeem(bob, ntd(10)))
    assert [r.status for r in receipts] == ["applied", "rejected", "applied"]
    (only,) = compute_window_transfers(4, 123, receipts)
    assert only.transfer.tx_id == receipts[0].tx_id
    assert (only.transfer.sender, only.transfer.receiver, only.transfer.amount) == (
        alice.account, bob.account, ntd(60))
    assert (only.height, only.index, only.transfer.time_ms) == (4, 0, 123)
