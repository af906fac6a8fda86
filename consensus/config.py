"""Tunable parameters of a PBFT replica, all integers (milliseconds, counts, bytes).

Every replica of a network must share ``n``, ``checkpoint_interval`` and ``log_window``: they
decide which checkpoints exist and which sequence numbers are acceptable. The rest may differ
per node. Defaults suit four banks on a LAN; simulations shrink the timers.
"""

from __future__ import annotations

from dataclasses import dataclass

from consensus.quorums import Quorums


@dataclass(frozen=True, slots=True)
class PbftConfig:
    """Parameters of one replica; validated on construction."""

    n: int
    batch_max: int = 1000
    """A primary proposes as soon as this many requests are pending."""
    batch_wait_ms: int = 20
    """... or when the oldest pending request has waited this long."""
    checkpoint_interval: int = 64
    """K: a checkpoint is taken at every height divisible by K."""
    log_window: int = 256
    """L: sequence numbers are accepted only in (h, h + L], h the stable checkpoint."""
    view_change_timeout_ms: int = 2000
    """Base time a backup waits for progress before it asks for a new view."""
    max_view_change_timeout_ms: int = 60_000
    """Upper bound of the timeout after it doubled on successive view changes."""
    retransmit_ms: int = 200
    """How often in-flight protocol messages are sent again (messages may be lost)."""
    status_interval_ms: int = 500
    """How often a replica tells its peers its view, height and stable checkpoint."""
    fetch_timeout_ms: int = 1000
    """How long a state-transfer request may stay unanswered before another peer is asked."""
    max_fetch_blocks: int = 32
    """Most committed blocks asked for or served in one FETCH."""
    fetch_serve_interval_ms: int = 20
    """Least time between two FETCHes served to the same peer."""
    forward_retry_ms: int = 2000
    """A backup forwards a still-pending request to the primary again after this long."""
    request_ttl_ms: int = 120_000
    """A request that did not commit within this long is forgotten (the client retries)."""
    max_pending_requests: int = 200_000
    recent_tx_capacity: int = 200_000
    """How many committed transaction ids are remembered to refuse duplicates."""
    max_tx_bytes: int = 256 * 1024
    max_payload_bytes: int = 16 * 1024 * 1024

    def __post_init__(self) -> None:
        Quorums(self.n)
        positive = {
            "batch_max": self.batch_max,
            "checkpoint_interval": self.checkpoint_interval,
            "log_window": self.log_window,
            "view_change_timeout_ms": self.view_change_timeout_ms,
            "retransmit_ms": self.retransmit_ms,
            "status_interval_ms": self.status_interval_ms,
            "fetch_timeout_ms": self.fetch_timeout_ms,
            "max_fetch_blocks": self.max_fetch_blocks,
            "forward_retry_ms": self.forward_retry_ms,
            "request_ttl_ms": self.request_ttl_ms,
            "max_pending_requests": self.max_pending_requests,
            "recent_tx_capacity": self.recent_tx_capacity,
            "max_tx_bytes": self.max_tx_bytes,
            "max_payload_bytes": self.max_payload_bytes,
        }
        for name, value in positive.items():
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"PbftConfig.{name} must be a positive integer, got {value!r}")
        if self.batch_wait_ms < 0 or self.fetch_serve_interval_ms < 0:
            raise ValueError("PbftConfig wait times must not be negative")
        if self.log_window < self.checkpoint_interval:
            raise ValueError("PbftConfig.log_window must be at least checkpoint_interval")
        if self.max_view_change_timeout_ms < self.view_change_timeout_ms:
            raise ValueError("PbftConfig.max_view_change_timeout_ms is below the base timeout")

    @property
    def quorums(self) -> Quorums:
        """Quorum sizes for this membership."""
        return Quorums(self.n)
