"""HPKE (RFC 9180) sealing of real-name data to named recipients.

The default suite is the hybrid ML-KEM-768 + X25519 KEM with HKDF-SHA256 and AES-256-GCM, so a
dossier stays private even against an adversary who records it today and owns a quantum computer
tomorrow. A sealed record holds one HPKE ciphertext per recipient (the regulator, a home bank, a
counterparty bank); the ``info`` string binds the ciphertext to its purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ledger.encoding import b64u, unb64u

SUITE_NAME = "MLKEM768-X25519/HKDF-SHA256/AES-256-GCM"
_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_PUB_TAG = "mlkem768x25519"
_MLKEM_PUB = 1184
_MLKEM_SEED = 64


class SealingError(ValueError):
    """A sealing key or sealed record that cannot be used."""


@dataclass(frozen=True, slots=True)
class SealingPublicKey:
    mlkem: bytes
    x25519: bytes

    @classmethod
    def parse(cls, text: str) -> SealingPublicKey:
        tag, _, data = text.partition(":")
        raw = unb64u(data) if tag == _PUB_TAG else b""
        if len(raw) != _MLKEM_PUB + 32:
            raise SealingError(f"sealing public key must be '{_PUB_TAG}:<base64url>'")
        return cls(raw[:_MLKEM_PUB], raw[_MLKEM_PUB:])

    def __str__(self) -> str:
        return f"{_PUB_TAG}:{b64u(self.mlkem + self.x25519)}"

    def _key(self) -> hpke.MLKEM768X25519PublicKey:
        return hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(self.mlkem),
            x25519.X25519PublicKey.from_public_bytes(self.x25519),
        )


@dataclass(frozen=True, slots=True)
class SealingPrivateKey:
    mlkem_seed: bytes
    x25519: bytes

    @classmethod
    def generate(cls) -> SealingPrivateKey:
        return cls(
            mlkem.MLKEM768PrivateKey.generate().private_bytes_raw(),
            x25519.X25519PrivateKey.generate().private_bytes_raw(),
        )

    @classmethod
    def parse(cls, text: str) -> SealingPrivateKey:
        tag, _, data = text.partition(":")
        raw = unb64u(data) if tag == _PUB_TAG + "-secret" else b""
        if len(raw) != _MLKEM_SEED + 32:
            raise SealingError("malformed sealing private key")
        return cls(raw[:_MLKEM_SEED], raw[_MLKEM_SEED:])

    def export(self) -> str:
        return f"{_PUB_TAG}-secret:{b64u(self.mlkem_seed + self.x25519)}"

    def __repr__(self) -> str:
        return "SealingPrivateKey(<redacted>)"

    def _key(self) -> hpke.MLKEM768X25519PrivateKey:
        return hpke.MLKEM768X25519PrivateKey(
            mlkem.MLKEM768PrivateKey.from_seed_bytes(self.mlkem_seed),
            x25519.X25519PrivateKey.from_private_bytes(self.x25519),
        )

    def public_key(self) -> SealingPublicKey:
        mk = mlkem.MLKEM768PrivateKey.from_seed_bytes(self.mlkem_seed).public_key()
        xk = x25519.X25519PrivateKey.from_private_bytes(self.x25519).public_key()
        return SealingPublicKey(
            mk.public_bytes(Encoding.Raw, PublicFormat.Raw),
            xk.public_bytes(Encoding.Raw, PublicFormat.Raw),
        )


def seal(plaintext: bytes, recipients: dict[str, SealingPublicKey], purpose: str) -> dict[str, object]:
    """Seal ``plaintext`` separately to each named recipient; returns a JSON-ready record."""
    info = f"NTDC/{purpose}/v1".encode()
    return {
        "suite": SUITE_NAME,
        "purpose": purpose,
        "recipients": {
            name: b64u(_SUITE.encrypt(plaintext, key._key(), info=info))
            for name, key in sorted(recipients.items())
        },
    }


def open_sealed(record: dict[str, object], recipient: str, key: SealingPrivateKey) -> bytes:
    """Open the ciphertext addressed to ``recipient``; raises SealingError if it cannot."""
    recipients = record.get("recipients")
    if record.get("suite") != SUITE_NAME or not isinstance(recipients, dict):
        raise SealingError("not a sealed record of the supported suite")
    ciphertext = recipients.get(recipient)
    if not isinstance(ciphertext, str):
        raise SealingError(f"record is not sealed to {recipient!r}")
    info = f"NTDC/{record.get('purpose')}/v1".encode()
    try:
        return _SUITE.decrypt(unb64u(ciphertext), key._key(), info=info)
    except Exception as exc:  # the library raises several types for a wrong key or tampering
        raise SealingError(f"cannot open record for {recipient!r}: wrong key or tampered") from exc
