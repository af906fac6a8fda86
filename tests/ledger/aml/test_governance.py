"""set_aml_params: only the regulator changes AML parameters, and only to valid values."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.errors import InvalidTransaction
from ledger.tx.envelope import decode_transaction, encode_transaction
from ledger.types import ntd
from tests.ledger.aml.helpers import make_funded, pay


def _body(**params: Any) -> dict[str, Any]:
    return {"order_id": "FSC-AML-2026-001", "legal_basis": "Money Laundering Control Act art. 9",
            "params": params}


def test_regulator_changes_a_parameter_and_the_rule_uses_it():
    chain, (a, b) = make_funded(2)
    regulator = chain.work.role("regulator")
    receipt = chain.one(regulator.sign("set_aml_params", _body(
        aml_velocity_count=3, aml_large_value=str(ntd(1_000)))))
    assert receipt.applied, receipt.message
    assert chain.state.get_param("aml_velocity_count") == 3
    assert chain.state.get_param("aml_large_value") == ntd(1_000)
    assert chain.state.meta.get("aml_params_order") == "FSC-AML-2026-001"
    flags = [pay(chain, a, b, ntd(1_000)).flags for _ in range(3)]
    assert flags == [("LARGE_VALUE",), ("LARGE_VALUE",), ("LARGE_VALUE", "VELOCITY")]


def test_non_regulator_signers_are_rejected_and_nothing_changes():
    chain, (holder,) = make_funded(1)
    w = chain.work
    before = dict(chain.state.params.items())
    attempts = [
        w.role("police").sign("set_aml_params", _body(aml_velocity_count=3)),
        w.role("ccp").sign("set_aml_params", _body(aml_velocity_count=3)),
        w.banks["BANK-A"].sign("set_aml_params", _body(aml_velocity_count=3)),
        holder.signer.sign("set_aml_params", _body(aml_velocity_count=3)),
    ]
    receipts = chain.block(*attempts)
    assert [r.reason for r in receipts] == ["WRONG_SIGNER"] * 4
    assert dict(chain.state.params.items()) == before


def test_police_key_under_the_regulator_name_is_rejected():
    chain, _ = make_funded(1)
    from api.sdk.builders import Signer

    forged = Signer(chain.keys.roles["police"], "regulator", chain.genesis.chain_id)
    receipt = chain.one(forged.sign("set_aml_params", _body(aml_velocity_count=3)))
    assert receipt.reason == "WRONG_SIGNER"
    assert chain.state.get_param("aml_velocity_count") == 20


def test_invalid_values_reject_the_whole_change():
    chain, _ = make_funded(1)
    regulator = chain.work.role("regulator")
    bad = [
        _body(aml_velocity_count=3, aml_fan_in_count=1),          # below the range
        _body(aml_fan_out_count=101),                             # above the range
        _body(aml_large_value=50_000_000),                        # amount not a decimal string
        _body(aml_large_value="-5"),
        _body(aml_structuring_band_pct=51),
        _body(aml_unknown_rule=3),                                # not an AML parameter
        _body(aml_volume_exempt_kinds=["ccp", "alien"]),
    ]
    for body in bad:
        receipt = chain.one(regulator.sign("set_aml_params", body))
        assert receipt.reason == "INVALID_PARAMETER", (body, receipt.reason, receipt.message)
        regulator.next_nonce -= 1  # a rejected transaction does not consume its nonce
    assert chain.state.get_param("aml_velocity_count") == 20
    assert chain.state.get_param("aml_large_value") == ntd(500_000)


def test_malformed_bodies_are_refused_before_state():
    chain, _ = make_funded(1)
    regulator = chain.work.role("regulator")
    bodies = [
        _body(),                                                  # nothing to change
        {"order_id": "X", "params": {"aml_fan_in_count": 5}},     # no legal basis
        {"order_id": "X", "legal_basis": "  ", "params": {"aml_fan_in_count": 5}},  # blank
        _body(travel_rule_threshold=1),                           # not an aml_ parameter
        _body(aml_velocity_window_ms=True),                       # a boolean is not a count
    ]
    for body in bodies:
        raw = encode_transaction(regulator.sign("set_aml_params", body))
        with pytest.raises(InvalidTransaction) as refused:
            decode_transaction(raw)
        assert refused.value.reason == "MALFORMED", body


def test_exempt_kinds_can_be_changed():
    chain, _ = make_funded(1)
    regulator = chain.work.role("regulator")
    receipt = chain.one(regulator.sign("set_aml_params", _body(
        aml_volume_exempt_kinds=["system", "ccp", "ccp"])))
    assert receipt.applied
    assert chain.state.get_param("aml_volume_exempt_kinds") == ["ccp", "system"]


def test_cached_config_follows_a_rolled_back_change():
    from ledger.aml.params import get_aml_config
    from ledger.execution import apply_transaction

    chain, _ = make_funded(1)
    state = chain.state
    assert get_aml_config(state).velocity_count == 20
    envelope = chain.work.role("regulator").sign("set_aml_params", _body(aml_velocity_count=3))
    state.journal.begin()
    receipt = apply_transaction(state, decode_transaction(encode_transaction(envelope)),
                                state.height + 1, 0, chain.time_ms + 1)
    assert receipt.applied
    assert get_aml_config(state).velocity_count == 3
    state.journal.rollback()  # e.g. a speculatively executed block that was not committed
    assert state.get_param("aml_velocity_count") == 20
    assert get_aml_config(state).velocity_count == 20
