"""Commit certificates as wallets see them: decoding the stored bytes, JSON form, checking.

A certificate proves a block final: quorum-many validators signed PBFT COMMIT messages for
(view, height, digest), where digest is the block header hash. The signature check itself is
``consensus.certificates.verify_certificate`` (one rule for replicas, the observer and wallets);
this module adds the two adapters around it:

* ``decode_stored_certificate`` — the bytes a node stores with each block
  (``consensus.wire.encode_commit_certificate``: view u64 | height u64 | digest blob |
  list(replica u32 | sig)).
* ``certificate_to_json`` / ``certificate_from_json`` — the form the HTTP APIs carry.
"""

from __future__ import annotations

from typing import Any

from consensus.certificates import verify_certificate
from consensus.codec import DecodeError
from consensus.messages import CommitCertificate, Endorsement
from consensus.quorums import Quorums
from consensus.wire import (
    commit_signing_bytes,
    decode_commit_certificate,
    encode_commit_certificate,
)
from ledger.genesis import Genesis, ValidatorKeys


class CertificateFormatError(ValueError):
    """Certificate bytes or JSON that cannot be decoded."""


def encode_stored_certificate(cert: CommitCertificate) -> bytes:
    """The bytes stored beside a block."""
    return encode_commit_certificate(cert)


def decode_stored_certificate(data: bytes) -> CommitCertificate | None:
    """The certificate stored beside a block; None for an uncertified (solo) block."""
    if not data:
        return None
    try:
        cert = decode_commit_certificate(data)
    except DecodeError as exc:
        raise CertificateFormatError(f"stored certificate cannot be decoded: {exc}") from None
    return cert


def certificate_to_json(cert: CommitCertificate) -> dict[str, Any]:
    """JSON form: {view, height, digest (hex), commits: [{replica, signature}]}."""
    return {
        "view": cert.view, "height": cert.height, "digest": cert.digest.hex(),
        "commits": [{"replica": e.replica, "signature": e.signature} for e in cert.commits],
    }


def certificate_from_json(data: dict[str, Any]) -> CommitCertificate:
    """Inverse of ``certificate_to_json``; raises CertificateFormatError."""
    try:
        commits = tuple(Endorsement(int(c["replica"]), str(c["signature"]))
                        for c in data["commits"])
        view, height = data["view"], data["height"]
        if not isinstance(view, int) or not isinstance(height, int) or view < 0 or height < 0:
            raise ValueError("view and height must be non-negative integers")
        return CommitCertificate(view, height, bytes.fromhex(data["digest"]), commits)
    except (KeyError, TypeError, ValueError) as exc:
        raise CertificateFormatError(f"malformed certificate: {exc}") from None


GenesisVerifier = ValidatorKeys
"""The one genesis-keyed validator signature check (``ledger.genesis.ValidatorKeys``)."""


def is_certificate_valid(cert: CommitCertificate, genesis: Genesis) -> bool:
    """Quorum-many distinct genesis validators signed COMMIT for (view, height, digest)."""
    return verify_certificate(cert, GenesisVerifier(genesis), genesis.n)


def compute_certificate_problem(cert: CommitCertificate, genesis: Genesis) -> str:
    """Why ``cert`` does not prove finality (for error messages; the decision is
    ``is_certificate_valid``)."""
    quorums = Quorums(genesis.n)
    verifier = GenesisVerifier(genesis)
    replicas = [e.replica for e in cert.commits]
    duplicated = sorted({r for r in replicas if replicas.count(r) > 1})
    if duplicated:
        return f"validator(s) {duplicated} signed more than once"
    strangers = sorted(r for r in replicas if not quorums.is_member(r))
    if strangers:
        return f"signer(s) {strangers} are not genesis validators"
    for e in cert.commits:
        data = commit_signing_bytes(cert.view, cert.height, cert.digest, e.replica)
        if not verifier.verify(e.replica, e.signature, data):
            return f"validator {e.replica}'s COMMIT signature does not verify"
    if len(cert.commits) < quorums.quorum:
        return (f"only {len(cert.commits)} validator signatures; {quorums.quorum} of "
                f"{genesis.n} are needed")
    return "certificate is not valid"
