"""ledger/por/certificate.py: checkpoint certificates are PBFT's stable-checkpoint proofs, and
are checked with reasons."""

from __future__ import annotations

import pytest

from consensus.codec import Writer
from consensus.messages import CheckpointProof, Endorsement
from consensus.quorums import Quorums
from consensus.wire import checkpoint_signing_bytes, write_checkpoint_proof
from ledger.crypto.keys import PrivateKey
from ledger.por.certificate import (
    CertificateError,
    compute_quorum,
    decode_certificate,
    decode_certificate_bytes,
    encode_certificate,
    sign_checkpoint,
    verify_checkpoint_certificate,
)
from nodes.devnet import make_devnet

ROOT = bytes(range(32))


@pytest.fixture(scope="module")
def devnet():
    return make_devnet(b"\x01" * 32)


def certificate(keys, signers, height=32, root=ROOT) -> CheckpointProof:
    return CheckpointProof(height, root, tuple(
        sign_checkpoint(keys.node_keys[i], height, root, i) for i in signers))


def test_endorsements_sign_exactly_the_consensus_checkpoint_bytes(devnet):
    _, keys = devnet
    endorsement = sign_checkpoint(keys.node_keys[2], 32, ROOT, 2)
    message = checkpoint_signing_bytes(32, ROOT, 2)
    assert message == (b"NTDC/pbft/checkpoint/v1\x00" + (32).to_bytes(8, "big")
                       + (32).to_bytes(4, "big") + ROOT + (2).to_bytes(4, "big"))
    assert keys.node_keys[2].public_key().verify(endorsement.signature, message)


def test_a_quorum_of_distinct_validators_certifies(devnet):
    genesis, keys = devnet
    assert compute_quorum(genesis) == Quorums(4).quorum == 3
    proof = certificate(keys, (3, 0, 2))
    assert verify_checkpoint_certificate(proof, genesis, height=32, state_root=ROOT) == 3
    assert verify_checkpoint_certificate(certificate(keys, (0, 1, 2, 3)), genesis, height=32,
                                         state_root=ROOT) == 4


@pytest.mark.parametrize(("signers", "message"), [
    ((0, 1), "2 valid validator signature(s); a checkpoint needs 3"),
    ((), "0 valid validator signature(s)"),
])
def test_too_few_signatures_are_refused(devnet, signers, message):
    genesis, keys = devnet
    with pytest.raises(CertificateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        verify_checkpoint_certificate(certificate(keys, signers), genesis, height=32,
                                      state_root=ROOT)


def test_non_validators_duplicates_and_bad_signatures_are_refused(devnet):
    genesis, keys = devnet
    good = certificate(keys, (0, 1, 2))
    outsider = sign_checkpoint(PrivateKey.from_seed(b"\x09" * 32), 32, ROOT, 9)
    cases = {
        "replica 9, which is not a validator": (*good.endorsements, outsider),
        "validator 0 endorses twice": (*good.endorsements, good.endorsements[0]),
        "signature of validator 1 (BANK-B) does not verify": (
            good.endorsements[0], Endorsement(1, good.endorsements[2].signature),
            good.endorsements[2]),
    }
    for message, endorsements in cases.items():
        with pytest.raises(CertificateError, match=message.replace("(", r"\(").replace(")", r"\)")):
            verify_checkpoint_certificate(CheckpointProof(32, ROOT, endorsements), genesis,
                                          height=32, state_root=ROOT)


def test_a_certificate_for_another_checkpoint_is_refused(devnet):
    genesis, keys = devnet
    with pytest.raises(CertificateError, match="for height 32, not 48"):
        verify_checkpoint_certificate(certificate(keys, (0, 1, 2)), genesis, height=48,
                                      state_root=ROOT)
    with pytest.raises(CertificateError, match="signs state root"):
        verify_checkpoint_certificate(certificate(keys, (0, 1, 2)), genesis, height=32,
                                      state_root=b"\x00" * 32)


def test_json_and_consensus_binary_forms_decode_to_the_same_proof(devnet):
    _, keys = devnet
    proof = certificate(keys, (0, 1, 2))
    assert decode_certificate(encode_certificate(proof)) == proof
    writer = Writer()
    write_checkpoint_proof(writer, proof)
    assert decode_certificate_bytes(writer.getvalue()) == proof
    with pytest.raises(CertificateError, match="malformed"):
        decode_certificate_bytes(writer.getvalue() + b"\x00")
    with pytest.raises(CertificateError):
        decode_certificate({"seq": 1, "state_digest": "zz", "endorsements": []})
    with pytest.raises(CertificateError):
        decode_certificate({"seq": True, "state_digest": "00", "endorsements": []})
