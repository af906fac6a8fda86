"""Algorithm-tagged keys and signatures (crypto agility).

A public key or signature travels as ``"<alg>:<base64url>"``. ``ed25519`` is accepted for every
signer; ``ml-dsa-65`` (FIPS 204) is accepted for institutional roles. Account ids are derived
from the tagged public key, so an account key can never be swapped without changing the id.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from enum import StrEnum

import bech32
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa

from ledger.encoding import b64u, unb64u
from ledger.types import AccountId


class Algorithm(StrEnum):
    ED25519 = "ed25519"
    ML_DSA_65 = "ml-dsa-65"


_PUBLIC_KEY_SIZES = {Algorithm.ED25519: 32, Algorithm.ML_DSA_65: 1952}
_SIGNATURE_SIZES = {Algorithm.ED25519: 64, Algorithm.ML_DSA_65: 3309}
_RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class KeyError_(ValueError):
    """A key or signature string that cannot be parsed."""


def _split(tagged: str, what: str) -> tuple[Algorithm, bytes]:
    if not isinstance(tagged, str) or ":" not in tagged:
        raise KeyError_(f"{what} must look like '<alg>:<base64url>'")
    alg_text, _, data = tagged.partition(":")
    try:
        alg = Algorithm(alg_text)
    except ValueError:
        raise KeyError_(f"unsupported {what} algorithm {alg_text!r}") from None
    try:
        raw = unb64u(data)
    except ValueError as exc:
        raise KeyError_(f"{what}: {exc}") from None
    return alg, raw


@dataclass(frozen=True, slots=True)
class PublicKey:
    alg: Algorithm
    raw: bytes

    @classmethod
    def parse(cls, tagged: str) -> PublicKey:
        """Parse ``"<alg>:<base64url>"``; raises KeyError_ on a malformed key."""
        alg, raw = _split(tagged, "public key")
        if len(raw) != _PUBLIC_KEY_SIZES[alg]:
            raise KeyError_(f"{alg} public key must be {_PUBLIC_KEY_SIZES[alg]} bytes")
        return cls(alg, raw)

    def __str__(self) -> str:
        return f"{self.alg}:{b64u(self.raw)}"

    def verify(self, signature: str, message: bytes) -> bool:
        """True only if ``signature`` is a valid signature of ``message`` by this key."""
        try:
            alg, sig = _split(signature, "signature")
        except KeyError_:
            return False
        if alg != self.alg or len(sig) != _SIGNATURE_SIZES[alg]:
            return False
        try:
            if alg is Algorithm.ED25519:
                ed25519.Ed25519PublicKey.from_public_bytes(self.raw).verify(sig, message)
            else:
                mldsa.MLDSA65PublicKey.from_public_bytes(self.raw).verify(sig, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@functools.lru_cache(maxsize=1 << 16)
def compute_account_id(public_key: PublicKey) -> AccountId:
    """Account id: bech32('ntdc', SHA-256('NTDC/account/v1' 0x00 alg ':' raw)[:20])."""
    digest = hashlib.sha256(
        b"NTDC/account/v1\x00" + public_key.alg.encode() + b":" + public_key.raw
    ).digest()[:20]
    data = bech32.convertbits(digest, 8, 5)
    assert data is not None  # 20 bytes always convert
    return AccountId(bech32.bech32_encode("ntdc", data))


@functools.lru_cache(maxsize=1 << 16)
def is_account_id(text: str) -> bool:
    """True if ``text`` is a well-formed bech32 NTDC account id."""
    if not isinstance(text, str) or len(text) > 90:
        return False
    hrp, data = bech32.bech32_decode(text)
    if hrp != "ntdc" or data is None:
        return False
    decoded = bech32.convertbits(data, 5, 8, False)
    return decoded is not None and len(decoded) == 20


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """A signing key. Its text form ``"<alg>-secret:<base64url>"`` must never be logged."""

    alg: Algorithm
    raw: bytes

    @classmethod
    def generate(cls, alg: Algorithm = Algorithm.ED25519) -> PrivateKey:
        """A fresh key from the operating system's randomness (never used in the ledger)."""
        return cls.from_seed(os.urandom(32), alg)

    @classmethod
    def from_seed(cls, seed: bytes, alg: Algorithm = Algorithm.ED25519) -> PrivateKey:
        """Derive a key deterministically from a 32-byte seed (tests, simulations, vectors)."""
        if len(seed) != 32:
            raise KeyError_("a key seed must be 32 bytes")
        return cls(alg, seed)

    @classmethod
    def parse(cls, text: str) -> PrivateKey:
        alg_text, _, data = text.partition("-secret:")
        try:
            return cls(Algorithm(alg_text), unb64u(data))
        except ValueError:
            raise KeyError_("malformed private key") from None

    def export(self) -> str:
        return f"{self.alg}-secret:{b64u(self.raw)}"

    def __repr__(self) -> str:
        return f"PrivateKey({self.alg}, <redacted>)"

    __str__ = __repr__

    def _key(self) -> ed25519.Ed25519PrivateKey | mldsa.MLDSA65PrivateKey:
        if self.alg is Algorithm.ED25519:
            return ed25519.Ed25519PrivateKey.from_private_bytes(self.raw)
        return mldsa.MLDSA65PrivateKey.from_seed_bytes(self.raw)

    def public_key(self) -> PublicKey:
        return PublicKey(self.alg, self._key().public_key().public_bytes(*_RAW))

    def sign(self, message: bytes) -> str:
        """Tagged signature of ``message``."""
        return f"{self.alg}:{b64u(self._key().sign(message))}"
