"""What one step of a replica asks its runtime to do.

The runtime must make ``persist`` durable first, then send ``send`` (``None`` as destination
means every other replica). ``committed`` lists the blocks this step made final, in strictly
increasing height, already handed to ``Application.commit_block``; the runtime uses them to
answer clients and feed observers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from consensus.messages import CommitCertificate, Message
from consensus.persistence import Record


@dataclass(frozen=True, slots=True)
class CommittedBlock:
    """A block that became final at this replica, with the certificate that proves it."""

    height: int
    payload: bytes
    digest: bytes
    certificate: CommitCertificate


@dataclass(frozen=True, slots=True)
class Output:
    """Effects of one call into the replica."""

    send: list[tuple[int | None, Message]] = field(default_factory=list)
    committed: list[CommittedBlock] = field(default_factory=list)
    persist: list[Record] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True if the step asks for nothing."""
        return not (self.send or self.committed or self.persist)
