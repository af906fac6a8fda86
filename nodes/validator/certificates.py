"""Commit certificates as stored and shipped bytes, and checking them against genesis keys.

certificate bytes = the ``consensus.wire`` commit-certificate layout (docs/protocol.md).
"""

from __future__ import annotations

from consensus.certificates import verify_certificate
from consensus.codec import DecodeError, Reader, Writer
from consensus.messages import CommitCertificate
from consensus.wire import read_commit_certificate, write_commit_certificate
from ledger.crypto.keys import PublicKey
from ledger.genesis import Genesis


def encode_certificate(cert: CommitCertificate) -> bytes:
    writer = Writer()
    write_commit_certificate(writer, cert)
    return writer.getvalue()


def decode_certificate(data: bytes) -> CommitCertificate | None:
    """The certificate, or None if the bytes are not one."""
    try:
        reader = Reader(data)
        cert = read_commit_certificate(reader)
        reader.done()
    except (DecodeError, ValueError):
        return None
    return cert


class GenesisVerifier:
    """Checks a validator's signature with the node key genesis gives it."""

    def __init__(self, genesis: Genesis) -> None:
        self._keys = [PublicKey.parse(v.node_key) for v in genesis.validators]

    def verify(self, node_index: int, signature: str, data: bytes) -> bool:
        if not 0 <= node_index < len(self._keys):
            return False
        return self._keys[node_index].verify(signature, data)


def make_certificate_check(genesis: Genesis):  # type: ignore[no-untyped-def]
    """(height, header hash, certificate bytes) -> bool, for observers and wallets."""
    verifier = GenesisVerifier(genesis)
    n = len(genesis.validators)

    def check(height: int, digest: bytes, data: bytes) -> bool:
        cert = decode_certificate(data)
        return (cert is not None and cert.height == height and cert.digest == digest
                and verify_certificate(cert, verifier, n))

    return check
