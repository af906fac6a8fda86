"""The signed transaction envelope, its id and its signature.

Wire form (JSON object)::

    {"v": 1, "chain_id": "...", "kind": "transfer", "signer": "ntdc1...", "nonce": 7,
     "body": {...}, "public_key": "ed25519:...", "signature": "ed25519:..."}

signing bytes = "NTDC/tx/v1" || 0x00 || JCS(envelope without "signature")
tx id         = hex(SHA-256(signing bytes))

The id covers everything but the signature, so nobody can malleate a transaction into another
id. ``decode_transaction`` performs every static check (shape, sizes, amounts) and parses the body
into its typed model; the signature is checked separately so that it can be done in parallel and
cached by the node.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ledger.crypto.keys import KeyError_, PrivateKey, PublicKey
from ledger.encoding import canonical_json
from ledger.errors import InvalidTransaction, MalformedTransaction, Reason
from ledger.tx.kinds import BODY_MODELS

MAX_TX_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects a transaction may have."""
TX_DOMAIN = b"NTDC/tx/v1\x00"
_ENVELOPE_KEYS = {"v", "chain_id", "kind", "signer", "nonce", "body", "public_key", "signature"}


@dataclass(frozen=True, slots=True)
class SignedTx:
    tx_id: str
    kind: str
    chain_id: str
    signer: str
    nonce: int
    body: BaseModel
    public_key: PublicKey
    signature: str
    signing_bytes: bytes
    raw: bytes
    """The exact JSON bytes as submitted (what blocks carry)."""


def is_nested_too_deeply(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True if the JSON text ``raw`` nests arrays/objects more than ``limit`` levels deep.

    Checked before parsing so the outcome never depends on the interpreter's stack depth.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte == 0x5B or byte == 0x7B:  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte == 0x5D or byte == 0x7D:  # ] }
            depth -= 1
    return False


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    # I-JSON (RFC 7493): parsers disagree on which of two equal names wins, so refuse both.
    if len(obj) != len(pairs):
        raise ValueError("an object has a duplicate member name")
    return obj


def compute_signing_bytes(envelope: dict[str, Any]) -> bytes:
    """The bytes a signer signs: domain tag + JCS of the envelope minus the signature."""
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    return TX_DOMAIN + canonical_json(unsigned)


def _fail(message: str, reason: Reason = Reason.MALFORMED) -> InvalidTransaction:
    return MalformedTransaction(message) if reason is Reason.MALFORMED else InvalidTransaction(
        message, reason
    )


def _describe(exc: ValidationError) -> tuple[str, Reason]:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    message = f"{where}: {first.get('msg', 'invalid')}"
    reason = Reason.AMOUNT_OUT_OF_RANGE if "amount must be between" in message else Reason.MALFORMED
    return message, reason


def decode_transaction(data: bytes | str | dict[str, Any]) -> SignedTx:
    """Parse and statically check a transaction; raises InvalidTransaction with a reason."""
    if isinstance(data, dict):
        envelope = data
        raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    else:
        raw = data.encode() if isinstance(data, str) else bytes(data)
        if len(raw) > MAX_TX_BYTES:
            raise _fail(f"transaction is {len(raw)} bytes; the limit is {MAX_TX_BYTES}")
        if is_nested_too_deeply(raw):
            raise _fail(f"transaction nests arrays or objects more than {MAX_JSON_DEPTH} deep")
        try:
            # UTF-8 only: json.loads would also take UTF-16 and UTF-32 bytes.
            envelope = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys)
        except (ValueError, RecursionError) as exc:  # deep nesting must not crash a replica
            raise _fail(f"transaction is not valid JSON: {exc}") from None
    if not isinstance(envelope, dict) or set(envelope) != _ENVELOPE_KEYS:
        raise _fail(f"a transaction is a JSON object with exactly the keys {sorted(_ENVELOPE_KEYS)}")
    if len(raw) > MAX_TX_BYTES:
        raise _fail(f"transaction is {len(raw)} bytes; the limit is {MAX_TX_BYTES}")
    # v is the integer 1 (not 1.0 or true), so a version is spelled one way only.
    if type(envelope["v"]) is not int or envelope["v"] != 1:
        raise _fail("unsupported transaction version; expected v=1")
    kind, signer, nonce = envelope["kind"], envelope["signer"], envelope["nonce"]
    if not isinstance(kind, str) or kind not in BODY_MODELS:
        raise _fail(f"unknown transaction kind {kind!r}; known kinds: {sorted(BODY_MODELS)}")
    if not isinstance(envelope["chain_id"], str) or not isinstance(signer, str) or len(signer) > 128:
        raise _fail("chain_id and signer must be short strings")
    if isinstance(nonce, bool) or not isinstance(nonce, int) or not 1 <= nonce <= 2**53:
        raise _fail("nonce must be an integer between 1 and 2**53")
    if not isinstance(envelope["body"], dict):
        raise _fail("body must be a JSON object")
    try:
        public_key = PublicKey.parse(envelope["public_key"])
    except KeyError_ as exc:
        raise _fail(f"public_key: {exc}") from None
    if not isinstance(envelope["signature"], str):
        raise _fail("signature must be a string")
    try:
        body = BODY_MODELS[kind].model_validate(envelope["body"])
    except ValidationError as exc:
        message, reason = _describe(exc)
        raise _fail(f"{kind} {message}", reason) from None
    try:
        signing_bytes = compute_signing_bytes(envelope)
    except Exception as exc:  # rfc8785 rejects e.g. integers beyond 2**53 or lone surrogates
        raise _fail(f"transaction cannot be canonicalised: {exc}") from None
    return SignedTx(
        tx_id=hashlib.sha256(signing_bytes).hexdigest(),
        kind=kind,
        chain_id=envelope["chain_id"],
        signer=signer,
        nonce=nonce,
        body=body,
        public_key=public_key,
        signature=envelope["signature"],
        signing_bytes=signing_bytes,
        raw=raw,
    )


def build_transaction(
    key: PrivateKey, *, chain_id: str, kind: str, signer: str, nonce: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Build and sign an envelope (wallets, banks, tools, tests)."""
    envelope: dict[str, Any] = {
        "v": 1,
        "chain_id": chain_id,
        "kind": kind,
        "signer": signer,
        "nonce": nonce,
        "body": body,
        "public_key": str(key.public_key()),
    }
    envelope["signature"] = key.sign(compute_signing_bytes(envelope))
    return envelope


def encode_transaction(envelope: dict[str, Any]) -> bytes:
    """Compact JSON bytes of a signed envelope, as submitted to a node."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
