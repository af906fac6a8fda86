"""The PBFT messages and the proofs they carry, as frozen, typed values.

Every message names its kind and protocol version (class attributes ``KIND`` and ``VERSION``)
and carries the signature of its author over its canonical signing bytes; the byte layouts,
signing bytes and domain tags live in ``consensus.wire``. Proofs (checkpoint proofs, prepared
certificates, commit certificates) are bundles of signatures that anyone can check with
``consensus.certificates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

PROTOCOL_VERSION = 1


class Kind(IntEnum):
    """Wire tag of each message kind."""

    FORWARD = 1
    PRE_PREPARE = 2
    PREPARE = 3
    COMMIT = 4
    CHECKPOINT = 5
    VIEW_CHANGE = 6
    NEW_VIEW = 7
    STATUS = 8
    FETCH = 9
    BLOCK = 10


class _Encodable:
    __slots__ = ()

    def encode(self) -> bytes:
        """The canonical network frame of this message."""
        # Imported here because consensus.wire imports this module to build messages.
        from consensus.wire import encode_message

        return encode_message(self)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Endorsement:
    """One replica's signature inside a proof."""

    replica: int
    signature: str


@dataclass(frozen=True, slots=True)
class CommitCertificate:
    """Proof that a block is final: quorum-many signed COMMITs for (view, height, digest)."""

    view: int
    height: int
    digest: bytes
    commits: tuple[Endorsement, ...]


@dataclass(frozen=True, slots=True)
class CheckpointProof:
    """Proof that the state at ``seq`` has digest ``state_digest`` (seq 0: genesis, unsigned)."""

    seq: int
    state_digest: bytes
    endorsements: tuple[Endorsement, ...]


GENESIS_CHECKPOINT = CheckpointProof(seq=0, state_digest=b"", endorsements=())


@dataclass(frozen=True, slots=True)
class PreparedCertificate:
    """A PRE-PREPARE header signed by its primary plus the matching PREPAREs of backups."""

    view: int
    seq: int
    digest: bytes
    requests_hash: bytes
    primary_signature: str
    prepares: tuple[Endorsement, ...]


@dataclass(frozen=True, slots=True)
class ClientRequest:
    """A client transaction and its id, as checked by the runtime that received it."""

    tx_id: bytes
    tx: bytes


@dataclass(frozen=True, slots=True)
class Forward(_Encodable):
    """A backup hands client requests to the primary."""

    KIND: ClassVar[Kind] = Kind.FORWARD
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    replica: int
    requests: tuple[ClientRequest, ...]
    signature: str = ""


@dataclass(frozen=True, slots=True)
class PrePrepare(_Encodable):
    """The primary assigns block ``digest`` to sequence number (height) ``seq`` in ``view``.

    ``payload`` is the block (bound to ``digest`` by executing it) and ``tx_ids`` the requests the
    primary consumed building it; the signature covers view, seq, digest and the hash of tx_ids.
    A re-issued PRE-PREPARE inside a NEW-VIEW may leave ``payload`` empty.
    """

    KIND: ClassVar[Kind] = Kind.PRE_PREPARE
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    view: int
    seq: int
    digest: bytes
    tx_ids: tuple[bytes, ...]
    payload: bytes
    signature: str = ""


@dataclass(frozen=True, slots=True)
class Prepare(_Encodable):
    """A backup executed the proposed block and agrees with its digest."""

    KIND: ClassVar[Kind] = Kind.PREPARE
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    view: int
    seq: int
    digest: bytes
    replica: int
    signature: str = ""


@dataclass(frozen=True, slots=True)
class Commit(_Encodable):
    """A replica saw the block prepared; quorum-many COMMITs make it final."""

    KIND: ClassVar[Kind] = Kind.COMMIT
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    view: int
    seq: int
    digest: bytes
    replica: int
    signature: str = ""


@dataclass(frozen=True, slots=True)
class Checkpoint(_Encodable):
    """The application state digest after committing height ``seq``."""

    KIND: ClassVar[Kind] = Kind.CHECKPOINT
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    seq: int
    state_digest: bytes
    replica: int
    signature: str = ""


@dataclass(frozen=True, slots=True)
class ViewChange(_Encodable):
    """A replica asks to move to ``new_view``, carrying its stable checkpoint and prepared set."""

    KIND: ClassVar[Kind] = Kind.VIEW_CHANGE
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    new_view: int
    checkpoint: CheckpointProof
    prepared: tuple[PreparedCertificate, ...]
    replica: int
    signature: str = ""


@dataclass(frozen=True, slots=True)
class NewView(_Encodable):
    """The new primary's proof (quorum VIEW-CHANGEs) and its re-issued PRE-PREPAREs."""

    KIND: ClassVar[Kind] = Kind.NEW_VIEW
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    view: int
    view_changes: tuple[ViewChange, ...]
    pre_prepares: tuple[PrePrepare, ...]
    signature: str = ""


@dataclass(frozen=True, slots=True)
class Status(_Encodable):
    """Periodic gossip: where a replica is, so that laggards can catch up."""

    KIND: ClassVar[Kind] = Kind.STATUS
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    view: int
    view_change: bool
    committed_height: int
    checkpoint: CheckpointProof
    replica: int
    signature: str = ""


@dataclass(frozen=True, slots=True)
class Fetch(_Encodable):
    """State transfer: send me blocks ``from_height`` .. ``to_height`` (inclusive)."""

    KIND: ClassVar[Kind] = Kind.FETCH
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    from_height: int
    to_height: int
    replica: int
    signature: str = ""


@dataclass(frozen=True, slots=True)
class BlockReply(_Encodable):
    """A block answering a FETCH: committed (with its certificate) or still in flight (without)."""

    KIND: ClassVar[Kind] = Kind.BLOCK
    VERSION: ClassVar[int] = PROTOCOL_VERSION
    height: int
    digest: bytes
    payload: bytes
    tx_ids: tuple[bytes, ...]
    certificate: CommitCertificate | None
    replica: int
    signature: str = ""


Message = (
    Forward
    | PrePrepare
    | Prepare
    | Commit
    | Checkpoint
    | ViewChange
    | NewView
    | Status
    | Fetch
    | BlockReply
)
