"""ledger/por/archive.py: checkpoints recorded at the interval, proofs at past checkpoints while
the chain moves on, attestations and certificates kept for exactly the retained checkpoints."""

from __future__ import annotations

import pytest

from ledger.commitment.merkle_sum import compute_root_from_proof
from ledger.por.archive import ProofArchive, ProofUnavailable
from ledger.por.documents import build_inclusion_proof
from ledger.por.leaf import LeafPreimage
from ledger.por.verify import verify_por
from tests.ledger.por.support import make_por_chain
from tests.support.chain import Chain


def test_checkpoints_are_recorded_at_the_interval_and_retained_for_the_window():
    por = make_por_chain(holders=2, interval=2, retain=3)
    for _ in range(5):
        por.block()
    state = por.chain.state
    assert state.height % 2 == 1
    assert por.archive.heights == [state.height - 5, state.height - 3, state.height - 1]
    record = por.archive.get_record()
    assert record.height == state.height - 1
    with pytest.raises(ProofUnavailable, match="not retained"):
        por.archive.get_record(2)


def test_past_checkpoints_prove_the_balances_they_had():
    por = make_por_chain(holders=3, interval=2, retain=4)
    work, state = por.chain.work, por.chain.state
    alice, bob, carol = por.holders
    first = por.archive.heights[-1]
    before = {h.account: state.accounts[h.account].available for h in por.holders}
    por.block(work.transfer(alice, bob, 1_234))
    _, dave_reg = work.new_holder("BANK-C")
    dave = work.holders[-1]
    por.block(dave_reg, work.redeem(carol, 500))
    second = por.until_checkpoint()
    assert state.accounts[alice.account].available == before[alice.account] - 1_234
    for height in (first, second):
        record = por.archive.get_record(height)
        liabilities = record.liabilities
        for holder in por.holders:
            proof = por.archive.compute_account_proof(holder.account, height)
            leaf = LeafPreimage.from_account(proof.account)
            assert compute_root_from_proof(leaf.compute_hash(), leaf.total, list(proof.steps)) \
                == (liabilities.root, liabilities.total)
            bundle = por.bundle(holder, height)
            report = verify_por(bundle, bundle, por.genesis)
            assert report.checkpoint.height == height
            if height == first:
                assert report.available == before[holder.account]
    assert por.archive.compute_account_proof(alice.account, first).account.available == \
        before[alice.account]
    # Dave registered after the first checkpoint: he has a proof at the second only.
    with pytest.raises(ProofUnavailable, match="did not exist at checkpoint"):
        por.archive.compute_account_proof(dave.account, first)
    assert por.archive.compute_account_proof(dave.account, second).account.available == 0


def test_the_attestation_of_each_retained_checkpoint_is_kept():
    por = make_por_chain(holders=2, interval=2, retain=2)
    first = por.archive.heights[-1]
    first_attestation = por.archive.get_attestation(first)
    assert first_attestation is not None and first_attestation["kind"] == "reserve_attestation"
    por.block(por.chain.work.attest(por.chain.state.supply, por.chain.time_ms))
    second = por.until_checkpoint()
    assert por.archive.get_attestation(second) != first_attestation
    assert por.archive.get_attestation(first) == first_attestation
    por.until_checkpoint()
    por.until_checkpoint()  # the first checkpoint leaves the window, and its attestation too
    assert first not in por.archive.heights
    assert por.archive.get_attestation(por.archive.heights[0]) != first_attestation


def test_certificates_attach_only_to_matching_checkpoints():
    por = make_por_chain(holders=1, interval=2)
    height = por.archive.heights[-1]
    record = por.archive.get_record(height)
    assert not por.archive.attach_certificate(por.certify(height, b"\x00" * 32))
    assert not por.archive.attach_certificate(por.certify(height + 1, record.state_root))
    assert por.archive.get_certified_height() == height


def test_a_checkpoint_without_a_certificate_gives_no_proof():
    chain = Chain.create(seed=3)
    archive = ProofArchive(chain.state, checkpoint_interval=1)
    holder, reg = chain.work.new_holder("BANK-A")
    receipts = chain.block(reg)
    archive.process_block(chain.blocks[-1], receipts)
    with pytest.raises(ProofUnavailable, match="no retained checkpoint is certified"):
        build_inclusion_proof(archive, holder.account)
    chain.block()
    with pytest.raises(ValueError, match="not the state's committed height 2"):
        archive.process_block(chain.blocks[0], receipts)
