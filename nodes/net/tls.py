"""TLS 1.3 with node keys: every node's certificate is self-signed by its genesis node key.

Genesis lists each node's certificate; a node trusts exactly those certificates, and after the
handshake checks that the peer's certificate key is the genesis key of the node it claims to be.
Ed25519 signatures are deterministic, so a certificate is a pure function of the node key.
"""

from __future__ import annotations

import datetime
import os
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID

from ledger.crypto.keys import Algorithm, PrivateKey, PublicKey

_NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
_NOT_AFTER = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def _ed25519(key: PrivateKey) -> ed25519.Ed25519PrivateKey:
    if key.alg is not Algorithm.ED25519:
        raise ValueError("node transport keys must be Ed25519")
    return ed25519.Ed25519PrivateKey.from_private_bytes(key.raw)


def make_node_certificate(key: PrivateKey, name: str) -> str:
    """PEM certificate for ``name`` self-signed by the node key."""
    private = _ed25519(key)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(private.public_key()).serial_number(1)
        .not_valid_before(_NOT_BEFORE).not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(private, None)
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def get_certificate_key(der: bytes) -> PublicKey:
    """The node public key inside a peer's DER certificate."""
    public = x509.load_der_x509_certificate(der).public_key()
    if not isinstance(public, ed25519.Ed25519PublicKey):
        raise ValueError("peer certificate is not an Ed25519 node key")
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PublicKey(Algorithm.ED25519, raw)


def make_contexts(key: PrivateKey, cert_pem: str, trusted_pems: list[str],
                  workdir: Path | None = None) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server, client) TLS 1.3 contexts that require and trust only genesis certificates."""
    directory = Path(workdir or tempfile.mkdtemp(prefix="ntdc-tls-"))
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path, ca_path = (directory / n for n in ("node.key", "node.crt", "peers.crt"))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(_ed25519(key).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    cert_path.write_text(cert_pem)
    ca_path.write_text("".join(trusted_pems))
    contexts = []
    for purpose in (ssl.PROTOCOL_TLS_SERVER, ssl.PROTOCOL_TLS_CLIENT):
        context = ssl.SSLContext(purpose)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.load_cert_chain(cert_path, key_path)
        context.load_verify_locations(ca_path)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_REQUIRED
        contexts.append(context)
    key_path.unlink()  # the key is loaded; do not leave it on disk twice
    return contexts[0], contexts[1]
