"""Travel rule (SPEC §5) as the ledger enforces it: ``ledger.rules.travel_rule``."""

from __future__ import annotations

from api.sdk.builders import open_travel_rule
from ledger.crypto.sealing import seal
from tests.ledger.enforcement.helpers import apply_ok, expect_rejected, make_funded

THRESHOLD = 3_000_000  # NT$30,000 (default parameter)


def funded_for_travel_rule():
    f = make_funded()
    apply_ok(f.chain, f.w.mint(f.alice, 2 * THRESHOLD), f.w.mint(f.carol, THRESHOLD))
    return f


def test_cross_bank_transfer_at_threshold_needs_travel_rule_data():
    f = funded_for_travel_rule()
    chain, w = f.chain, f.w
    r = expect_rejected(chain, w.transfer(f.alice, f.bob, THRESHOLD), "TRAVEL_RULE_MISSING")
    assert "NT$30,000.00" in r.message and "bank:BANK-B" in r.message
    assert "seal_travel_rule" in r.message
    apply_ok(chain, w.transfer_with_travel_rule(f.alice, f.bob, THRESHOLD))
    assert chain.state.accounts[f.bob.account].available == 50_000 + THRESHOLD


def test_below_threshold_or_same_bank_needs_none():
    f = funded_for_travel_rule()
    chain, w = f.chain, f.w
    apply_ok(chain, w.transfer(f.alice, f.bob, THRESHOLD - 1))  # one minor unit below
    apply_ok(chain, w.transfer(f.alice, f.carol, THRESHOLD))  # both at BANK-A


def test_threshold_is_a_parameter():
    f = make_funded(travel_rule_threshold=10_000)
    chain, w = f.chain, f.w
    expect_rejected(chain, w.transfer(f.alice, f.bob, 10_000), "TRAVEL_RULE_MISSING")
    apply_ok(chain, w.transfer(f.alice, f.bob, 9_999))


def test_record_must_reach_regulator_and_beneficiary_bank():
    f = funded_for_travel_rule()
    chain, w = f.chain, f.w
    keys = w.keys
    only_regulator = seal(b"{}", {"regulator": keys.regulator_sealing.public_key()},
                          "travel-rule")
    env = f.alice.signer.sign("transfer", {"to": f.bob.account, "amount": str(THRESHOLD),
                                           "travel_rule": only_regulator})
    r = expect_rejected(chain, env, "TRAVEL_RULE_MISSING")
    assert "not sealed to ['bank:BANK-B']" in r.message


def test_record_must_be_travel_rule_data():
    f = funded_for_travel_rule()
    chain, w = f.chain, f.w
    keys = w.keys
    recipients = {"regulator": keys.regulator_sealing.public_key(),
                  "bank:BANK-B": keys.bank_sealing["BANK-B"].public_key()}
    dossier_like = seal(b"{}", recipients, "kyc-dossier")
    env = f.alice.signer.sign("transfer", {"to": f.bob.account, "amount": str(THRESHOLD),
                                           "travel_rule": dossier_like})
    assert "purpose" in expect_rejected(chain, env, "TRAVEL_RULE_MISSING").message
    junk = {**seal(b"{}", recipients, "travel-rule")}
    junk["recipients"] = {**junk["recipients"], "bank:BANK-B": "AAAA"}
    env = f.alice.signer.sign("transfer", {"to": f.bob.account, "amount": str(THRESHOLD),
                                           "travel_rule": junk})
    assert "not an HPKE ciphertext" in expect_rejected(chain, env, "TRAVEL_RULE_MISSING").message


def test_record_must_not_reach_an_unrelated_bank():
    f = funded_for_travel_rule()
    chain, w = f.chain, f.w
    keys = w.keys
    leaky = seal(b"{}", {"regulator": keys.regulator_sealing.public_key(),
                         "bank:BANK-B": keys.bank_sealing["BANK-B"].public_key(),
                         "bank:BANK-C": keys.bank_sealing["BANK-C"].public_key()}, "travel-rule")
    env = f.alice.signer.sign("transfer", {"to": f.bob.account, "amount": str(THRESHOLD),
                                           "travel_rule": leaky})
    r = expect_rejected(chain, env, "TRAVEL_RULE_MISADDRESSED")
    assert "bank:BANK-C" in r.message
    # Also when the transfer is below the threshold and the record optional.
    env = f.alice.signer.sign("transfer", {"to": f.bob.account, "amount": "1",
                                           "travel_rule": leaky})
    expect_rejected(chain, env, "TRAVEL_RULE_MISADDRESSED")


def test_sdk_record_carries_both_identities():
    f = funded_for_travel_rule()
    chain, w = f.chain, f.w
    env = w.transfer_with_travel_rule(f.alice, f.bob, THRESHOLD)
    apply_ok(chain, env)
    record = env["body"]["travel_rule"]
    assert sorted(record["recipients"]) == ["bank:BANK-A", "bank:BANK-B", "regulator"]
    data = open_travel_rule(record, "bank:BANK-B", w.keys.bank_sealing["BANK-B"])
    assert data["originator"] == {"name": "Holder 0", "account": f.alice.account,
                                  "bank": "BANK-A", "national_id": "A000000000"}
    assert data["beneficiary"]["account"] == f.bob.account
    assert data["amount"] == str(THRESHOLD)
