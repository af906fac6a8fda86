"""ledger/por/verify.py: the stand-alone verifier accepts real proofs and rejects every forgery
named in the proof-of-reserves acceptance criteria, naming the first check that fails."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ledger.crypto.keys import PrivateKey
from ledger.por.certificate import encode_certificate, sign_checkpoint
from ledger.por.documents import parse_checkpoint_document
from ledger.por.leaf import MAX_BALANCE
from ledger.por.records import compute_state_root_from_entries
from ledger.por.verify import PorFailure, verify_checkpoint, verify_por
from ledger.types import MAX_SUPPLY
from tests.ledger.por.support import PorChain, make_por_chain


@pytest.fixture(scope="module")
def por() -> PorChain:
    return make_por_chain(holders=5)


@pytest.fixture
def bundle(por: PorChain) -> dict[str, Any]:
    return copy.deepcopy(por.bundle(por.holders[2]))


def fail(bundle: dict[str, Any], por: PorChain, proof: dict[str, Any] | None = None) -> PorFailure:
    with pytest.raises(PorFailure) as info:
        verify_por(bundle["checkpoint"], proof or bundle["inclusion"], por.genesis)
    return info.value


def resign(por: PorChain, checkpoint: dict[str, Any], signers: tuple[int, ...] = (0, 1, 2),
           inclusion: dict[str, Any] | None = None) -> None:
    """Recompute a tampered checkpoint's state root and have ``signers`` endorse it."""
    record = parse_checkpoint_document(checkpoint).record
    root = compute_state_root_from_entries(record.tables)
    checkpoint["state_root"] = root.hex()
    checkpoint["certificate"] = encode_certificate(por.certify(record.height, root, signers))
    if inclusion is not None:
        inclusion["state_root"] = root.hex()


def test_a_real_proof_verifies_and_reports_the_leaf_and_the_reserves(por, bundle):
    holder = por.holders[2]
    account = por.chain.state.accounts[holder.account]
    report = verify_por(bundle["checkpoint"], bundle["inclusion"], por.genesis)
    assert (report.account, report.available, report.balance) == (
        holder.account, account.available, account.total)
    figures = report.checkpoint
    assert figures.liabilities_total == por.chain.state.supply == 150_000
    assert figures.reserves == figures.attested_reserves == 150_000
    assert (figures.endorsements, figures.quorum) == (3, 3)
    # Both parts may be given as the bundle itself, and survive a JSON round trip.
    text = json.loads(json.dumps(bundle))
    assert verify_por(text, text, por.genesis) == report
    assert verify_checkpoint(bundle["checkpoint"], por.genesis) == figures


def test_every_account_at_the_checkpoint_verifies(por):
    for holder in por.holders:
        b = por.bundle(holder)
        assert verify_por(b, b, por.genesis).account == holder.account


@pytest.mark.parametrize("level", range(3))
@pytest.mark.parametrize("delta", [1, -1])
def test_rejects_a_proof_with_any_sibling_sum_changed(bundle, por, level, delta):
    path = bundle["inclusion"]["path"]
    assert len(path) == 3  # 6 accounts: depth 3
    if int(path[level]["sum"]) + delta < 0:
        delta = -delta
    path[level]["sum"] = str(int(path[level]["sum"]) + delta)
    failure = fail(bundle, por)
    assert failure.check == "root"
    assert "not the liabilities root" in failure.message


def test_rejects_moving_value_between_siblings_even_if_the_total_is_kept(bundle, por):
    path = bundle["inclusion"]["path"]
    donor = next(i for i, s in enumerate(path) if int(s["sum"]) > 0)
    path[donor]["sum"] = str(int(path[donor]["sum"]) - 500)
    bundle["inclusion"]["leaf"]["available"] = str(
        int(bundle["inclusion"]["leaf"]["available"]) + 500)
    assert fail(bundle, por).check == "root"


def test_rejects_a_negative_sibling_sum(bundle, por):
    bundle["inclusion"]["path"][0]["sum"] = "-1"
    failure = fail(bundle, por)
    assert failure.check == "path"
    assert "sibling sum -1 is outside" in failure.message


