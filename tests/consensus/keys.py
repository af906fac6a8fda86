"""Signers and verifiers for simulations: real Ed25519, or a fast keyed-hash stand-in."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519


def _seed(seed: int, index: int) -> bytes:
    return hashlib.sha256(f"ntdc-sim-key/{seed}/{index}".encode()).digest()


class Ed25519Signer:
    def __init__(self, key: ed25519.Ed25519PrivateKey) -> None:
        self._key = key

    def sign(self, data: bytes) -> str:
        raw = self._key.sign(data)
        return "ed25519:" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Ed25519Verifier:
    def __init__(self, public: dict[int, ed25519.Ed25519PublicKey]) -> None:
        self._public = public

    def verify(self, node_index: int, signature: str, data: bytes) -> bool:
        key = self._public.get(node_index)
        if key is None or not isinstance(signature, str) or not signature.startswith("ed25519:"):
            return False
        text = signature[len("ed25519:") :]
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            key.verify(raw, data)
        except (InvalidSignature, ValueError):
            return False
        return True


class HmacSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, data: bytes) -> str:
        return "hmac:" + hmac.new(self._key, data, hashlib.sha256).hexdigest()


class HmacVerifier:
    def __init__(self, keys: dict[int, bytes]) -> None:
        self._keys = keys

    def verify(self, node_index: int, signature: str, data: bytes) -> bool:
        key = self._keys.get(node_index)
        if key is None or not isinstance(signature, str):
            return False
        expected = "hmac:" + hmac.new(key, data, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)


class Keyring:
    """Keys of n replicas derived from a seed."""

    def __init__(self, n: int, seed: int = 0, *, ed25519_keys: bool = False) -> None:
        self.n = n
        self.real = ed25519_keys
        if ed25519_keys:
            private = {
                i: ed25519.Ed25519PrivateKey.from_private_bytes(_seed(seed, i)) for i in range(n)
            }
            self._signers: dict[int, Ed25519Signer | HmacSigner] = {
                i: Ed25519Signer(k) for i, k in private.items()
            }
            self.verifier: Ed25519Verifier | HmacVerifier = Ed25519Verifier(
                {i: k.public_key() for i, k in private.items()}
            )
        else:
            keys = {i: _seed(seed, i) for i in range(n)}
            self._signers = {i: HmacSigner(k) for i, k in keys.items()}
            self.verifier = HmacVerifier(keys)

    def signer(self, index: int) -> Ed25519Signer | HmacSigner:
        return self._signers[index]
