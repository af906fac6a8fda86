"""Canonical encoding and hashing for everything that is signed or hashed.

Signed and hashed JSON objects are serialised with RFC 8785 (JSON Canonicalization Scheme)
through the ``rfc8785`` library. Every hash is SHA-256 over a domain tag followed by the bytes,
so a signature or hash made for one structure can never be replayed as another.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import rfc8785


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical bytes of a JSON value."""
    return rfc8785.dumps(value)


def tagged_hash(tag: bytes, data: bytes) -> bytes:
    """SHA-256 over ``tag || 0x00 || data``; the tag names the structure being hashed."""
    return hashlib.sha256(tag + b"\x00" + data).digest()


def b64u(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    """Decode base64url with or without padding; raises ValueError on bad input."""
    if not isinstance(text, str):
        raise ValueError("expected a base64url string")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"invalid base64url: {exc}") from exc
