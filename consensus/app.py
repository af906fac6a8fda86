"""The application interface: how PBFT executes blocks before it votes on them.

The digest every PRE-PREPARE, PREPARE and COMMIT signs is the application's block header hash,
and that header commits to the post-execution state root. So the primary builds and executes a
block before proposing it, and a backup executes it before it prepares it. The application holds
at most ONE speculative (executed, not yet committed) block, on top of its committed tip; the
core never proposes or checks height h + 1 before h is committed locally.

Contract the core relies on (and keeps):

* The core calls ``make_block`` and ``check_block`` only for ``height == committed_height() + 1``
  and only after ``discard_speculative()`` if it had asked for another speculative block. A
  valid result becomes the speculative block.
* ``check_block`` must bound block time against its parent (strictly later) and against
  ``now_ms`` (not too far in the future). It must NOT reject a block only for being old: a view
  change re-proposes blocks built seconds earlier.
* When the core calls ``commit_block``, the speculative block is either this very block or
  absent. If absent, the application executes the block now and MUST check that its header hash
  equals ``certificate.digest``; if not, it raises ``BlockRejected`` and changes nothing (the
  block came from a peer during state transfer and may be forged). The commit must be durable
  when ``commit_block`` returns.
* Every call is deterministic and synchronous; none may block on the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from consensus.messages import CommitCertificate


class BlockRejected(Exception):
    """Raised by ``commit_block`` when a block does not execute to the certified digest."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A block built and speculatively executed by the primary."""

    height: int
    digest: bytes
    payload: bytes


class Application(Protocol):
    """The deterministic state machine PBFT orders blocks for (the NTDC ledger)."""

    def make_block(self, height: int, time_ms: int, txs: Sequence[bytes]) -> Proposal | None:
        """Build and execute a block on the tip (may drop invalid txs); None if impossible."""
        ...

    def check_block(self, height: int, payload: bytes, now_ms: int) -> bytes | None:
        """Validate and execute a proposed block on the tip; its digest if valid, else None."""
        ...

    def commit_block(self, height: int, payload: bytes, certificate: CommitCertificate) -> None:
        """Make the block final, executing it first if it is not the speculative one."""
        ...

    def discard_speculative(self) -> None:
        """Drop the executed-but-uncommitted block, if any."""
        ...

    def committed_height(self) -> int:
        """Height of the last committed block (0 before the first)."""
        ...

    def state_digest(self) -> bytes:
        """Digest of the state at the committed height (what checkpoints sign)."""
        ...

    def committed_block(self, height: int) -> tuple[bytes, CommitCertificate] | None:
        """Payload and certificate of a committed block, for peers that catch up."""
        ...
