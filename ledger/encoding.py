"""Canonical encoding and hashing for everything that is signed or hashed.

Signed and hashed JSON objects are serialised with RFC 8785 (JSON Canonicalization Scheme)
through the ``rfc8785`` library. Every hash is SHA-256 over a domain tag followed by the bytes,
so a signature or hash made for one structure can never be replayed as another.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import rfc8785

_SAFE_INT = 2**53 - 1
_fast_dumps = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


def _is_fast_path(value: Any) -> bool:
    """True if the stdlib encoder produces exactly the RFC 8785 bytes for ``value``.

    That holds for JSON made of objects with ASCII keys (so code-point and UTF-16 key order
    agree), arrays, strings, booleans, null and integers within ±(2**53 − 1); a float, a
    non-ASCII key or a larger integer sends the value to the rfc8785 library instead.
    """
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_SAFE_INT <= value <= _SAFE_INT
    if isinstance(value, dict):
        return all(isinstance(k, str) and k.isascii() and _is_fast_path(v)
                   for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_is_fast_path(v) for v in value)
    return False


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical bytes of a JSON value (the rfc8785 library is the reference; see
    ``_is_fast_path`` for the subset encoded by the C-accelerated stdlib encoder)."""
    if _is_fast_path(value):
        try:
            return _fast_dumps(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let the library raise its precise error
    return rfc8785.dumps(value)


def canonical_json_of_record(value: Any) -> bytes:
    """RFC 8785 bytes of a record the ledger built itself from typed fields: ASCII keys,
    strings, booleans, null and integers below 2**53 (receipts, account records). Such values
    are always on the fast path, so the per-call check is skipped; tests compare with rfc8785."""
    return _fast_dumps(value).encode("utf-8")


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
