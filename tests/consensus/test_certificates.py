"""Commit certificates, checkpoint proofs and prepared certificates, with real Ed25519 keys:
anyone holding the validators' public keys can check finality, and forgeries fail."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from consensus.certificates import (
    verify_certificate,
    verify_checkpoint_proof,
    verify_prepared_certificate,
)
from consensus.messages import (
    GENESIS_CHECKPOINT,
    CheckpointProof,
    CommitCertificate,
    Endorsement,
    PreparedCertificate,
)
from consensus.quorums import Quorums
from consensus.wire import (
    checkpoint_signing_bytes,
    commit_signing_bytes,
    pre_prepare_signing_bytes,
    prepare_signing_bytes,
    requests_hash,
)
from tests.consensus.keys import Keyring

KEYS = Keyring(4, seed=7, ed25519_keys=True)
D = hashlib.sha256(b"header").digest()


def commit_cert(
    view: int = 2, height: int = 5, signers: tuple[int, ...] = (0, 1, 3)
) -> CommitCertificate:
    commits = tuple(
        Endorsement(r, KEYS.signer(r).sign(commit_signing_bytes(view, height, D, r)))
        for r in signers
    )
    return CommitCertificate(view, height, D, commits)


def test_a_quorum_of_commits_proves_finality() -> None:
    assert verify_certificate(commit_cert(), KEYS.verifier, 4)
    assert verify_certificate(commit_cert(signers=(0, 1, 2, 3)), KEYS.verifier, 4)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: dataclasses.replace(c, commits=c.commits[:2]),  # too few
        lambda c: dataclasses.replace(
            c, commits=(c.commits[0], c.commits[0], c.commits[1])
        ),  # duplicate
        lambda c: dataclasses.replace(c, digest=hashlib.sha256(b"other").digest()),
        lambda c: dataclasses.replace(c, view=c.view + 1),
        lambda c: dataclasses.replace(c, height=c.height + 1),
        lambda c: dataclasses.replace(c, height=0),
        lambda c: dataclasses.replace(
            c, commits=(*c.commits[:2], Endorsement(2, c.commits[2].signature))
        ),
        lambda c: dataclasses.replace(
            c, commits=(*c.commits[:2], Endorsement(9, c.commits[2].signature))
        ),
        lambda c: dataclasses.replace(c, commits=(*c.commits[:2], Endorsement(3, "ed25519:AAAA"))),
        lambda c: dataclasses.replace(
            c, commits=(*c.commits[:2], Endorsement(3, "not a signature"))
        ),
    ],
)
def test_forged_or_incomplete_certificates_fail(tamper: object) -> None:
    cert = tamper(commit_cert())  # type: ignore[operator]
    assert not verify_certificate(cert, KEYS.verifier, 4)


def test_certificate_needs_a_real_membership() -> None:
    assert not verify_certificate(commit_cert(), KEYS.verifier, 3)
    assert not verify_certificate("cert", KEYS.verifier, 4)  # type: ignore[arg-type]
    # With seven validators three signatures are no longer a quorum.
    assert not verify_certificate(commit_cert(), KEYS.verifier, 7)


def test_checkpoint_proofs() -> None:
    q = Quorums(4)
    digest = hashlib.sha256(b"state").digest()
    signs = tuple(
        Endorsement(r, KEYS.signer(r).sign(checkpoint_signing_bytes(8, digest, r)))
        for r in (1, 2, 3)
    )
    proof = CheckpointProof(8, digest, signs)
    assert verify_checkpoint_proof(proof, KEYS.verifier, q, interval=4)
    assert verify_checkpoint_proof(GENESIS_CHECKPOINT, KEYS.verifier, q, interval=4)
    assert not verify_checkpoint_proof(
        proof, KEYS.verifier, q, interval=3
    )  # not a checkpoint height
    assert not verify_checkpoint_proof(dataclasses.replace(proof, seq=12), KEYS.verifier, q, 4)
    assert not verify_checkpoint_proof(
        dataclasses.replace(proof, endorsements=signs[:2]), KEYS.verifier, q, 4
    )
    assert not verify_checkpoint_proof(CheckpointProof(0, b"x", ()), KEYS.verifier, q, 4)


def test_prepared_certificates() -> None:
    q = Quorums(4)
    view, seq, rh = 1, 3, requests_hash((b"a",))
    primary_sig = KEYS.signer(1).sign(pre_prepare_signing_bytes(view, seq, D, rh))

    def prepares(*replicas: int) -> tuple[Endorsement, ...]:
        return tuple(
            Endorsement(r, KEYS.signer(r).sign(prepare_signing_bytes(view, seq, D, r)))
            for r in replicas
        )

    cert = PreparedCertificate(view, seq, D, rh, primary_sig, prepares(0, 2))
    assert verify_prepared_certificate(cert, KEYS.verifier, q)
    assert not verify_prepared_certificate(
        dataclasses.replace(cert, prepares=prepares(0)), KEYS.verifier, q
    )
    # The primary's own PREPARE does not count.
    assert not verify_prepared_certificate(
        dataclasses.replace(cert, prepares=prepares(0, 1)), KEYS.verifier, q
    )
    assert not verify_prepared_certificate(
        dataclasses.replace(cert, requests_hash=b"\x00" * 32), KEYS.verifier, q
    )
    assert not verify_prepared_certificate(dataclasses.replace(cert, view=2), KEYS.verifier, q)
