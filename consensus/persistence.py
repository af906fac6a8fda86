"""What a replica must remember across a crash, as typed records with a byte encoding.

A replica that forgot its votes could sign two different blocks for one (view, seq) after a
restart, and one that forgot its prepared certificates could let a view change drop a committed
block. So every step returns the records the runtime must make durable *before* it sends that
step's messages. Records are deltas, appended in order; a ``SnapshotRecord`` (written at each
stable checkpoint) replaces everything before it, so the runtime may delete older records.
``fold_records`` turns the stored sequence back into a ``DurableState`` for ``Replica.restore``.

Encoding: ``"NTPR"`` | u8 version (1) | u8 record kind | body, with the primitives of
``consensus.codec`` and the message/proof layouts of ``consensus.wire``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from consensus.codec import DecodeError, Reader, Writer
from consensus.messages import (
    GENESIS_CHECKPOINT,
    CheckpointProof,
    NewView,
    PreparedCertificate,
    ViewChange,
)
from consensus.wire import (
    MAX_DIGEST_BYTES,
    MAX_FRAME_BYTES,
    MAX_INT,
    MAX_PAYLOAD_BYTES,
    MAX_PREPARED,
    decode_message,
    encode_message,
    read_checkpoint_proof,
    read_prepared_certificate,
    write_checkpoint_proof,
    write_prepared_certificate,
)

RECORD_MAGIC = b"NTPR"
RECORD_VERSION = 1


class RecordKind(IntEnum):
    """Tag of each persistence record."""

    VOTE = 1
    PREPARED = 2
    CHECKPOINT = 3
    VIEW_CHANGE = 4
    NEW_VIEW = 5
    SNAPSHOT = 6
    PAYLOAD = 7


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """This replica proposed (primary) or prepared (backup) ``digest`` at (view, seq)."""

    view: int
    seq: int
    digest: bytes


@dataclass(frozen=True, slots=True)
class PayloadRecord:
    """The bytes of a block this replica voted for but has not committed yet.

    Without them, a block prepared everywhere could be re-proposed by digest after every
    replica that held it restarted, and no one could execute it.
    """

    seq: int
    digest: bytes
    payload: bytes


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """This replica holds a prepared certificate (it is about to send COMMIT)."""

    certificate: PreparedCertificate


@dataclass(frozen=True, slots=True)
class CheckpointRecord:
    """A checkpoint became stable."""

    proof: CheckpointProof


@dataclass(frozen=True, slots=True)
class ViewChangeRecord:
    """This replica left its view and sent this VIEW-CHANGE."""

    message: ViewChange


@dataclass(frozen=True, slots=True)
class NewViewRecord:
    """This replica entered ``message.view`` (block payloads stripped)."""

    message: NewView


@dataclass(frozen=True, slots=True)
class SnapshotRecord:
    """The whole durable state; every earlier record may be discarded."""

    view: int
    view_change: ViewChange | None
    new_view: NewView | None
    votes: tuple[tuple[int, bytes], ...]
    prepared: tuple[PreparedCertificate, ...]
    checkpoint: CheckpointProof
    payloads: tuple[PayloadRecord, ...] = ()


Record = (
    VoteRecord
    | PayloadRecord
    | PreparedRecord
    | CheckpointRecord
    | ViewChangeRecord
    | NewViewRecord
    | SnapshotRecord
)


@dataclass(slots=True)
class DurableState:
    """The safety-relevant state rebuilt from records."""

    view: int = 0
    view_change: ViewChange | None = None
    new_view: NewView | None = None
    votes: dict[int, bytes] = field(default_factory=dict)
    prepared: dict[int, PreparedCertificate] = field(default_factory=dict)
    checkpoint: CheckpointProof = GENESIS_CHECKPOINT
    payloads: dict[tuple[int, bytes], bytes] = field(default_factory=dict)

    def apply(self, record: Record) -> None:
        """Fold one record into the state."""
        if isinstance(record, VoteRecord):
            if record.view == self.view and self.view_change is None:
                self.votes[record.seq] = record.digest
        elif isinstance(record, PayloadRecord):
            if record.seq > self.checkpoint.seq:
                self.payloads[(record.seq, record.digest)] = record.payload
        elif isinstance(record, PreparedRecord):
            cert = record.certificate
            old = self.prepared.get(cert.seq)
            if cert.seq > self.checkpoint.seq and (old is None or old.view <= cert.view):
                self.prepared[cert.seq] = cert
        elif isinstance(record, CheckpointRecord):
            if record.proof.seq > self.checkpoint.seq:
                self.checkpoint = record.proof
                low = record.proof.seq
                self.votes = {s: d for s, d in self.votes.items() if s > low}
                self.prepared = {s: c for s, c in self.prepared.items() if s > low}
                self.payloads = {k: p for k, p in self.payloads.items() if k[0] > low}
        elif isinstance(record, ViewChangeRecord):
            self.view = record.message.new_view
            self.view_change = record.message
            self.new_view = None
            self.votes = {}
        elif isinstance(record, NewViewRecord):
            self.view = record.message.view
            self.view_change = None
            self.new_view = record.message
            self.votes = {}
        else:
            self.view = record.view
            self.view_change = record.view_change
            self.new_view = record.new_view
            self.votes = dict(record.votes)
            self.prepared = {c.seq: c for c in record.prepared}
            self.checkpoint = record.checkpoint
            self.payloads = {(p.seq, p.digest): p.payload for p in record.payloads}

    def snapshot(self) -> SnapshotRecord:
        """A record that reproduces this state on its own."""
        return SnapshotRecord(
            view=self.view,
            view_change=self.view_change,
            new_view=self.new_view,
            votes=tuple(sorted(self.votes.items())),
            prepared=tuple(self.prepared[s] for s in sorted(self.prepared)),
            checkpoint=self.checkpoint,
            payloads=tuple(PayloadRecord(s, d, p) for (s, d), p in sorted(self.payloads.items())),
        )


def fold_records(records: Iterable[Record | bytes]) -> DurableState:
    """Rebuild the durable state from records (objects or their bytes), oldest first."""
    state = DurableState()
    for item in records:
        state.apply(record_from_bytes(item) if isinstance(item, bytes) else item)
    return state


def strip_payloads(message: NewView) -> NewView:
    """``message`` without block payloads (they are recoverable from peers)."""
    return dataclasses.replace(
        message,
        pre_prepares=tuple(dataclasses.replace(pp, payload=b"") for pp in message.pre_prepares),
    )


def is_snapshot(record: Record) -> bool:
    """True if ``record`` supersedes every record stored before it."""
    return isinstance(record, SnapshotRecord)


def record_to_bytes(record: Record) -> bytes:
    """The canonical encoding of a record."""
    w = Writer()
    w.raw(RECORD_MAGIC)
    w.u8(RECORD_VERSION)
    if isinstance(record, VoteRecord):
        w.u8(RecordKind.VOTE)
        w.u64(record.view)
        w.u64(record.seq)
        w.blob(record.digest)
    elif isinstance(record, PayloadRecord):
        w.u8(RecordKind.PAYLOAD)
        _write_payload(w, record)
    elif isinstance(record, PreparedRecord):
        w.u8(RecordKind.PREPARED)
        write_prepared_certificate(w, record.certificate)
    elif isinstance(record, CheckpointRecord):
        w.u8(RecordKind.CHECKPOINT)
        write_checkpoint_proof(w, record.proof)
    elif isinstance(record, ViewChangeRecord):
        w.u8(RecordKind.VIEW_CHANGE)
        w.blob(encode_message(record.message))
    elif isinstance(record, NewViewRecord):
        w.u8(RecordKind.NEW_VIEW)
        w.blob(encode_message(record.message))
    else:
        w.u8(RecordKind.SNAPSHOT)
        w.u64(record.view)
        _write_optional(w, record.view_change)
        _write_optional(w, record.new_view)
        w.u32(len(record.votes))
        for seq, digest in record.votes:
            w.u64(seq)
            w.blob(digest)
        w.u32(len(record.prepared))
        for cert in record.prepared:
            write_prepared_certificate(w, cert)
        write_checkpoint_proof(w, record.checkpoint)
        w.u32(len(record.payloads))
        for payload in record.payloads:
            _write_payload(w, payload)
    return w.getvalue()


def _write_payload(w: Writer, record: PayloadRecord) -> None:
    w.u64(record.seq)
    w.blob(record.digest)
    w.blob(record.payload)


def _read_payload(r: Reader) -> PayloadRecord:
    return PayloadRecord(r.u64(MAX_INT), r.blob(MAX_DIGEST_BYTES, 1), r.blob(MAX_PAYLOAD_BYTES))


def _write_optional(w: Writer, message: ViewChange | NewView | None) -> None:
    w.flag(message is not None)
    if message is not None:
        w.blob(encode_message(message))


def _read_view_change(r: Reader) -> ViewChange:
    msg = decode_message(r.blob(MAX_FRAME_BYTES))
    if not isinstance(msg, ViewChange):
        raise DecodeError("expected a VIEW-CHANGE")
    return msg


def _read_new_view(r: Reader) -> NewView:
    msg = decode_message(r.blob(MAX_FRAME_BYTES))
    if not isinstance(msg, NewView):
        raise DecodeError("expected a NEW-VIEW")
    return msg


def record_from_bytes(data: bytes) -> Record:
    """Parse a record; raises DecodeError on malformed input."""
    if len(data) < 6 or data[:4] != RECORD_MAGIC:
        raise DecodeError("not a PBFT persistence record")
    r = Reader(data[4:])
    if r.u8() != RECORD_VERSION:
        raise DecodeError("unsupported record version")
    kind = r.u8()
    record: Record
    if kind == RecordKind.VOTE:
        record = VoteRecord(r.u64(MAX_INT), r.u64(MAX_INT), r.blob(MAX_DIGEST_BYTES, 1))
    elif kind == RecordKind.PAYLOAD:
        record = _read_payload(r)
    elif kind == RecordKind.PREPARED:
        record = PreparedRecord(read_prepared_certificate(r))
    elif kind == RecordKind.CHECKPOINT:
        record = CheckpointRecord(read_checkpoint_proof(r))
    elif kind == RecordKind.VIEW_CHANGE:
        record = ViewChangeRecord(_read_view_change(r))
    elif kind == RecordKind.NEW_VIEW:
        record = NewViewRecord(_read_new_view(r))
    elif kind == RecordKind.SNAPSHOT:
        view = r.u64(MAX_INT)
        view_change = _read_view_change(r) if r.flag() else None
        new_view = _read_new_view(r) if r.flag() else None
        votes = tuple(
            (r.u64(MAX_INT), r.blob(MAX_DIGEST_BYTES, 1)) for _ in range(r.count(MAX_PREPARED))
        )
        prepared = tuple(read_prepared_certificate(r) for _ in range(r.count(MAX_PREPARED)))
        checkpoint = read_checkpoint_proof(r)
        payloads = tuple(_read_payload(r) for _ in range(r.count(MAX_PREPARED)))
        record = SnapshotRecord(view, view_change, new_view, votes, prepared, checkpoint, payloads)
    else:
        raise DecodeError(f"unknown record kind {kind}")
    r.done()
    return record
