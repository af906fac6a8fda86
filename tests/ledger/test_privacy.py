"""Privacy of sealed real-name records (SPEC §5).

A KYC dossier is readable by the regulator and the holder's home bank and by nobody else;
travel-rule data by the beneficiary's bank, the regulator and the originator's bank only. The
records are taken from the blocks, i.e. exactly what every node stores and serves.
"""

from __future__ import annotations

import json

import pytest

from api.sdk.builders import compute_identity_commitment, open_travel_rule
from ledger.codec import to_jsonable
from ledger.crypto.sealing import SealingError, SealingPrivateKey, open_sealed
from ledger.encoding import b64u, unb64u
from ledger.tx.envelope import decode_transaction
from tests.support.chain import Chain

THRESHOLD = 3_000_000


def body_on_chain(chain: Chain, tx_id: str) -> dict:
    """The body of transaction ``tx_id`` as carried by the stored blocks."""
    for block in chain.blocks:
        for raw in block.txs:
            tx = decode_transaction(raw)
            if tx.tx_id == tx_id:
                return json.loads(raw)["body"]
    raise KeyError(tx_id)


def tamper(record: dict, recipient: str, byte_index: int) -> dict:
    data = bytearray(unb64u(record["recipients"][recipient]))
    data[byte_index] ^= 0x01
    return {**record, "recipients": {**record["recipients"], recipient: b64u(bytes(data))}}


@pytest.fixture(scope="module")
def world():
    chain = Chain.create(seed=11)
    w = chain.work
    alice, reg_a = w.new_holder("BANK-A", name="王小明")
    bob, reg_b = w.new_holder("BANK-B", name="陳美玲")
    r_a, r_b = chain.block(reg_a, reg_b)
    assert r_a.applied and r_b.applied
    assert chain.one(w.mint(alice, 2 * THRESHOLD)).applied
    transfer = chain.one(w.transfer_with_travel_rule(alice, bob, THRESHOLD))
    assert transfer.applied
    return {
        "chain": chain, "alice": alice, "bob": bob, "keys": w.keys,
        "dossier": body_on_chain(chain, r_a.tx_id)["dossier"],
        "travel": body_on_chain(chain, transfer.tx_id)["travel_rule"],
    }


# KYC dossier sealed at registration.


def test_dossier_opens_for_regulator_and_home_bank(world):
    keys, dossier = world["keys"], world["dossier"]
    as_regulator = json.loads(open_sealed(dossier, "regulator", keys.regulator_sealing))
    as_bank = json.loads(open_sealed(dossier, "bank:BANK-A", keys.bank_sealing["BANK-A"]))
    assert as_regulator == as_bank
    assert as_regulator["name"] == "王小明" and as_regulator["national_id"] == "A000000000"
    # The regulator can tie the dossier to the on-chain identity commitment.
    account = world["chain"].state.accounts[world["alice"].account]
    salt = bytes.fromhex(as_regulator["identity_salt"])
    assert compute_identity_commitment(as_regulator["national_id"], salt) == (
        account.identity_commitment)


def test_dossier_is_addressed_to_nobody_else(world):
    assert sorted(world["dossier"]["recipients"]) == ["bank:BANK-A", "regulator"]
    with pytest.raises(SealingError, match="not sealed to"):
        open_sealed(world["dossier"], "bank:BANK-B", world["keys"].bank_sealing["BANK-B"])


@pytest.mark.parametrize("recipient", ["regulator", "bank:BANK-A"])
def test_dossier_does_not_open_with_another_key(world, recipient):
    keys = world["keys"]
    for wrong in (keys.bank_sealing["BANK-B"], keys.bank_sealing["BANK-C"],
                  SealingPrivateKey.generate()):
        with pytest.raises(SealingError, match="wrong key or tampered"):
            open_sealed(world["dossier"], recipient, wrong)


def test_regulator_and_bank_ciphertexts_are_not_interchangeable(world):
    keys, dossier = world["keys"], world["dossier"]
    with pytest.raises(SealingError):
        open_sealed(dossier, "bank:BANK-A", keys.regulator_sealing)
    with pytest.raises(SealingError):
        open_sealed(dossier, "regulator", keys.bank_sealing["BANK-A"])


@pytest.mark.parametrize("byte_index", [0, 1100, 1130, -1])  # KEM part, X25519 part, body, tag
def test_tampered_dossier_does_not_open(world, byte_index):
    keys = world["keys"]
    for recipient, key in (("regulator", keys.regulator_sealing),
                           ("bank:BANK-A", keys.bank_sealing["BANK-A"])):
        with pytest.raises(SealingError):
            open_sealed(tamper(world["dossier"], recipient, byte_index), recipient, key)


def test_relabelled_purpose_does_not_open(world):
    relabelled = {**world["dossier"], "purpose": "travel-rule"}
    with pytest.raises(SealingError):
        open_sealed(relabelled, "regulator", world["keys"].regulator_sealing)


def test_state_holds_no_real_name(world):
    state = world["chain"].state
    for holder in (world["alice"], world["bob"]):
        row = json.dumps(to_jsonable(state.accounts[holder.account]), ensure_ascii=False)
        for secret in ("王小明", "陳美玲", "A000000000", "A000000001", "Zhongxiao"):
            assert secret not in row


# Travel-rule data.


@pytest.mark.parametrize("recipient", ["bank:BANK-B", "regulator", "bank:BANK-A"])
def test_travel_rule_opens_for_the_parties_of_the_transfer(world, recipient):
    keys = world["keys"]
    key = keys.regulator_sealing if recipient == "regulator" else (
        keys.bank_sealing[recipient.removeprefix("bank:")])
    data = open_travel_rule(world["travel"], recipient, key)
    assert data["originator"]["name"] == "王小明"
    assert data["originator"]["national_id"] == "A000000000"
    assert data["beneficiary"] == {"name": "陳美玲", "account": world["bob"].account,
                                   "bank": "BANK-B", "national_id": "A000000001"}


def test_travel_rule_does_not_open_for_anyone_else(world):
    keys, travel = world["keys"], world["travel"]
    assert sorted(travel["recipients"]) == ["bank:BANK-A", "bank:BANK-B", "regulator"]
    for bank in ("BANK-C", "BANK-D"):
        with pytest.raises(SealingError, match="not sealed to"):
            open_travel_rule(travel, f"bank:{bank}", keys.bank_sealing[bank])
        with pytest.raises(SealingError, match="wrong key or tampered"):
            open_travel_rule(travel, "bank:BANK-B", keys.bank_sealing[bank])
    with pytest.raises(SealingError):
        open_travel_rule(travel, "regulator", SealingPrivateKey.generate())
    with pytest.raises(SealingError):
        open_travel_rule(tamper(travel, "bank:BANK-B", -1), "bank:BANK-B",
                         keys.bank_sealing["BANK-B"])
