"""Checking and building the signature bundles that prove PBFT decisions.

``verify_certificate`` is public: the regulator's observer and wallets use it to check that a
block is final without running a replica. The other checks are used by replicas to validate the
proofs inside VIEW-CHANGE, NEW-VIEW and STATUS messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from consensus.messages import (
    CheckpointProof,
    CommitCertificate,
    Endorsement,
    PreparedCertificate,
)
from consensus.quorums import Quorums
from consensus.signing import Verifier
from consensus.wire import (
    checkpoint_signing_bytes,
    commit_signing_bytes,
    pre_prepare_signing_bytes,
    prepare_signing_bytes,
)


def _distinct_members(endorsements: tuple[Endorsement, ...], quorums: Quorums) -> bool:
    replicas = [e.replica for e in endorsements]
    return len(set(replicas)) == len(replicas) and all(quorums.is_member(r) for r in replicas)


def verify_certificate(cert: CommitCertificate, validator_verifier: Verifier, n: int) -> bool:
    """True if ``cert`` holds quorum-many valid COMMIT signatures from distinct validators."""
    if not isinstance(cert, CommitCertificate) or n < 4:
        return False
    quorums = Quorums(n)
    if cert.height < 1 or not cert.digest:
        return False
    if len(cert.commits) < quorums.quorum or not _distinct_members(cert.commits, quorums):
        return False
    return all(
        validator_verifier.verify(
            e.replica,
            e.signature,
            commit_signing_bytes(cert.view, cert.height, cert.digest, e.replica),
        )
        for e in cert.commits
    )


def verify_checkpoint_proof(
    proof: CheckpointProof, verifier: Verifier, quorums: Quorums, interval: int
) -> bool:
    """True if ``proof`` is the genesis checkpoint or quorum-many valid CHECKPOINT signatures."""
    if proof.seq == 0:
        return proof.state_digest == b"" and proof.endorsements == ()
    if proof.seq % interval != 0 or not proof.state_digest:
        return False
    if len(proof.endorsements) < quorums.quorum:
        return False
    if not _distinct_members(proof.endorsements, quorums):
        return False
    return all(
        verifier.verify(
            e.replica,
            e.signature,
            checkpoint_signing_bytes(proof.seq, proof.state_digest, e.replica),
        )
        for e in proof.endorsements
    )


def verify_prepared_certificate(
    cert: PreparedCertificate, verifier: Verifier, quorums: Quorums
) -> bool:
    """True if ``cert`` is a PRE-PREPARE signed by its primary plus enough matching PREPAREs."""
    primary = quorums.primary(cert.view)
    if len(cert.prepares) < quorums.prepares_needed:
        return False
    if not _distinct_members(cert.prepares, quorums):
        return False
    if any(e.replica == primary for e in cert.prepares):
        return False
    header = pre_prepare_signing_bytes(cert.view, cert.seq, cert.digest, cert.requests_hash)
    if not verifier.verify(primary, cert.primary_signature, header):
        return False
    return all(
        verifier.verify(
            e.replica,
            e.signature,
            prepare_signing_bytes(cert.view, cert.seq, cert.digest, e.replica),
        )
        for e in cert.prepares
    )


def pick_endorsements(signatures: Iterable[tuple[int, str]], count: int) -> tuple[Endorsement, ...]:
    """The ``count`` endorsements of the lowest replica indices, in index order (canonical)."""
    chosen = sorted(signatures)[:count]
    return tuple(Endorsement(replica, signature) for replica, signature in chosen)
