"""What all orders share: signer roles, unique order ids, legal basis, and records."""

from __future__ import annotations

import dataclasses

import pytest

from api.sdk.builders import Signer
from ledger.types import AccountKind
from tests.ledger.enforcement.helpers import (
    HOLD_MS,
    apply_ok,
    expect_malformed,
    expect_rejected,
    make_funded,
)


@pytest.mark.parametrize(("kind", "wrong_role"), [
    ("freeze", "police"),
    ("unfreeze", "police"),
    ("seize", "police"),
    ("confirm_hold", "police"),
    ("set_holding_caps", "police"),
    ("update_sanctions", "police"),
    ("police_hold", "regulator"),
    ("freeze", "ccp"),
])
def test_wrong_role_is_rejected(kind, wrong_role):
    f = make_funded()
    chain, w = f.chain, f.w
    fields = {
        "confirm_hold": {"hold_order_id": "CIB-1"},
        "set_holding_caps": {"caps": {"individual": "1"}},
        "update_sanctions": {"list_name": "L", "add": [f.bob.account]},
    }.get(kind, {"account": f.alice.account})
    env = w.order(kind, wrong_role, order_id="X-1", **fields)
    r = expect_rejected(chain, env, "WRONG_SIGNER")
    assert kind in r.message


def test_a_bank_cannot_seize_and_a_holder_cannot_freeze():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))
    body = {"order_id": "FSC-2", "legal_basis": "x", "account": f.alice.account}
    expect_rejected(chain, w.banks["BANK-A"].sign("seize", body), "WRONG_SIGNER")
    expect_rejected(chain, f.bob.signer.sign("unfreeze", body), "WRONG_SIGNER")


def test_police_key_claiming_to_be_the_regulator_is_rejected():
    f = make_funded()
    chain, w = f.chain, f.w
    impostor = Signer(w.keys.roles["police"], "regulator", chain.genesis.chain_id)
    env = impostor.sign("freeze", {"order_id": "FSC-1", "legal_basis": "x",
                                   "account": f.alice.account})
    r = expect_rejected(chain, env, "WRONG_SIGNER", rewind=False)
    assert "registered key" in r.message


def test_order_id_reuse_is_rejected_across_kinds_and_after_lapse():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CASE-1"))
    r = expect_rejected(chain, w.police_hold(f.bob, order_id="CASE-1"), "ORDER_EXISTS")
    assert "police_hold" in r.message
    expect_rejected(chain, w.freeze(f.bob, order_id="CASE-1"), "ORDER_EXISTS")
    expect_rejected(chain, w.update_sanctions("L", add=(f.bob.account,), order_id="CASE-1"),
                    "ORDER_EXISTS")
    expect_rejected(chain, w.set_holding_caps({AccountKind.COMPANY: 1}, order_id="CASE-1"),
                    "ORDER_EXISTS")
    apply_ok(chain, advance_ms=HOLD_MS)  # the hold lapses; its id stays used
    expect_rejected(chain, w.police_hold(f.alice, order_id="CASE-1"), "ORDER_EXISTS")
    # Two orders with the same id in one block: the second is rejected.
    receipts = chain.block(w.freeze(f.bob, order_id="CASE-2"), w.freeze(f.carol, order_id="CASE-2"))
    assert [r.reason for r in receipts] == [None, "ORDER_EXISTS"]


def test_legal_basis_and_order_id_are_required():
    f = make_funded()
    chain, w = f.chain, f.w
    sign = w.role("regulator").sign
    for body in (
        {"order_id": "FSC-1", "account": f.alice.account},
        {"order_id": "FSC-1", "legal_basis": "   ", "account": f.alice.account},
        {"order_id": "", "legal_basis": "x", "account": f.alice.account},
        {"order_id": "FSC 1", "legal_basis": "x", "account": f.alice.account},
        {"order_id": "FSC-1", "legal_basis": "x" * 2001, "account": f.alice.account},
        {"order_id": "FSC-1", "legal_basis": "x", "account": "not-an-account"},
        {"order_id": "FSC-1", "legal_basis": "x", "account": f.alice.account, "extra": 1},
    ):
        expect_malformed(w, sign("freeze", body))
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))


def test_every_order_is_on_record():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1", legal_basis="basis 1"))
    apply_ok(chain, w.confirm_hold("CIB-1", order_id="FSC-1"))
    apply_ok(chain, w.seize(f.alice, order_id="FSC-2"))
    apply_ok(chain, w.unfreeze(f.alice, order_id="FSC-3"))
    apply_ok(chain, w.freeze(f.bob, order_id="FSC-4"))
    apply_ok(chain, w.set_holding_caps({AccountKind.COMPANY: 1_000}, order_id="FSC-5"))
    apply_ok(chain, w.update_sanctions("L", add=(f.carol.account,), order_id="FSC-6"))
    orders = dict(chain.state.enforcement_orders.items())
    assert sorted(orders) == ["CIB-1", "FSC-1", "FSC-2", "FSC-3", "FSC-4", "FSC-5", "FSC-6"]
    assert [o.kind.value for o in orders.values()] == [
        "police_hold", "confirm_hold", "seize", "unfreeze", "freeze", "set_holding_caps",
        "update_sanctions"]
    assert {o.issuer for k, o in orders.items() if k != "CIB-1"} == {"regulator"}
    heights = [o.height for o in orders.values()]
    assert heights == sorted(heights) and len(set(heights)) == len(heights)
    assert all(o.effect and o.legal_basis and o.tx_id for o in orders.values())
    assert orders["FSC-2"].amount == 100_000


def test_rejected_order_does_not_consume_the_signer_nonce():
    f = make_funded()
    chain, w = f.chain, f.w
    expect_rejected(chain, w.unfreeze(f.alice, order_id="FSC-1"), "INVALID_STATE")
    assert chain.state.roles["regulator"].nonce == 0
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))  # the same id is still free
    assert chain.state.roles["regulator"].nonce == 1
    stale = dataclasses.replace(w.role("regulator"), next_nonce=1)
    expect_rejected(chain, stale.sign("unfreeze", {
        "order_id": "FSC-2", "legal_basis": "x", "account": f.alice.account}), "NONCE_REUSED",
        rewind=False)


def test_enforcement_records_survive_the_storage_codec():
    from ledger.codec import from_jsonable, to_jsonable

    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    apply_ok(chain, w.confirm_hold("CIB-1"), w.police_hold(f.bob, order_id="CIB-2"))
    state = chain.state
    for table in (state.enforcement_orders, state.police_holds, state.active_holds):
        assert len(table) > 0
        for _, value in table.items():
            assert from_jsonable(table.value_type, to_jsonable(value)) == value