@pytest.mark.parametrize("field", ["available", "pledged", "held"])
def test_rejects_a_leaf_with_a_negative_balance(bundle, por, field):
    bundle["inclusion"]["leaf"][field] = "-5"
    failure = fail(bundle, por)
    assert failure.check == "leaf"
    assert f"{field} is negative" in failure.message


@pytest.mark.parametrize("value", [MAX_SUPPLY + 1, 2**63, 2**64 + 7])
def test_rejects_a_leaf_with_an_out_of_range_balance(bundle, por, value):
    bundle["inclusion"]["leaf"]["pledged"] = str(value)
    failure = fail(bundle, por)
    assert failure.check == "leaf"
    assert "exceeds the bound" in failure.message


def test_rejects_a_leaf_whose_balances_sum_beyond_the_bound(bundle, por):
    leaf = bundle["inclusion"]["leaf"]
    leaf["available"], leaf["held"] = str(MAX_BALANCE), "1"
    assert fail(bundle, por).check == "leaf"


def test_rejects_a_path_reaching_the_root_hash_but_not_the_total(bundle, por):
    # A quorum of colluding validators signs a checkpoint whose liabilities entry keeps the
    # real root hash but states a smaller total: the path folds to that hash with the true sum.
    checkpoint, inclusion = bundle["checkpoint"], bundle["inclusion"]
    entry = next(t for t in checkpoint["tables"] if t["name"] == "accounts")
    entry["total"] = str(int(entry["total"]) - 1_000)
    inclusion["liabilities"]["total"] = entry["total"]
    resign(por, checkpoint, inclusion=inclusion)
    failure = fail(bundle, por)
    assert failure.check == "root"
    assert "reaches the liabilities root hash but sums to 150000" in failure.message


def test_rejects_a_proof_that_states_another_total_than_its_checkpoint(bundle, por):
    bundle["inclusion"]["liabilities"]["total"] = "149000"
    assert fail(bundle, por).check == "binding"


def test_rejects_fewer_than_a_quorum_of_signatures(bundle, por):
    resign(por, bundle["checkpoint"], signers=(0, 1))
    failure = fail(bundle, por)
    assert failure.check == "certificate"
    assert "2 valid validator signature(s); a checkpoint needs 3" in failure.message


def test_rejects_a_signature_from_a_non_validator(bundle, por):
    checkpoint = bundle["checkpoint"]
    root = bytes.fromhex(checkpoint["state_root"])
    outsider = PrivateKey.from_seed(b"\x07" * 32)
    endorsement = sign_checkpoint(outsider, checkpoint["height"], root, 4)
    checkpoint["certificate"]["endorsements"].append(
        {"replica": endorsement.replica, "signature": endorsement.signature})
    failure = fail(bundle, por)
    assert failure.check == "certificate"
    assert "replica 4, which is not a validator" in failure.message


def test_rejects_a_non_validator_key_signing_in_a_validators_place(bundle, por):
    checkpoint = bundle["checkpoint"]
    root = bytes.fromhex(checkpoint["state_root"])
    forged = sign_checkpoint(PrivateKey.from_seed(b"\x08" * 32), checkpoint["height"], root, 3)
    checkpoint["certificate"]["endorsements"][0] = {"replica": 3, "signature": forged.signature}
    failure = fail(bundle, por)
    assert failure.check == "certificate"
    assert "signature of validator 3 (BANK-D) does not verify" in failure.message


def test_rejects_a_validator_counted_twice(bundle, por):
    endorsements = bundle["checkpoint"]["certificate"]["endorsements"]
    endorsements[2] = dict(endorsements[0])
    failure = fail(bundle, por)
    assert (failure.check, "endorses twice" in failure.message) == ("certificate", True)


def test_rejects_a_certificate_for_another_state_root(bundle, por):
    bundle["checkpoint"]["certificate"]["state_digest"] = "00" * 32
    assert fail(bundle, por).check == "certificate"


def test_rejects_liabilities_above_attested_reserves():
    short = make_por_chain(holders=3, attest_surplus=-1)
    b = short.bundle(short.holders[0])
    failure = fail(b, short)
    assert failure.check == "reserves"
    assert "exceed custodian-attested reserves 59999" in failure.message


