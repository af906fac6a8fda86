"""One PBFT replica as a pure state machine: messages, ticks and requests in, ``Output`` out.

The replica never reads a clock, a socket or a disk. The runtime calls ``on_start`` once, then
``on_message`` for every frame from a peer, ``on_request`` for every client transaction it
accepted and ``on_tick`` periodically; each call returns what to persist, send and report.

Protocol (Castro & Liskov, TOCS 2002) with execute-before-vote: the primary builds and executes
block h + 1 only after committing h, so at most one block is in flight, and a backup executes a
proposed block before it sends PREPARE. A block commits once quorum-many COMMITs certify it and
its payload is here. Decisions use the thresholds of ``consensus.quorums``; rules of the view
change live in ``consensus.viewchange``; byte layouts in ``consensus.wire``.

Beyond the paper's messages, replicas gossip STATUS (view, height, stable checkpoint proof) so
that laggards notice they are behind, answer FETCH with certified blocks (state transfer) or
in-flight payloads, send their NEW-VIEW to peers stuck in an older view, and FORWARD client
requests to the primary (to every replica if a request lingers, as a PBFT client would).

Crash recovery: every ``Output.persist`` holds the records (``consensus.persistence``) that must
be durable before that output's messages leave; ``Replica.restore`` rebuilds from them plus the
application's committed blocks, so a restarted replica never contradicts a vote it sent.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from enum import Enum
from typing import TypeVar

from consensus.app import Application, BlockRejected
from consensus.certificates import verify_certificate, verify_checkpoint_proof
from consensus.checkpoints import CheckpointTracker
from consensus.codec import DecodeError
from consensus.config import PbftConfig
from consensus.log import MessageLog, Slot
from consensus.messages import (
    BlockReply,
    Checkpoint,
    CheckpointProof,
    ClientRequest,
    Commit,
    CommitCertificate,
    Fetch,
    Forward,
    Message,
    NewView,
    Prepare,
    PreparedCertificate,
    PrePrepare,
    Status,
    ViewChange,
)
from consensus.metrics import Metrics
from consensus.output import CommittedBlock, Output
from consensus.payloads import CachedPayload, PayloadCache
from consensus.peers import PeerTable
from consensus.persistence import (
    DurableState,
    NewViewRecord,
    PayloadRecord,
    PreparedRecord,
    Record,
    ViewChangeRecord,
    VoteRecord,
    fold_records,
    strip_payloads,
)
from consensus.requests import RequestPool
from consensus.signing import Signer, Verifier
from consensus.transfer import FetchedBlock, StateTransfer
from consensus.viewchange import (
    NewViewPlan,
    choose_view_changes,
    compute_plan,
    is_valid_view_change,
    validate_new_view,
)
from consensus.wire import MAX_TX_ID_BYTES, decode_message, signed, signing_bytes

_MESSAGE_TYPES = (
    Forward,
    PrePrepare,
    Prepare,
    Commit,
    Checkpoint,
    ViewChange,
    NewView,
    Status,
    Fetch,
    BlockReply,
)
_NEVER = -(2**62)
M = TypeVar("M", bound=Message)
_MAX_TIMEOUT_DOUBLINGS = 16


class Phase(Enum):
    """Whether the replica works in a view or is changing views."""

    NORMAL = "normal"
    VIEW_CHANGE = "view-change"


class Replica:
    """A PBFT replica; see the module docstring for how the runtime drives it."""

    def __init__(
        self,
        config: PbftConfig,
        index: int,
        signer: Signer,
        verifier: Verifier,
        app: Application,
        durable: DurableState | None = None,
    ) -> None:
        quorums = config.quorums
        if not quorums.is_member(index):
            raise ValueError(f"replica index {index} is not in 0..{config.n - 1}")
        self.config = config
        self.index = index
        self.metrics = Metrics()
        self._q = quorums
        self._signer = signer
        self._verifier = verifier
        self._app = app
        self._now = 0
        self._view = 0
        self._phase = Phase.NORMAL
        self._last_normal_view = 0
        self._log = MessageLog()
        self._dirty: set[int] = set()
        self._votes: dict[int, bytes] = {}
        self._voted_payloads: dict[tuple[int, bytes], bytes] = {}
        self._prepared: dict[int, PreparedCertificate] = {}
        per_replica = config.log_window // config.checkpoint_interval + 2
        self._checkpoints = CheckpointTracker(quorums, per_replica)
        self._view_changes: dict[int, ViewChange] = {}
        self._new_view: NewView | None = None
        self._view_floor = 0
        self._new_view_sent_for = -1
        self._requests = RequestPool(config.max_pending_requests, config.recent_tx_capacity)
        self._transfer = StateTransfer()
        self._payloads = PayloadCache(config.log_window)
        self._peers = PeerTable(config.n, index)
        self._spec: tuple[int, bytes] | None = None
        self._tip = app.committed_height()
        self._recent_blocks: OrderedDict[int, tuple[bytes, tuple[bytes, ...]]] = OrderedDict()
        self._progress_deadline: int | None = None
        self._vc_deadline: int | None = None
        self._timeout_doublings = 0
        self._last_retransmit = _NEVER
        self._last_status = _NEVER
        self._last_forward_retry = _NEVER
        self._propose_failed_at: int | None = None
        self._send: list[tuple[int | None, Message]] = []
        self._committed: list[CommittedBlock] = []
        self._persist: list[Record] = []
        if durable is not None:
            self._restore(durable)

    @classmethod
    def restore(
        cls,
        config: PbftConfig,
        index: int,
        signer: Signer,
        verifier: Verifier,
        app: Application,
        records: Iterable[Record | bytes],
    ) -> Replica:
        """A replica rebuilt from its persisted records (and the application's own storage)."""
        return cls(config, index, signer, verifier, app, durable=fold_records(records))

    # ------------------------------------------------------------------ public properties

    @property
    def view(self) -> int:
        """The current view, or the view being changed to."""
        return self._view

    @property
    def phase(self) -> Phase:
        """NORMAL or VIEW_CHANGE."""
        return self._phase

    @property
    def committed_height(self) -> int:
        """Height of the last block this replica committed."""
        return self._tip

    @property
    def stable_checkpoint(self) -> CheckpointProof:
        """The latest stable checkpoint and its proof (the low watermark)."""
        return self._checkpoints.stable

    @property
    def is_primary(self) -> bool:
        """True if this replica is the primary of its current view."""
        return self._q.primary(self._view) == self.index

    def pending_requests(self) -> int:
        """Requests waiting to be ordered (pending or proposed, not committed)."""
        return len(self._requests.pending) + len(self._requests.proposed)

    # ------------------------------------------------------------------ entry points

    def on_start(self, now_ms: int) -> Output:
        """Start (or resume after a restart): announce ourselves and catch up if behind."""
        self._now = max(self._now, now_ms)
        self._broadcast_status()
        if self._phase is Phase.VIEW_CHANGE and self._view_changes.get(self.index) is not None:
            self._send.append((None, self._view_changes[self.index]))
        if self._checkpoints.low > self._tip:
            self._transfer.want(self._checkpoints.low)
        self._advance()
        return self._finish()

    def on_tick(self, now_ms: int) -> Output:
        """Advance time: fire timers, batch, forward, retransmit and gossip."""
        self._now = max(self._now, now_ms)
        if (
            self._phase is Phase.NORMAL
            and self._progress_deadline is not None
            and self._now >= self._progress_deadline
        ):
            self._start_view_change(self._view + 1)
        elif (
            self._phase is Phase.VIEW_CHANGE
            and self._vc_deadline is not None
            and self._now >= self._vc_deadline
        ):
            self._start_view_change(self._view + 1)
        self._requests.expire(self._now, self.config.request_ttl_ms)
        self._forward_requests()
        if self._now - self._last_retransmit >= self.config.retransmit_ms:
            self._last_retransmit = self._now
            self._retransmit()
        if self._now - self._last_status >= self.config.status_interval_ms:
            self._broadcast_status()
        if self._phase is Phase.VIEW_CHANGE:
            self._try_new_view()
        self._advance()
        return self._finish()

    def on_request(self, tx_id: bytes, tx: bytes, now_ms: int, *,
                   relayed: bool = False) -> Output:
        """A client transaction the runtime received and checked; order it once.

        ``relayed``: the runtime got it from another replica that already sent it to the
        primary, so it is kept pending (its timer runs) but forwarded again only if it lingers.
        """
        self._now = max(self._now, now_ms)
        if not isinstance(tx_id, bytes) or not isinstance(tx, bytes):
            self.metrics.requests_refused += 1
        elif not 0 < len(tx_id) <= MAX_TX_ID_BYTES or len(tx) > self.config.max_tx_bytes:
            self.metrics.requests_refused += 1
        elif not self._requests.knows(tx_id):
            if not self._requests.add(tx_id, tx, self._now, local=not relayed):
                self.metrics.requests_refused += 1
            elif self._requests.unforwarded_count() >= self.config.batch_max:
                self._forward_requests()
        self._advance()
        return self._finish()

    def on_message(self, sender: int, msg: Message | bytes) -> Output:
        """A frame (or decoded message) from peer ``sender``; hostile input is dropped."""
        decoded = self._accept_input(sender, msg)
        if decoded is not None:
            self._dispatch(sender, decoded)
            self._advance()
        return self._finish()

    # ------------------------------------------------------------------ output helpers

    def _finish(self) -> Output:
        out = Output(send=self._send, committed=self._committed, persist=self._persist)
        self._send, self._committed, self._persist = [], [], []
        return out

    def _broadcast(self, msg: Message) -> None:
        self._send.append((None, msg))

    def _sign(self, msg: M) -> M:
        return signed(msg, self._signer)

    # ------------------------------------------------------------------ input checks

    def _accept_input(self, sender: int, msg: Message | bytes) -> Message | None:
        if not isinstance(sender, int) or not self._q.is_member(sender) or sender == self.index:
            self.metrics.non_member += 1
            return None
        if isinstance(msg, bytes | bytearray | memoryview):
            try:
                return decode_message(bytes(msg))
            except DecodeError:
                self.metrics.malformed += 1
                return None
        if not isinstance(msg, _MESSAGE_TYPES):
            self.metrics.malformed += 1
            return None
        return msg

    def _authentic(self, author: int, sender: int, msg: Message) -> bool:
        """The sender wrote ``msg`` itself and its signature verifies."""
        if author != sender:
            self.metrics.non_member += 1
            return False
        if not self._verifier.verify(author, msg.signature, signing_bytes(msg)):
            self.metrics.bad_signature += 1
            return False
        return True

    def _in_window(self, seq: int) -> bool:
        """seq in (h, h + L]; below h too while this replica has not committed up to h."""
        low = self._checkpoints.low
        return min(low, self._tip) < seq <= low + self.config.log_window

    def _dispatch(self, sender: int, msg: Message) -> None:
        if isinstance(msg, PrePrepare):
            self._on_pre_prepare(sender, msg)
        elif isinstance(msg, Prepare):
            self._on_prepare(sender, msg)
        elif isinstance(msg, Commit):
            self._on_commit(sender, msg)
        elif isinstance(msg, Checkpoint):
            self._on_checkpoint(sender, msg)
        elif isinstance(msg, ViewChange):
            self._on_view_change(sender, msg)
        elif isinstance(msg, NewView):
            self._on_new_view(sender, msg)
        elif isinstance(msg, Status):
            self._on_status(sender, msg)
        elif isinstance(msg, Fetch):
            self._on_fetch(sender, msg)
        elif isinstance(msg, BlockReply):
            self._on_block(sender, msg)
        else:
            self._on_forward(sender, msg)

    # ------------------------------------------------------------------ normal case

    def _on_forward(self, sender: int, msg: Forward) -> None:
        if not self._authentic(msg.replica, sender, msg):
            return
        for request in msg.requests:
            if len(request.tx) > self.config.max_tx_bytes:
                self.metrics.invalid += 1
            elif not self._requests.knows(request.tx_id):
                if not self._requests.add(request.tx_id, request.tx, self._now, local=False):
                    self.metrics.requests_refused += 1

    def _current_view_ok(self, view: int) -> bool:
        if view == self._view and self._phase is Phase.NORMAL:
            return True
        self.metrics.stale += 1
        return False

    def _on_pre_prepare(self, sender: int, pp: PrePrepare) -> None:
        if sender != self._q.primary(pp.view):
            self.metrics.non_member += 1
            return
        if not self._current_view_ok(pp.view):
            return
        if pp.seq <= self._tip or pp.seq <= self._view_floor or not self._in_window(pp.seq):
            self.metrics.stale += 1
            return
        if len(pp.payload) > self.config.max_payload_bytes:
            self.metrics.invalid += 1
            return
        slot = self._log.slot(pp.seq)
        known = slot.pre_prepare
        vote = self._votes.get(pp.seq)
        if (known is not None and known.digest != pp.digest) or vote not in (None, pp.digest):
            self.metrics.equivocations += 1
            return
        if known is None or known.signature != pp.signature:
            if not self._verifier.verify(sender, pp.signature, signing_bytes(pp)):
                self.metrics.bad_signature += 1
                return
        if known is None:
            slot.pre_prepare = pp
        self._payloads.put(pp.seq, pp.digest, CachedPayload(pp.payload, pp.tx_ids), self._tip)
        self._peers.note_height(sender, pp.seq - 1)
        self._dirty.add(pp.seq)

    def _vote_acceptable(self, sender: int, vote: Prepare | Commit) -> bool:
        if vote.replica != sender:
            self.metrics.non_member += 1
            return False
        if not self._current_view_ok(vote.view):
            return False
        if not self._in_window(vote.seq):
            self.metrics.stale += 1
            return False
        return True

    def _is_new_vote(
        self, sender: int, vote: Prepare | Commit, known: Prepare | Commit | None
    ) -> bool:
        """True if ``vote`` is the sender's first, validly signed vote in its slot."""
        if known is not None:
            if known.digest != vote.digest:
                self.metrics.equivocations += 1
            else:
                self.metrics.duplicates += 1
            return False
        if not self._verifier.verify(sender, vote.signature, signing_bytes(vote)):
            self.metrics.bad_signature += 1
            return False
        self._peers.note_height(sender, vote.seq - 1)
        self._dirty.add(vote.seq)
        return True

    def _on_prepare(self, sender: int, msg: Prepare) -> None:
        if sender == self._q.primary(msg.view):
            self.metrics.invalid += 1
            return
        if self._vote_acceptable(sender, msg):
            slot = self._log.slot(msg.seq)
            if self._is_new_vote(sender, msg, slot.prepares.get(sender)):
                slot.prepares[sender] = msg

    def _on_commit(self, sender: int, msg: Commit) -> None:
        if self._vote_acceptable(sender, msg):
            slot = self._log.slot(msg.seq)
            if self._is_new_vote(sender, msg, slot.commits.get(sender)):
                slot.commits[sender] = msg

    def _process_slot(self, slot: Slot) -> None:
        """Cast this replica's PREPARE and COMMIT for a slot once it may."""
        pp = slot.pre_prepare
        if pp is None or slot.rejected or slot.seq > self._tip + 1:
            return
        if not slot.checked:
            self._check_slot(slot, pp)
            if not slot.checked:
                return
        primary = self._q.primary(self._view)
        if self.index != primary and not slot.sent_prepare:
            vote = self._votes.get(slot.seq)
            if vote is not None and vote != pp.digest:
                slot.rejected = True
                return
            if vote is None:
                self._votes[slot.seq] = pp.digest
                self._persist.append(VoteRecord(self._view, slot.seq, pp.digest))
                self._persist_payload(slot.seq, pp.digest)
            prepare = self._sign(Prepare(self._view, slot.seq, pp.digest, self.index))
            slot.prepares[self.index] = prepare
            slot.sent_prepare = True
            self._broadcast(prepare)
        if not slot.sent_commit and slot.is_prepared(self._q, primary):
            cert = slot.prepared_certificate(self._q, primary)
            self._prepared[slot.seq] = cert
            self._persist.append(PreparedRecord(cert))
            commit = self._sign(Commit(self._view, slot.seq, pp.digest, self.index))
            slot.commits[self.index] = commit
            slot.sent_commit = True
            self._broadcast(commit)

    def _check_slot(self, slot: Slot, pp: PrePrepare) -> None:
        """Execute-before-vote: establish that the proposed block executes to its digest."""
        if slot.seq <= self._tip:
            slot.checked = self._committed_digest(slot.seq) == pp.digest
            slot.rejected = not slot.checked
            if slot.rejected:
                self.metrics.bad_blocks += 1
            return
        if self._spec == (slot.seq, pp.digest) or self._votes.get(slot.seq) == pp.digest:
            slot.checked = True
            return
        entry = self._payloads.get(slot.seq, pp.digest)
        if entry is None:
            self._request_payload(slot.seq)
            return
        self._discard_speculative()
        digest = self._app.check_block(slot.seq, entry.payload, self._now)
        if digest == pp.digest:
            self._spec = (slot.seq, pp.digest)
            slot.checked = True
            return
        self.metrics.bad_blocks += 1
        self._payloads.discard(slot.seq, pp.digest)
        if digest is not None:
            self._app.discard_speculative()

    def _persist_payload(self, seq: int, digest: bytes) -> None:
        """Make the block this replica vote for durable until it commits (see PayloadRecord)."""
        key = (seq, digest)
        entry = self._payloads.get(seq, digest)
        if seq > self._tip and key not in self._voted_payloads and entry is not None:
            self._voted_payloads[key] = entry.payload
            self._persist.append(PayloadRecord(seq, digest, entry.payload))

    def _discard_speculative(self) -> None:
        if self._spec is not None:
            self._app.discard_speculative()
            self._spec = None

    def _request_payload(self, seq: int) -> None:
        if self._payloads.should_request(seq, self._now, self.config.retransmit_ms):
            self._broadcast(self._sign(Fetch(seq, seq, self.index)))

    def _committed_digest(self, height: int) -> bytes | None:
        recent = self._recent_blocks.get(height)
        if recent is not None:
            return recent[0]
        found = self._app.committed_block(height)
        return found[1].digest if found is not None else None

    def _try_commit_next(self) -> bool:
        """Commit block tip + 1 if a quorum of COMMITs certifies it and its payload is here."""
        seq = self._tip + 1
        slot = self._log.get(seq)
        if slot is None or self._phase is not Phase.NORMAL:
            return False
        digest = slot.certified_digest(self._q)
        if digest is None:
            return False
        entry = self._payloads.get(seq, digest)
        if entry is None:
            self._request_payload(seq)
            return False
        cert = slot.commit_certificate(self._q, digest)
        if self._commit(seq, entry.payload, cert, entry.tx_ids):
            return True
        self._payloads.discard(seq, digest)
        return False

    def _apply_transferred(self) -> bool:
        block = self._transfer.pop_next(self._tip)
        if block is None:
            return False
        height = self._tip + 1
        if self._commit(height, block.payload, block.certificate, block.tx_ids):
            self.metrics.blocks_transferred += 1
            return True
        self.metrics.bad_transfers += 1
        self._transfer.drop(height)
        return False

    def _commit(
        self, seq: int, payload: bytes, cert: CommitCertificate, tx_ids: tuple[bytes, ...]
    ) -> bool:
        """Hand a certified block to the application and do the bookkeeping of a commit."""
        if self._spec is not None and self._spec != (seq, cert.digest):
            self._discard_speculative()
        try:
            self._app.commit_block(seq, payload, cert)
        except BlockRejected:
            self._spec = None
            self.metrics.bad_blocks += 1
            return False
        self._spec = None
        self._tip = seq
        self.metrics.blocks_committed += 1
        self._committed.append(CommittedBlock(seq, payload, cert.digest, cert))
        self._recent_blocks[seq] = (cert.digest, tx_ids)
        while len(self._recent_blocks) > 4 * self.config.log_window:
            self._recent_blocks.popitem(last=False)
        self._requests.commit(tx_ids)
        self._payloads.prune(seq)
        self._voted_payloads = {k: p for k, p in self._voted_payloads.items() if k[0] > seq}
        if seq <= self._checkpoints.low:
            self._log.discard_through(seq)
        self._dirty.add(seq + 1)
        self._timeout_doublings = 0
        if self._progress_deadline is not None:
            self._progress_deadline = self._now + self._timeout()
        if seq % self.config.checkpoint_interval == 0:
            checkpoint = self._sign(Checkpoint(seq, self._app.state_digest(), self.index))
            self._checkpoints.own = checkpoint
            self._broadcast(checkpoint)
            proof = self._checkpoints.add(checkpoint)
            if proof is not None:
                self._on_stable(proof)
        if (
            seq == self._checkpoints.low
            and self._app.state_digest() != self._checkpoints.stable.state_digest
        ):
            self.metrics.checkpoint_mismatches += 1
        return True

    def _maybe_propose(self) -> bool:
        """As primary, build and propose the next block when a batch is ready."""
        if self._phase is not Phase.NORMAL or not self.is_primary:
            return False
        seq = self._tip + 1
        if self._tip < self._view_floor or not self._in_window(seq) or seq in self._votes:
            return False
        if self._transfer.is_behind(self._tip) or self._propose_failed_at == self._now:
            return False
        slot = self._log.get(seq)
        if slot is not None and slot.pre_prepare is not None:
            return False
        oldest = self._requests.oldest_arrival()
        if oldest is None:
            return False
        full = len(self._requests.pending) >= self.config.batch_max
        if not full and self._now - oldest < self.config.batch_wait_ms:
            return False
        batch = self._requests.take(self.config.batch_max)
        self._discard_speculative()
        proposal = self._app.make_block(seq, self._now, [r.tx for r in batch])
        if proposal is None or proposal.height != seq:
            if proposal is not None:
                self._app.discard_speculative()
            self._requests.unpropose()
            self._propose_failed_at = self._now
            return False
        self._spec = (seq, proposal.digest)
        tx_ids = tuple(r.tx_id for r in batch)
        pp = self._sign(PrePrepare(self._view, seq, proposal.digest, tx_ids, proposal.payload))
        self._votes[seq] = proposal.digest
        self._persist.append(VoteRecord(self._view, seq, proposal.digest))
        slot = self._log.slot(seq)
        slot.pre_prepare = pp
        slot.checked = True
        self._payloads.put(seq, pp.digest, CachedPayload(pp.payload, tx_ids), self._tip)
        self._persist_payload(seq, pp.digest)
        self._broadcast(pp)
        self._dirty.add(seq)
        return True

    def _advance(self) -> None:
        """Run the protocol forward until nothing more can happen without new input."""
        while True:
            if self._apply_transferred():
                continue
            if self._phase is Phase.NORMAL:
                for seq in sorted(self._dirty):
                    slot = self._log.get(seq)
                    if slot is not None and seq <= self._tip + 1:
                        self._process_slot(slot)
                self._dirty.clear()
                if self._try_commit_next() or self._maybe_propose():
                    continue
            break
        self._update_fetch_target()
        self._fetch_if_behind()
        self._update_progress_timer()

    # ------------------------------------------------------------------ checkpoints

    def _on_checkpoint(self, sender: int, msg: Checkpoint) -> None:
        if msg.seq <= self._checkpoints.low:
            self.metrics.stale += 1
            return
        if msg.seq % self.config.checkpoint_interval != 0 or not msg.state_digest:
            self.metrics.invalid += 1
            return
        if not self._authentic(msg.replica, sender, msg):
            return
        self._peers.note_height(sender, msg.seq)
        proof = self._checkpoints.add(msg)
        if proof is not None:
            self._on_stable(proof)

    def _on_stable(self, proof: CheckpointProof) -> None:
        """A checkpoint became stable: move the low watermark and collect garbage."""
        low = proof.seq
        self._log.discard_through(min(low, self._tip))
        self._prepared = {s: c for s, c in self._prepared.items() if s > low}
        self._votes = {s: d for s, d in self._votes.items() if s > low}
        self._persist.append(self._durable_state().snapshot())
        if low > self._tip:
            self._transfer.want(low)
        elif low == self._tip and self._app.state_digest() != proof.state_digest:
            self.metrics.checkpoint_mismatches += 1

    def _durable_state(self) -> DurableState:
        in_change = self._phase is Phase.VIEW_CHANGE
        return DurableState(
            view=self._view,
            view_change=self._view_changes.get(self.index) if in_change else None,
            new_view=strip_payloads(self._new_view) if self._new_view and not in_change else None,
            votes=dict(self._votes),
            prepared=dict(self._prepared),
            checkpoint=self._checkpoints.stable,
            payloads=dict(self._voted_payloads),
        )

    # ------------------------------------------------------------------ view change

    def _timeout(self) -> int:
        base = self.config.view_change_timeout_ms
        doublings = min(self._timeout_doublings, _MAX_TIMEOUT_DOUBLINGS)
        return min(base << doublings, self.config.max_view_change_timeout_ms)

    def _has_outstanding_work(self) -> bool:
        """Something the primary owes us: a request, a proposal, or a prepared block to finish."""
        if self._requests.pending or self._tip < self._view_floor:
            return True
        if any(seq > self._tip for seq in self._prepared):
            return True
        slot = self._log.get(self._tip + 1)
        return slot is not None and slot.pre_prepare is not None

    def _update_progress_timer(self) -> None:
        """Backups wait a bounded time for the primary while it owes them progress."""
        catching_up = self._transfer.is_behind(self._tip)
        if (
            self._phase is Phase.NORMAL
            and not self.is_primary
            and not catching_up
            and self._has_outstanding_work()
        ):
            if self._progress_deadline is None:
                self._progress_deadline = self._now + self._timeout()
        else:
            self._progress_deadline = None

    def _start_view_change(self, new_view: int) -> None:
        """Leave the current view and ask for ``new_view``."""
        if new_view <= self._view:
            return
        if self._phase is Phase.NORMAL:
            self._last_normal_view = self._view
        self._view = new_view
        self._phase = Phase.VIEW_CHANGE
        self._timeout_doublings += 1
        self._log.clear()
        self._dirty.clear()
        self._votes = {}
        self._new_view = None
        self._requests.unpropose()
        self._progress_deadline = None
        self._vc_deadline = None
        low = self._checkpoints.low
        prepared = tuple(self._prepared[s] for s in sorted(self._prepared) if s > low)
        vc = self._sign(ViewChange(new_view, self._checkpoints.stable, prepared, self.index))
        self._view_changes[self.index] = vc
        self._persist.append(ViewChangeRecord(vc))
        self._broadcast(vc)
        self.metrics.view_changes_started += 1
        self._check_view_changes()

    def _on_view_change(self, sender: int, vc: ViewChange) -> None:
        if vc.replica != sender:
            self.metrics.non_member += 1
            return
        behind = vc.new_view < self._view or (
            vc.new_view == self._view and self._phase is Phase.NORMAL
        )
        if behind:
            self.metrics.stale += 1
            self._help_to_new_view(sender)
            return
        known = self._view_changes.get(sender)
        if known is not None and known.new_view >= vc.new_view:
            if known.new_view > vc.new_view:
                self.metrics.stale += 1
            return
        if not self._may_check_proofs(sender, new_view=False):
            return
        if not is_valid_view_change(vc, self._verifier, self.config):
            self.metrics.invalid += 1
            return
        self._view_changes[sender] = vc
        self._check_view_changes()

    def _may_check_proofs(self, sender: int, *, new_view: bool) -> bool:
        """Verify at most one new VIEW-CHANGE or NEW-VIEW per peer per retransmit interval.

        Checking one costs up to L prepared certificates' worth of signatures, so a Byzantine
        peer sending endless new ones could otherwise exhaust the CPU. Honest peers send a new
        one rarely and retransmit it, so a dropped one is checked on its next copy.
        """
        info = self._peers.get(sender)
        last = info.new_view_checked_ms if new_view else info.view_change_checked_ms
        if self._now - last < self.config.retransmit_ms:
            self.metrics.throttled += 1
            return False
        if new_view:
            info.new_view_checked_ms = self._now
        else:
            info.view_change_checked_ms = self._now
        return True

    def _check_view_changes(self) -> None:
        """Join a view f + 1 replicas ask for; start the timer once a quorum asks for ours."""
        higher = sorted(
            (vc.new_view for r, vc in self._view_changes.items() if vc.new_view > self._view),
            reverse=True,
        )
        if len(higher) >= self._q.weak:
            self._start_view_change(higher[self._q.weak - 1])
            return
        if self._phase is not Phase.VIEW_CHANGE:
            return
        asking = sum(1 for vc in self._view_changes.values() if vc.new_view == self._view)
        if asking >= self._q.quorum and self._vc_deadline is None:
            self._vc_deadline = self._now + self._timeout()
        self._try_new_view()

    def _try_new_view(self) -> None:
        """As the primary of the view being changed to, send NEW-VIEW once it can be built."""
        if self._phase is not Phase.VIEW_CHANGE or not self.is_primary:
            return
        if self._new_view_sent_for == self._view:
            return
        chosen = choose_view_changes(self._view_changes, self.index, self._view, self._q.quorum)
        if chosen is None:
            return
        plan = compute_plan(chosen)
        pre_prepares: list[PrePrepare] = []
        for seq, digest in plan.entries:
            if digest is None:
                if self._tip != seq - 1:
                    # A null block is built on its parent; catch up first (or time out).
                    self._transfer.want(seq - 1)
                    return
                self._discard_speculative()
                proposal = self._app.make_block(seq, self._now, [])
                if proposal is None or proposal.height != seq:
                    if proposal is not None:
                        self._app.discard_speculative()
                    return
                self._spec = (seq, proposal.digest)
                pp = PrePrepare(self._view, seq, proposal.digest, (), proposal.payload)
            else:
                entry = self._payloads.get(seq, digest) if seq > self._tip else None
                payload, tx_ids = (entry.payload, entry.tx_ids) if entry else (b"", ())
                pp = PrePrepare(self._view, seq, digest, tx_ids, payload)
            pre_prepares.append(self._sign(pp))
        new_view = self._sign(NewView(self._view, chosen, tuple(pre_prepares)))
        self._new_view_sent_for = self._view
        self._enter_view(new_view, plan)
        self._broadcast(new_view)

    def _on_new_view(self, sender: int, nv: NewView) -> None:
        if sender != self._q.primary(nv.view):
            self.metrics.non_member += 1
            return
        acceptable = nv.view > self._view or (
            nv.view == self._view and self._phase is Phase.VIEW_CHANGE
        )
        if not acceptable:
            self.metrics.stale += 1
            return
        if not self._may_check_proofs(sender, new_view=True):
            return
        plan = validate_new_view(nv, self._verifier, self.config, self._view_changes)
        if plan is None:
            self.metrics.invalid += 1
            return
        self._enter_view(nv, plan)

    def _enter_view(self, nv: NewView, plan: NewViewPlan) -> None:
        """Install a validated NEW-VIEW: re-proposals become the log of the new view."""
        if self._checkpoints.adopt(plan.checkpoint):
            self._on_stable(plan.checkpoint)
        self._view = nv.view
        self._last_normal_view = nv.view
        self._phase = Phase.NORMAL
        self._new_view = nv
        self._view_floor = plan.max_seq
        self._log.clear()
        self._dirty.clear()
        self._votes = {}
        self._persist.append(NewViewRecord(strip_payloads(nv)))
        self._install_reproposals(nv)
        self._vc_deadline = None
        self._progress_deadline = None
        self._view_changes = {
            r: vc for r, vc in self._view_changes.items() if vc.new_view > nv.view
        }
        self._requests.unpropose()
        self._requests.forget_forwarding()
        self.metrics.views_entered += 1

    def _install_reproposals(self, nv: NewView) -> None:
        primary = self.is_primary
        for pp in nv.pre_prepares:
            if pp.seq <= min(self._checkpoints.low, self._tip):
                continue
            if primary:
                self._votes[pp.seq] = pp.digest
            slot = self._log.slot(pp.seq)
            slot.pre_prepare = pp
            self._payloads.put(pp.seq, pp.digest, CachedPayload(pp.payload, pp.tx_ids), self._tip)
            if primary:
                self._persist_payload(pp.seq, pp.digest)
            self._dirty.add(pp.seq)
        if self._spec is not None and not any(
            (pp.seq, pp.digest) == self._spec for pp in nv.pre_prepares
        ):
            self._discard_speculative()

    def _help_to_new_view(self, peer: int) -> None:
        """Send our NEW-VIEW to a peer stuck in an older view (at most once per interval)."""
        if self._phase is not Phase.NORMAL or self._new_view is None:
            return
        info = self._peers.get(peer)
        if self._now - info.new_view_sent_ms < self.config.status_interval_ms:
            return
        info.new_view_sent_ms = self._now
        self._send.append((peer, self._new_view))

    # ------------------------------------------------------------------ gossip and catch-up

    def _broadcast_status(self) -> None:
        self._last_status = self._now
        status = Status(
            view=self._view,
            view_change=self._phase is Phase.VIEW_CHANGE,
            committed_height=self._tip,
            checkpoint=self._checkpoints.stable,
            replica=self.index,
        )
        self._broadcast(self._sign(status))

    def _on_status(self, sender: int, msg: Status) -> None:
        if not self._authentic(msg.replica, sender, msg):
            return
        self._peers.update(sender, msg.view, msg.view_change, msg.committed_height)
        proof = msg.checkpoint
        if proof.seq > self._checkpoints.low:
            interval = self.config.checkpoint_interval
            if not verify_checkpoint_proof(proof, self._verifier, self._q, interval):
                self.metrics.invalid += 1
            elif self._checkpoints.adopt(proof):
                self._on_stable(proof)
        if msg.view < self._view or (msg.view == self._view and msg.view_change):
            self._help_to_new_view(sender)

    def _update_fetch_target(self) -> None:
        claimed = self._peers.height_reached_by(self._q.weak)
        if claimed > self._tip:
            self._transfer.want(claimed)

    def _fetch_if_behind(self) -> None:
        if not self._transfer.is_behind(self._tip):
            return
        candidates = self._peers.ahead_of(self._tip) or self._peers.all()
        plan = self._transfer.next_fetch(
            self._now,
            self._tip,
            candidates,
            self.config.max_fetch_blocks,
            self.config.fetch_timeout_ms,
            self.config.retransmit_ms,
        )
        if plan is not None:
            fetch = self._sign(Fetch(plan.from_height, plan.to_height, self.index))
            self._send.append((plan.peer, fetch))

    def _on_fetch(self, sender: int, msg: Fetch) -> None:
        if msg.from_height < 1 or msg.to_height < msg.from_height:
            self.metrics.invalid += 1
            return
        if not self._authentic(msg.replica, sender, msg):
            return
        info = self._peers.get(sender)
        if self._now - info.fetch_served_ms < self.config.fetch_serve_interval_ms:
            return
        info.fetch_served_ms = self._now
        last = min(msg.to_height, msg.from_height + self.config.max_fetch_blocks - 1)
        for height in range(msg.from_height, min(last, self._tip) + 1):
            found = self._app.committed_block(height)
            if found is None:
                break
            payload, cert = found
            recent = self._recent_blocks.get(height)
            tx_ids = recent[1] if recent is not None else ()
            reply = BlockReply(height, cert.digest, payload, tx_ids, cert, self.index)
            self._send.append((sender, self._sign(reply)))
        if msg.from_height <= self._tip + 1 <= last:
            for digest, entry in self._payloads.at(self._tip + 1).items():
                reply = BlockReply(
                    self._tip + 1, digest, entry.payload, entry.tx_ids, None, self.index
                )
                self._send.append((sender, self._sign(reply)))

    def _on_block(self, sender: int, msg: BlockReply) -> None:
        if msg.height <= self._tip:
            self.metrics.stale += 1
            return
        cert = msg.certificate
        if cert is None and not (
            msg.height == self._tip + 1 and self._payloads.is_wanted(msg.height)
        ):
            self.metrics.stale += 1
            return
        if cert is not None and (cert.height != msg.height or cert.digest != msg.digest):
            self.metrics.invalid += 1
            return
        if not self._authentic(msg.replica, sender, msg):
            return
        if cert is None:
            entry = CachedPayload(msg.payload, msg.tx_ids)
            self._payloads.put(msg.height, msg.digest, entry, self._tip)
            self._dirty.add(msg.height)
            return
        if not verify_certificate(cert, self._verifier, self.config.n):
            self.metrics.invalid += 1
            return
        self._peers.note_height(sender, msg.height)
        self._transfer.want(msg.height)
        block = FetchedBlock(msg.payload, cert, msg.tx_ids)
        self._transfer.add(msg.height, block, self._tip, self.config.log_window)

    # ------------------------------------------------------------------ periodic duties

    def _forward_requests(self) -> None:
        """Hand pending requests to the primary; if they linger, to every replica.

        Relaying a lingering request to all replicas (what a PBFT client does when the primary
        is slow) makes their timers run too, so a quorum asks for a new view.
        """
        target = self._q.primary(
            self._view if self._phase is Phase.NORMAL else self._last_normal_view
        )
        if target == self.index:
            self._requests.clear_unforwarded()
            return
        self._send_forwards(target, self._requests.to_forward(self._now))
        if self._now - self._last_forward_retry >= self.config.forward_retry_ms // 2:
            self._last_forward_retry = self._now
            again = self._requests.to_forward_again(self._now, self.config.forward_retry_ms)
            self._send_forwards(None, again)

    def _send_forwards(self, target: int | None, batch: list[ClientRequest]) -> None:
        size = self.config.batch_max
        for start in range(0, len(batch), size):
            chunk = tuple(batch[start : start + size])
            self._send.append((target, self._sign(Forward(self.index, chunk))))

    def _retransmit(self) -> None:
        """Send again what peers may have lost: in-flight votes, VIEW-CHANGE, CHECKPOINT."""
        if self._phase is Phase.NORMAL:
            slot = self._log.get(self._tip + 1)
            if slot is not None and slot.pre_prepare is not None:
                if self.is_primary:
                    for peer in self._peers.all():
                        if peer not in slot.prepares:
                            self._send.append((peer, slot.pre_prepare))
                if slot.sent_prepare:
                    self._broadcast(slot.prepares[self.index])
                if slot.sent_commit:
                    self._broadcast(slot.commits[self.index])
        else:
            own = self._view_changes.get(self.index)
            if own is not None and own.new_view == self._view:
                self._broadcast(own)
        if self._checkpoints.own is not None:
            self._broadcast(self._checkpoints.own)

    # ------------------------------------------------------------------ restart

    def _restore(self, durable: DurableState) -> None:
        self._checkpoints.adopt(durable.checkpoint)
        low = self._checkpoints.low
        self._prepared = {s: c for s, c in durable.prepared.items() if s > low}
        self._view = durable.view
        if durable.view_change is not None:
            self._phase = Phase.VIEW_CHANGE
            self._last_normal_view = max(0, durable.view - 1)
            self._view_changes[self.index] = durable.view_change
            self._timeout_doublings = 1
        elif durable.new_view is not None:
            nv = durable.new_view
            self._new_view = nv
            self._new_view_sent_for = nv.view if self.is_primary else -1
            self._last_normal_view = nv.view
            self._view_floor = compute_plan(nv.view_changes).max_seq
            self._install_reproposals(nv)
        else:
            self._last_normal_view = durable.view
        self._votes.update({s: d for s, d in durable.votes.items() if s > low})
        for (seq, digest), payload in durable.payloads.items():
            if seq > self._tip:
                self._voted_payloads[(seq, digest)] = payload
                self._payloads.put(seq, digest, CachedPayload(payload, ()), self._tip)
