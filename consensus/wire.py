"""Byte layouts: the network frame and the signed bytes of every PBFT message, in one place.

Primitives (``consensus.codec``): integers are big-endian ``u8``/``u32``/``u64``; a *blob* is a
u32 length then the bytes; a *sig* is a blob of ASCII text; a *list* is a u32 count then items.

Frame: ``"NTPB"`` | u8 version (1) | u8 kind | body. A body is its fields in this order, the
author's signature always last:

==============  =====================================================================
FORWARD      1  replica u32 | list(tx_id blob, tx blob) | sig
PRE_PREPARE  2  view u64 | seq u64 | digest blob | list(tx_id blob) | payload blob | sig
PREPARE      3  view u64 | seq u64 | digest blob | replica u32 | sig
COMMIT       4  view u64 | seq u64 | digest blob | replica u32 | sig
CHECKPOINT   5  seq u64 | state_digest blob | replica u32 | sig
VIEW_CHANGE  6  new_view u64 | checkpoint-proof | list(prepared-cert) | replica u32 | sig
NEW_VIEW     7  view u64 | list(VIEW_CHANGE frame blob) | list(PRE_PREPARE frame blob) | sig
STATUS       8  view u64 | u8 view_change | height u64 | checkpoint-proof | replica u32 | sig
FETCH        9  from u64 | to u64 | replica u32 | sig
BLOCK       10  height u64 | digest blob | payload blob | list(tx_id blob)
                | u8 has_cert [| commit-cert] | replica u32 | sig
==============  =====================================================================

Embedded proofs: endorsement = replica u32 | sig; checkpoint-proof = seq u64 | state_digest
blob | list(endorsement); prepared-cert = view u64 | seq u64 | digest blob | requests_hash
blob | primary sig | list(endorsement); commit-cert = view u64 | height u64 | digest blob |
list(endorsement).

Signed bytes: ``"NTDC/pbft/<kind>/v1" 0x00`` followed by the body without its final signature,
with two exceptions. A PRE-PREPARE signs only its header, ``view u64 | seq u64 | digest blob
| requests_hash blob``, where requests_hash = SHA-256(``"NTDC/pbft/requests/v1" 0x00`` |
list(tx_id blob)). A NEW-VIEW signs its body with every embedded PRE-PREPARE's payload
replaced by the empty blob. The payload is bound to the digest by executing it (the digest is
the application's block header hash); signing without it lets a prepared certificate, a
VIEW-CHANGE or a stored NEW-VIEW carry the signatures without the blocks. The tags are
``forward``, ``pre-prepare``, ``prepare``, ``commit``, ``checkpoint``, ``view-change``,
``new-view``, ``status``, ``fetch`` and ``block``. A commit certificate is checked against the
COMMIT signed bytes of each endorsing replica.

Decoding rejects unknown versions and kinds, out-of-range integers, oversized fields, non-ASCII
signatures and trailing bytes with ``DecodeError``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import TypeVar

from consensus.codec import DecodeError, Reader, Writer
from consensus.messages import (
    PROTOCOL_VERSION,
    BlockReply,
    Checkpoint,
    CheckpointProof,
    ClientRequest,
    Commit,
    CommitCertificate,
    Endorsement,
    Fetch,
    Forward,
    Kind,
    Message,
    NewView,
    Prepare,
    PreparedCertificate,
    PrePrepare,
    Status,
    ViewChange,
)
from consensus.signing import Signer

MAGIC = b"NTPB"
MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
MAX_TX_BYTES = 1024 * 1024
MAX_DIGEST_BYTES = 64
MAX_TX_ID_BYTES = 64
MAX_SIGNATURE_CHARS = 8192
MAX_REPLICAS = 1024
MAX_TX_IDS = 100_000
MAX_PREPARED = 4096
MAX_INT = 2**63 - 1

_TAGS: dict[Kind, bytes] = {
    Kind.FORWARD: b"NTDC/pbft/forward/v1\x00",
    Kind.PRE_PREPARE: b"NTDC/pbft/pre-prepare/v1\x00",
    Kind.PREPARE: b"NTDC/pbft/prepare/v1\x00",
    Kind.COMMIT: b"NTDC/pbft/commit/v1\x00",
    Kind.CHECKPOINT: b"NTDC/pbft/checkpoint/v1\x00",
    Kind.VIEW_CHANGE: b"NTDC/pbft/view-change/v1\x00",
    Kind.NEW_VIEW: b"NTDC/pbft/new-view/v1\x00",
    Kind.STATUS: b"NTDC/pbft/status/v1\x00",
    Kind.FETCH: b"NTDC/pbft/fetch/v1\x00",
    Kind.BLOCK: b"NTDC/pbft/block/v1\x00",
}
_REQUESTS_TAG = b"NTDC/pbft/requests/v1\x00"

M = TypeVar("M", bound=Message)


# ---------------------------------------------------------------- field writers and readers


def _w_endorsements(w: Writer, items: tuple[Endorsement, ...]) -> None:
    w.u32(len(items))
    for item in items:
        w.u32(item.replica)
        w.text(item.signature)


def _r_replica(r: Reader) -> int:
    value = r.u32()
    if value >= MAX_REPLICAS:
        raise DecodeError(f"replica index {value} out of range")
    return value


def _r_endorsements(r: Reader) -> tuple[Endorsement, ...]:
    return tuple(
        Endorsement(_r_replica(r), r.text(MAX_SIGNATURE_CHARS))
        for _ in range(r.count(MAX_REPLICAS))
    )


def _w_tx_ids(w: Writer, tx_ids: tuple[bytes, ...]) -> None:
    w.u32(len(tx_ids))
    for tx_id in tx_ids:
        w.blob(tx_id)


def _r_tx_ids(r: Reader) -> tuple[bytes, ...]:
    return tuple(r.blob(MAX_TX_ID_BYTES, 1) for _ in range(r.count(MAX_TX_IDS)))


def _r_digest(r: Reader) -> bytes:
    return r.blob(MAX_DIGEST_BYTES, 1)


def _r_int(r: Reader) -> int:
    return r.u64(MAX_INT)


def write_checkpoint_proof(w: Writer, proof: CheckpointProof) -> None:
    """Append a checkpoint proof."""
    w.u64(proof.seq)
    w.blob(proof.state_digest)
    _w_endorsements(w, proof.endorsements)


def read_checkpoint_proof(r: Reader) -> CheckpointProof:
    """Read a checkpoint proof."""
    return CheckpointProof(_r_int(r), r.blob(MAX_DIGEST_BYTES), _r_endorsements(r))


def write_prepared_certificate(w: Writer, cert: PreparedCertificate) -> None:
    """Append a prepared certificate."""
    w.u64(cert.view)
    w.u64(cert.seq)
    w.blob(cert.digest)
    w.blob(cert.requests_hash)
    w.text(cert.primary_signature)
    _w_endorsements(w, cert.prepares)


def read_prepared_certificate(r: Reader) -> PreparedCertificate:
    """Read a prepared certificate."""
    return PreparedCertificate(
        view=_r_int(r),
        seq=_r_int(r),
        digest=_r_digest(r),
        requests_hash=r.blob(32, 32),
        primary_signature=r.text(MAX_SIGNATURE_CHARS),
        prepares=_r_endorsements(r),
    )


def write_commit_certificate(w: Writer, cert: CommitCertificate) -> None:
    """Append a commit certificate."""
    w.u64(cert.view)
    w.u64(cert.height)
    w.blob(cert.digest)
    _w_endorsements(w, cert.commits)


def read_commit_certificate(r: Reader) -> CommitCertificate:
    """Read a commit certificate."""
    return CommitCertificate(_r_int(r), _r_int(r), _r_digest(r), _r_endorsements(r))


def encode_commit_certificate(cert: CommitCertificate) -> bytes:
    """A commit certificate on its own (how nodes store and ship it beside a block)."""
    w = Writer()
    write_commit_certificate(w, cert)
    return w.getvalue()


def decode_commit_certificate(data: bytes) -> CommitCertificate:
    """Inverse of ``encode_commit_certificate``; raises DecodeError on anything else."""
    r = Reader(data)
    cert = read_commit_certificate(r)
    r.done()
    return cert


# ---------------------------------------------------------------- bodies without signature


def _body_forward(w: Writer, m: Forward) -> None:
    w.u32(m.replica)
    w.u32(len(m.requests))
    for req in m.requests:
        w.blob(req.tx_id)
        w.blob(req.tx)


def _body_pre_prepare(w: Writer, m: PrePrepare) -> None:
    w.u64(m.view)
    w.u64(m.seq)
    w.blob(m.digest)
    _w_tx_ids(w, m.tx_ids)
    w.blob(m.payload)


def _body_vote(w: Writer, m: Prepare | Commit) -> None:
    w.u64(m.view)
    w.u64(m.seq)
    w.blob(m.digest)
    w.u32(m.replica)


def _body_checkpoint(w: Writer, m: Checkpoint) -> None:
    w.u64(m.seq)
    w.blob(m.state_digest)
    w.u32(m.replica)


def _body_view_change(w: Writer, m: ViewChange) -> None:
    w.u64(m.new_view)
    write_checkpoint_proof(w, m.checkpoint)
    w.u32(len(m.prepared))
    for cert in m.prepared:
        write_prepared_certificate(w, cert)
    w.u32(m.replica)


def _body_new_view(w: Writer, m: NewView) -> None:
    w.u64(m.view)
    w.u32(len(m.view_changes))
    for vc in m.view_changes:
        w.blob(encode_message(vc))
    w.u32(len(m.pre_prepares))
    for pp in m.pre_prepares:
        w.blob(encode_message(pp))


def _body_status(w: Writer, m: Status) -> None:
    w.u64(m.view)
    w.flag(m.view_change)
    w.u64(m.committed_height)
    write_checkpoint_proof(w, m.checkpoint)
    w.u32(m.replica)


def _body_fetch(w: Writer, m: Fetch) -> None:
    w.u64(m.from_height)
    w.u64(m.to_height)
    w.u32(m.replica)


def _body_block(w: Writer, m: BlockReply) -> None:
    w.u64(m.height)
    w.blob(m.digest)
    w.blob(m.payload)
    _w_tx_ids(w, m.tx_ids)
    w.flag(m.certificate is not None)
    if m.certificate is not None:
        write_commit_certificate(w, m.certificate)
    w.u32(m.replica)


def _write_body(w: Writer, msg: Message) -> None:
    if isinstance(msg, Forward):
        _body_forward(w, msg)
    elif isinstance(msg, PrePrepare):
        _body_pre_prepare(w, msg)
    elif isinstance(msg, Prepare | Commit):
        _body_vote(w, msg)
    elif isinstance(msg, Checkpoint):
        _body_checkpoint(w, msg)
    elif isinstance(msg, ViewChange):
        _body_view_change(w, msg)
    elif isinstance(msg, NewView):
        _body_new_view(w, msg)
    elif isinstance(msg, Status):
        _body_status(w, msg)
    elif isinstance(msg, Fetch):
        _body_fetch(w, msg)
    elif isinstance(msg, BlockReply):
        _body_block(w, msg)
    else:
        raise TypeError(f"not a PBFT message: {type(msg).__name__}")


# ---------------------------------------------------------------- signed bytes


def requests_hash(tx_ids: tuple[bytes, ...]) -> bytes:
    """SHA-256 commitment to the request ids a PRE-PREPARE consumed."""
    w = Writer()
    _w_tx_ids(w, tx_ids)
    return hashlib.sha256(_REQUESTS_TAG + w.getvalue()).digest()


def pre_prepare_signing_bytes(view: int, seq: int, digest: bytes, req_hash: bytes) -> bytes:
    """What a primary signs for a PRE-PREPARE (its header)."""
    w = Writer()
    w.u64(view)
    w.u64(seq)
    w.blob(digest)
    w.blob(req_hash)
    return _TAGS[Kind.PRE_PREPARE] + w.getvalue()


def prepare_signing_bytes(view: int, seq: int, digest: bytes, replica: int) -> bytes:
    """What a backup signs for a PREPARE."""
    return _vote_signing_bytes(Kind.PREPARE, view, seq, digest, replica)


def commit_signing_bytes(view: int, seq: int, digest: bytes, replica: int) -> bytes:
    """What a replica signs for a COMMIT; commit certificates are checked against it."""
    return _vote_signing_bytes(Kind.COMMIT, view, seq, digest, replica)


def _vote_signing_bytes(kind: Kind, view: int, seq: int, digest: bytes, replica: int) -> bytes:
    w = Writer()
    w.u64(view)
    w.u64(seq)
    w.blob(digest)
    w.u32(replica)
    return _TAGS[kind] + w.getvalue()


def checkpoint_signing_bytes(seq: int, state_digest: bytes, replica: int) -> bytes:
    """What a replica signs for a CHECKPOINT; checkpoint proofs are checked against it."""
    w = Writer()
    w.u64(seq)
    w.blob(state_digest)
    w.u32(replica)
    return _TAGS[Kind.CHECKPOINT] + w.getvalue()


def signing_bytes(msg: Message) -> bytes:
    """The exact bytes the author of ``msg`` signs."""
    if isinstance(msg, PrePrepare):
        return pre_prepare_signing_bytes(msg.view, msg.seq, msg.digest, requests_hash(msg.tx_ids))
    if isinstance(msg, NewView):
        stripped = tuple(dataclasses.replace(pp, payload=b"") for pp in msg.pre_prepares)
        msg = dataclasses.replace(msg, pre_prepares=stripped)
    w = Writer()
    _write_body(w, msg)
    return _TAGS[msg.KIND] + w.getvalue()


def signed(msg: M, signer: Signer) -> M:
    """``msg`` with its signature filled in by ``signer``."""
    return dataclasses.replace(msg, signature=signer.sign(signing_bytes(msg)))


# ---------------------------------------------------------------- frames


def encode_message(msg: Message) -> bytes:
    """The network frame of ``msg``."""
    w = Writer()
    w.raw(MAGIC)
    w.u8(PROTOCOL_VERSION)
    w.u8(int(msg.KIND))
    _write_body(w, msg)
    w.text(msg.signature)
    return w.getvalue()


def _read_forward(r: Reader) -> Forward:
    replica = _r_replica(r)
    requests = tuple(
        ClientRequest(r.blob(MAX_TX_ID_BYTES, 1), r.blob(MAX_TX_BYTES))
        for _ in range(r.count(MAX_TX_IDS))
    )
    return Forward(replica, requests, r.text(MAX_SIGNATURE_CHARS))


def _read_pre_prepare(r: Reader) -> PrePrepare:
    return PrePrepare(
        view=_r_int(r),
        seq=_r_int(r),
        digest=_r_digest(r),
        tx_ids=_r_tx_ids(r),
        payload=r.blob(MAX_PAYLOAD_BYTES),
        signature=r.text(MAX_SIGNATURE_CHARS),
    )


def _read_prepare(r: Reader) -> Prepare:
    return Prepare(_r_int(r), _r_int(r), _r_digest(r), _r_replica(r), r.text(MAX_SIGNATURE_CHARS))


def _read_commit(r: Reader) -> Commit:
    return Commit(_r_int(r), _r_int(r), _r_digest(r), _r_replica(r), r.text(MAX_SIGNATURE_CHARS))


def _read_checkpoint(r: Reader) -> Checkpoint:
    return Checkpoint(
        _r_int(r), r.blob(MAX_DIGEST_BYTES), _r_replica(r), r.text(MAX_SIGNATURE_CHARS)
    )


def _read_view_change(r: Reader) -> ViewChange:
    new_view = _r_int(r)
    checkpoint = read_checkpoint_proof(r)
    prepared = tuple(read_prepared_certificate(r) for _ in range(r.count(MAX_PREPARED)))
    return ViewChange(new_view, checkpoint, prepared, _r_replica(r), r.text(MAX_SIGNATURE_CHARS))


def _read_nested(r: Reader, kind: type[M]) -> M:
    msg = decode_message(r.blob(MAX_FRAME_BYTES))
    if not isinstance(msg, kind):
        raise DecodeError(f"expected an embedded {kind.__name__}")
    return msg


def _read_new_view(r: Reader) -> NewView:
    view = _r_int(r)
    vcs = tuple(_read_nested(r, ViewChange) for _ in range(r.count(MAX_REPLICAS)))
    pps = tuple(_read_nested(r, PrePrepare) for _ in range(r.count(MAX_PREPARED)))
    return NewView(view, vcs, pps, r.text(MAX_SIGNATURE_CHARS))


def _read_status(r: Reader) -> Status:
    return Status(
        view=_r_int(r),
        view_change=r.flag(),
        committed_height=_r_int(r),
        checkpoint=read_checkpoint_proof(r),
        replica=_r_replica(r),
        signature=r.text(MAX_SIGNATURE_CHARS),
    )


def _read_fetch(r: Reader) -> Fetch:
    return Fetch(_r_int(r), _r_int(r), _r_replica(r), r.text(MAX_SIGNATURE_CHARS))


def _read_block(r: Reader) -> BlockReply:
    height = _r_int(r)
    digest = _r_digest(r)
    payload = r.blob(MAX_PAYLOAD_BYTES)
    tx_ids = _r_tx_ids(r)
    certificate = read_commit_certificate(r) if r.flag() else None
    return BlockReply(
        height, digest, payload, tx_ids, certificate, _r_replica(r), r.text(MAX_SIGNATURE_CHARS)
    )


_READERS: dict[Kind, Callable[[Reader], Message]] = {
    Kind.FORWARD: _read_forward,
    Kind.PRE_PREPARE: _read_pre_prepare,
    Kind.PREPARE: _read_prepare,
    Kind.COMMIT: _read_commit,
    Kind.CHECKPOINT: _read_checkpoint,
    Kind.VIEW_CHANGE: _read_view_change,
    Kind.NEW_VIEW: _read_new_view,
    Kind.STATUS: _read_status,
    Kind.FETCH: _read_fetch,
    Kind.BLOCK: _read_block,
}


def decode_message(data: bytes) -> Message:
    """Parse a network frame; raises DecodeError on anything malformed or oversized."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DecodeError("a frame must be bytes")
    if len(data) > MAX_FRAME_BYTES:
        raise DecodeError(f"frame of {len(data)} bytes exceeds {MAX_FRAME_BYTES}")
    if len(data) < len(MAGIC) + 2 or bytes(data[:4]) != MAGIC:
        raise DecodeError("not a PBFT frame")
    r = Reader(bytes(data[4:]))
    version = r.u8()
    if version != PROTOCOL_VERSION:
        raise DecodeError(f"unsupported protocol version {version}")
    kind_value = r.u8()
    try:
        kind = Kind(kind_value)
    except ValueError:
        raise DecodeError(f"unknown message kind {kind_value}") from None
    msg = _READERS[kind](r)
    r.done()
    return msg