def test_pending_payouts_count_as_liabilities():
    por = make_por_chain(holders=3)
    work, state = por.chain.work, por.chain.state
    supply = state.supply
    por.block(work.redeem(por.holders[0], 4_000))
    # The custodian has not paid yet, but attests as if it had: the reserve no longer covers
    # what the chain owes (balances plus the redemption awaiting payout).
    por.block(work.attest(supply - 4_000, por.chain.time_ms))
    height = por.until_checkpoint()
    b = por.bundle(por.holders[1], height)
    failure = fail(b, por)
    assert failure.check == "reserves"
    assert "pending payouts 4000" in failure.message


def test_rejects_a_proof_for_a_different_checkpoint():
    por = make_por_chain(holders=2)
    first = por.archive.heights[-1]
    por.block(por.chain.work.transfer(por.holders[0], por.holders[1], 100))
    second = por.until_checkpoint()
    old = por.bundle(por.holders[0], first)
    new = por.bundle(por.holders[0], second)
    assert verify_por(old, old, por.genesis) and verify_por(new, new, por.genesis)
    with pytest.raises(PorFailure) as info:
        verify_por(new["checkpoint"], old["inclusion"], por.genesis)
    assert info.value.check == "binding"
    assert f"proof is for checkpoint ntdc-local@{first}" in info.value.message
    # Relabelling the old proof with the new checkpoint's identity does not help either.
    relabelled = copy.deepcopy(old["inclusion"])
    relabelled["height"], relabelled["state_root"] = second, new["checkpoint"]["state_root"]
    relabelled["liabilities"] = new["inclusion"]["liabilities"]
    with pytest.raises(PorFailure) as info:
        verify_por(new["checkpoint"], relabelled, por.genesis)
    assert info.value.check in ("path", "root")


def test_rejects_a_checkpoint_without_a_custodian_attestation():
    por = make_por_chain(holders=2)
    b = por.bundle(por.holders[0])
    b["checkpoint"]["attestation"] = None
    failure = fail(b, por)
    assert (failure.check, "does not carry attestation" in failure.message) == (
        "attestation", True)


def test_rejects_an_attestation_signed_by_another_key(bundle, por):
    envelope = bundle["checkpoint"]["attestation"]
    impostor = por.chain.work.role("regulator")
    forged = impostor.sign("reserve_attestation", envelope["body"])
    forged["signer"] = "custodian"
    bundle["checkpoint"]["attestation"] = forged
    failure = fail(bundle, por)
    assert failure.check == "attestation"


def test_rejects_an_attestation_with_a_changed_balance(bundle, por):
    bundle["checkpoint"]["attestation"]["body"]["reserve_balance"] = "999999999"
    failure = fail(bundle, por)
    assert (failure.check, "does not verify" in failure.message) == ("attestation", True)


def test_rejects_hidden_meta_rows(bundle, por):
    # Leaving a row out (here: the height) cannot make it look absent: the meta root breaks.
    meta = bundle["checkpoint"]["meta"]
    bundle["checkpoint"]["meta"] = [row for row in meta if row["key"] != "height"]
    failure = fail(bundle, por)
    assert (failure.check, failure.message) == (
        "meta", "the meta rows do not rebuild the meta table's root")


def test_rejects_a_tampered_state_root_preimage(bundle, por):
    banks = next(t for t in bundle["checkpoint"]["tables"] if t["name"] == "banks")
    banks["size"] += 1
    failure = fail(bundle, por)
    assert (failure.check, failure.message) == (
        "state-root", "the table entries do not hash to the checkpoint's state root")


def test_rejects_a_checkpoint_of_another_chain(bundle, por):
    other = por.genesis.model_copy(update={"chain_id": "ntdc-other"})
    with pytest.raises(PorFailure) as info:
        verify_por(bundle, bundle, other)
    assert info.value.check == "state-root"


def test_rejects_malformed_documents_with_the_field_named(bundle, por):
    del bundle["inclusion"]["leaf"]["salt"]
    failure = fail(bundle, por)
    assert failure.check == "documents"
    assert "missing ['salt']" in failure.message
