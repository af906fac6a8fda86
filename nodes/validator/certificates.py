"""Commit certificates as nodes store and ship them, and checking them against genesis keys.

certificate bytes = ``consensus.wire.encode_commit_certificate`` (docs/protocol.md §14.6);
validator signatures are checked with ``ledger.genesis.ValidatorKeys``.
"""

from __future__ import annotations

from collections.abc import Callable

from consensus.certificates import verify_certificate
from consensus.codec import DecodeError
from consensus.messages import CommitCertificate
from consensus.wire import decode_commit_certificate, encode_commit_certificate
from ledger.genesis import Genesis, ValidatorKeys

encode_certificate = encode_commit_certificate


def decode_certificate(data: bytes) -> CommitCertificate | None:
    """The certificate, or None if the bytes are not one."""
    try:
        return decode_commit_certificate(data)
    except (DecodeError, ValueError):
        return None


def make_certificate_check(genesis: Genesis) -> Callable[[int, bytes, bytes], bool]:
    """(height, header hash, certificate bytes) -> bool, for observers and wallets."""
    verifier = ValidatorKeys(genesis)
    n = len(genesis.validators)

    def check(height: int, digest: bytes, data: bytes) -> bool:
        cert = decode_certificate(data)
        return (cert is not None and cert.height == height and cert.digest == digest
                and verify_certificate(cert, verifier, n))

    return check
