"""Client requests waiting to be ordered, and the ids of recently committed ones.

Requests are deduplicated by tx id: one that is pending, already in a proposal or recently
committed is refused, so a transaction submitted to every bank at once is proposed once. The
application rejects duplicates as well, which covers ids older than the recent window. A backup
keeps the requests it forwarded until a committed block consumed them, or until they expire.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from consensus.messages import ClientRequest


@dataclass(slots=True)
class PendingRequest:
    """A request and when it arrived / was last forwarded to the primary."""

    tx: bytes
    arrived_ms: int
    forwarded_ms: int | None = None


class RecentIds:
    """A bounded set of committed tx ids; the oldest are forgotten first."""

    __slots__ = ("_capacity", "_ids")

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._ids: OrderedDict[bytes, None] = OrderedDict()

    def add(self, tx_id: bytes) -> None:
        """Remember ``tx_id`` as committed."""
        self._ids[tx_id] = None
        self._ids.move_to_end(tx_id)
        while len(self._ids) > self._capacity:
            self._ids.popitem(last=False)

    def __contains__(self, tx_id: object) -> bool:
        return tx_id in self._ids


class RequestPool:
    """Pending requests in arrival order, requests in a proposal, and recent commits."""

    __slots__ = ("_capacity", "pending", "proposed", "recent", "_unforwarded")

    def __init__(self, capacity: int, recent_capacity: int) -> None:
        self._capacity = capacity
        self.pending: dict[bytes, PendingRequest] = {}
        self.proposed: dict[bytes, PendingRequest] = {}
        self.recent = RecentIds(recent_capacity)
        self._unforwarded: list[bytes] = []

    def knows(self, tx_id: bytes) -> bool:
        """True if ``tx_id`` is pending, proposed or recently committed."""
        return tx_id in self.pending or tx_id in self.proposed or tx_id in self.recent

    def add(self, tx_id: bytes, tx: bytes, now_ms: int, *, local: bool) -> bool:
        """Queue a new request; False if known or the pool is full.

        Requests forwarded by peers may fill only half the pool, so a flooding peer cannot
        crowd out this bank's own clients.
        """
        if self.knows(tx_id):
            return False
        limit = self._capacity if local else self._capacity // 2
        if len(self.pending) + len(self.proposed) >= limit:
            return False
        if local:
            self.pending[tx_id] = PendingRequest(tx, now_ms)
            self._unforwarded.append(tx_id)
        else:
            # A peer already sent it to the primary; relay it again only if it lingers.
            self.pending[tx_id] = PendingRequest(tx, now_ms, forwarded_ms=now_ms)
        return True

    def oldest_arrival(self) -> int | None:
        """Arrival time of the oldest pending request."""
        for request in self.pending.values():
            return request.arrived_ms
        return None

    def take(self, limit: int) -> list[ClientRequest]:
        """Move up to ``limit`` pending requests, oldest first, into a proposal."""
        taken: list[ClientRequest] = []
        for tx_id in list(self.pending)[:limit]:
            request = self.pending.pop(tx_id)
            self.proposed[tx_id] = request
            taken.append(ClientRequest(tx_id, request.tx))
        return taken

    def unpropose(self) -> None:
        """Return every proposed request to the pending queue (its proposal was abandoned)."""
        merged = {**self.pending, **self.proposed}
        self.pending = dict(sorted(merged.items(), key=lambda item: item[1].arrived_ms))
        self.proposed = {}

    def commit(self, tx_ids: tuple[bytes, ...]) -> None:
        """Forget requests a committed block consumed and remember their ids."""
        for tx_id in tx_ids:
            self.pending.pop(tx_id, None)
            self.proposed.pop(tx_id, None)
            self.recent.add(tx_id)

    def expire(self, now_ms: int, ttl_ms: int) -> None:
        """Drop pending requests older than ``ttl_ms``."""
        stale = [t for t, r in self.pending.items() if now_ms - r.arrived_ms >= ttl_ms]
        for tx_id in stale:
            del self.pending[tx_id]

    def to_forward(self, now_ms: int) -> list[ClientRequest]:
        """Pending requests not forwarded yet (marked forwarded now)."""
        out: list[ClientRequest] = []
        for tx_id in self._unforwarded:
            request = self.pending.get(tx_id)
            if request is not None and request.forwarded_ms is None:
                request.forwarded_ms = now_ms
                out.append(ClientRequest(tx_id, request.tx))
        self._unforwarded = []
        return out

    def to_forward_again(self, now_ms: int, retry_ms: int) -> list[ClientRequest]:
        """Pending requests forwarded at least ``retry_ms`` ago (marked forwarded now)."""
        out: list[ClientRequest] = []
        for tx_id, request in self.pending.items():
            if request.forwarded_ms is not None and now_ms - request.forwarded_ms >= retry_ms:
                request.forwarded_ms = now_ms
                out.append(ClientRequest(tx_id, request.tx))
        return out

    def forget_forwarding(self) -> None:
        """Mark every pending request as not forwarded (a new primary must receive them)."""
        for request in self.pending.values():
            request.forwarded_ms = None
        self._unforwarded = list(self.pending)

    def clear_unforwarded(self) -> None:
        """Nothing needs forwarding (this replica is the primary)."""
        self._unforwarded = []

    def unforwarded_count(self) -> int:
        """How many requests wait for the next forward."""
        return len(self._unforwarded)
