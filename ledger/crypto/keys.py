"""Algorithm-tagged keys and signatures (crypto agility).

A public key or signature travels as ``"<alg>:<base64url>"`` (unpadded, canonical base64url:
exactly one text per byte string). ``ed25519`` is accepted for every signer; ``ml-dsa-65``
(FIPS 204) is accepted for institutional roles. Account ids are derived from the tagged public
key, so an account key can never be swapped without changing the id.

Bech32 (BIP 173) checksums are computed here with a table-driven polymod rather than the
``bech32`` reference implementation: account ids are derived and checked on every transaction,
and the reference loop costs more than the signature check it guards.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from enum import StrEnum

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
    # One text per key or signature, so other implementations cannot disagree on what it means.
    if b64u(raw) != data:
        raise KeyError_(f"{what} must be unpadded canonical base64url")
    return alg, raw


@functools.lru_cache(maxsize=1 << 16)
def _parse_public_key(tagged: str) -> PublicKey:
    alg, raw = _split(tagged, "public key")
    if len(raw) != _PUBLIC_KEY_SIZES[alg]:
        raise KeyError_(f"{alg} public key must be {_PUBLIC_KEY_SIZES[alg]} bytes")
    return PublicKey(alg, raw)


@functools.lru_cache(maxsize=1 << 12)
def _load_public_key(
    alg: Algorithm, raw: bytes
) -> ed25519.Ed25519PublicKey | mldsa.MLDSA65PublicKey:
    if alg is Algorithm.ED25519:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    return mldsa.MLDSA65PublicKey.from_public_bytes(raw)


@dataclass(frozen=True, slots=True)
class PublicKey:
    alg: Algorithm
    raw: bytes

    @classmethod
    def parse(cls, tagged: str) -> PublicKey:
        """Parse ``"<alg>:<base64url>"``; raises KeyError_ on a malformed key."""
        if not isinstance(tagged, str):
            raise KeyError_("public key must look like '<alg>:<base64url>'")
        # Cached: the same few keys (banks, roles, busy holders) sign most transactions.
        return _parse_public_key(tagged)

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
            _load_public_key(self.alg, self.raw).verify(sig, message)
        except (InvalidSignature, ValueError):
            return False
        return True


_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES = {c: i for i, c in enumerate(_BECH32_CHARSET)}
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32_TOP = tuple(
    functools.reduce(lambda a, b: a ^ b,
                     (g for i, g in enumerate(_BECH32_GENERATOR) if top >> i & 1), 0)
    for top in range(32)
)
_ACCOUNT_HRP = "ntdc"
ACCOUNT_ID_LENGTH = len(_ACCOUNT_HRP) + 1 + 32 + 6
"""'ntdc' + '1' + 32 data characters (20 bytes) + 6 checksum characters."""


def _bech32_polymod(chk: int, values: list[int]) -> int:
    for value in values:
        chk = ((chk & 0x1FFFFFF) << 5) ^ value ^ _BECH32_TOP[chk >> 25]
    return chk


# The checksum state after the expanded human-readable part, which is always 'ntdc'.
_HRP_STATE = _bech32_polymod(
    1, [ord(c) >> 5 for c in _ACCOUNT_HRP] + [0] + [ord(c) & 31 for c in _ACCOUNT_HRP]
)


@functools.lru_cache(maxsize=1 << 16)
def compute_account_id(public_key: PublicKey) -> AccountId:
    """Account id: bech32('ntdc', SHA-256('NTDC/account/v1' 0x00 alg ':' raw)[:20])."""
    digest = hashlib.sha256(
        b"NTDC/account/v1\x00" + public_key.alg.encode() + b":" + public_key.raw
    ).digest()[:20]
    number = int.from_bytes(digest, "big")
    data = [(number >> (155 - 5 * i)) & 31 for i in range(32)]
    check = _bech32_polymod(_HRP_STATE, data + [0] * 6) ^ 1
    data += [(check >> (25 - 5 * i)) & 31 for i in range(6)]
    return AccountId(_ACCOUNT_HRP + "1" + "".join(_BECH32_CHARSET[d] for d in data))


def is_account_id(text: str) -> bool:
    """True if ``text`` is a well-formed bech32 NTDC account id."""
    return isinstance(text, str) and _is_account_id_text(text)


@functools.lru_cache(maxsize=1 << 16)
def _is_account_id_text(text: str) -> bool:
    if len(text) != ACCOUNT_ID_LENGTH or not text.isascii():
        return False
    lowered = text.lower()
    # BIP 173: all lower case or all upper case, never mixed.
    if text != lowered and text != text.upper():
        return False
    if not lowered.startswith(_ACCOUNT_HRP + "1"):
        return False
    try:
        data = [_BECH32_VALUES[c] for c in lowered[len(_ACCOUNT_HRP) + 1:]]
    except KeyError:
        return False
    return _bech32_polymod(_HRP_STATE, data) == 1


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
