"""variation_settlement (ledger/collateral/settlement.py)."""

import pytest

from ledger.collateral.model import CallStatus, MemberStatus
from ledger.errors import InvalidTransaction
from ledger.execution import apply_transaction
from ledger.tx.envelope import decode_transaction, encode_transaction
from tests.ledger.collateral.desk import FUNDING, Desk, effects


def test_settlement_moves_every_leg():
    desk = Desk.create()
    w = desk.work
    receipt = desk.ok(w.variation_settlement(
        "VM-2026-01-02", [(desk.alpha, -70_000), (desk.beta, 50_000), (desk.gamma, 20_000)],
        "TX/MTX settlement prices 2026-01-02"))
    assert desk.account(desk.alpha).available == FUNDING - 70_000
    assert desk.account(desk.beta).available == FUNDING + 50_000
    assert desk.account(desk.gamma).available == FUNDING + 20_000
    assert effects(receipt, "variation_pay") == [(desk.alpha.account, 70_000, "VM-2026-01-02")]
    assert effects(receipt, "variation_receive") == [
        (desk.beta.account, 50_000, "VM-2026-01-02"), (desk.gamma.account, 20_000, "VM-2026-01-02")]
    record = desk.state.collateral_settlements["VM-2026-01-02"]
    assert (record.legs, record.paid, record.paid_from_collateral, record.tx_id) == (
        3, 70_000, 0, receipt.tx_id)


def test_one_unfunded_leg_changes_nothing():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.gamma, 300_000))
    state = desk.state
    # gamma has 700_000 available + 300_000 pledged: owing 1_000_001 it cannot pay.
    env = w.variation_settlement("VM-1", [
        (desk.alpha, -10_000), (desk.beta, 1_010_001), (desk.gamma, -1_000_001)])
    tx = decode_transaction(encode_transaction(env))
    root = state.compute_state_root()
    accounts = dict(state.accounts.items())
    receipt = apply_transaction(state, tx, state.height + 1, 0, desk.chain.time_ms + 1)
    assert (receipt.status, receipt.reason) == ("rejected", "SETTLEMENT_UNFUNDED")
    assert desk.gamma.account in receipt.message and "nothing moved" in receipt.message
    assert receipt.effects == ()
    assert state.compute_state_root() == root
    assert dict(state.accounts.items()) == accounts
    # The same through a block: every account, the CCP's nonce and the records unchanged.
    w.role("ccp").next_nonce -= 1
    desk.refused(w.variation_settlement("VM-1", [
        (desk.alpha, -10_000), (desk.beta, 1_010_001), (desk.gamma, -1_000_001)]),
        "SETTLEMENT_UNFUNDED")
    assert dict(state.accounts.items()) == accounts
    assert dict(state.collateral_settlements.items()) == {}
    assert state.roles["ccp"].nonce == 0  # not even the nonce was consumed


def test_payer_pays_from_available_first_then_from_pledged():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 900_000))
    desk.ok(w.post_requirement(desk.alpha, 800_000))  # value 882_000 covers it
    receipt = desk.ok(w.variation_settlement("VM-1", [(desk.alpha, -250_000),
                                                      (desk.beta, 250_000)]))
    account = desk.account(desk.alpha)
    assert (account.available, account.pledged) == (0, 750_000)
    assert effects(receipt, "collateral_used") == [(desk.alpha.account, 150_000, "VM-1")]
    # Collateral now worth 735_000 < 800_000: the call opens in the same transaction.
    assert effects(receipt, "margin_call") == [(desk.alpha.account, 65_000, "MC-00000001")]
    call = desk.call("MC-00000001")
    assert (call.status, call.opened_by) == (CallStatus.OPEN, "variation_settlement")
    assert desk.member(desk.alpha).status is MemberStatus.CALLED
    assert desk.state.collateral_settlements["VM-1"].paid_from_collateral == 150_000


def test_ccp_account_absorbs_a_difference_as_a_leg():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.variation_settlement("VM-0", [(desk.alpha, -5_000), (desk.ccp, 5_000)]))
    desk.ok(w.variation_settlement("VM-1", [(desk.alpha, -100), (desk.beta, 3_100),
                                            (desk.ccp, -3_000)]))
    assert desk.account(desk.ccp).available == 2_000
    assert desk.account(desk.beta).available == FUNDING + 3_100


def test_legs_must_net_to_zero_and_name_each_account_once():
    desk = Desk.create()
    w = desk.work
    cases = {
        "net to zero": [(desk.alpha, -100), (desk.beta, 99)],
        "more than one leg": [(desk.alpha, -100), (desk.alpha, 100)],
    }
    for message, legs in cases.items():
        env = w.variation_settlement("VM-X", legs)
        with pytest.raises(InvalidTransaction, match=message) as err:
            decode_transaction(encode_transaction(env))
        assert err.value.reason == "MALFORMED"
    env = w.variation_settlement("VM-X", [(desk.alpha, 0), (desk.beta, 0)])
    with pytest.raises(InvalidTransaction) as err:
        decode_transaction(encode_transaction(env))
    assert err.value.reason == "AMOUNT_OUT_OF_RANGE"
    env["body"]["legs"][0]["amount"] = -5
    with pytest.raises(InvalidTransaction, match="signed decimal string"):
        decode_transaction(encode_transaction(env))


def test_settlement_refusals():
    desk = Desk.create()
    w = desk.work
    legs = [(desk.alpha, -1_000), (desk.beta, 1_000)]
    body = {"settlement_id": "VM-1", "legs": [
        {"account": desk.alpha.account, "amount": "-1000"},
        {"account": desk.beta.account, "amount": "1000"}]}
    desk.refused(w.role("regulator").sign("variation_settlement", body), "WRONG_SIGNER")
    desk.refused(desk.alpha.signer.sign("variation_settlement", body), "WRONG_SIGNER")
    desk.refused(w.variation_settlement("VM-1", [(desk.person, -1_000), (desk.beta, 1_000)]),
                 "INVALID_STATE")
    desk.ok(w.variation_settlement("VM-1", legs))
    replay = desk.refused(w.variation_settlement("VM-1", legs), "INVALID_STATE")
    assert "already applied" in replay.message
    desk.ok(w.freeze(desk.alpha))
    before = dict(desk.state.accounts.items())
    desk.refused(w.variation_settlement("VM-2", legs), "ACCOUNT_FROZEN")
    assert dict(desk.state.accounts.items()) == before
    # A frozen account can still receive its gains.
    desk.ok(w.variation_settlement("VM-3", [(desk.alpha, 1_000), (desk.beta, -1_000)]))


def test_settlement_needs_the_ccp_account():
    desk = Desk.create(register_ccp=False)
    desk.refused(desk.work.variation_settlement("VM-1", [(desk.alpha, -1), (desk.beta, 1)]),
                 "UNKNOWN_ACCOUNT")
