"""The observer process: subscribes to every validator's block feed and verifies everything.

It never votes and refuses every write. On start (and whenever it stops making progress) it asks
each connected validator to stream committed blocks from its own height, so a restarted observer
catches up and verifies the whole chain again from its own database.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from fastapi import FastAPI

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.genesis import Genesis
from ledger.receipts import Receipt
from nodes.config import NodeConfig
from nodes.metrics import NodeMetrics
from nodes.net.feed import decode_block_frame, encode_sync
from nodes.net.frames import Channel, FrameError
from nodes.net.transport import PeerInfo, PeerNetwork
from nodes.observer.follower import Alert, Follower
from nodes.regulator.supervision import AlertQueue
from nodes.storage.repository import Repository
from nodes.validator.certificates import make_certificate_check


class _ReplayStore:
    """Where re-verified stored blocks go: nowhere (they are on disk already)."""

    def save_block(self, *_args: Any) -> None:
        return None


class ObserverRuntime:
    def __init__(self, config: NodeConfig, genesis: Genesis, store: Repository,
                 state: LedgerState, metrics: NodeMetrics) -> None:
        self.config = config
        self.genesis = genesis
        self.store = store
        self.metrics = metrics
        # The regulator's alert queue (docs/supervision.md) is attached before the stored chain
        # is re-verified, so it sees every block from genesis on every start.
        self.supervision = AlertQueue.open(store.engine, background=True)
        self.follower = self._reverify_stored_chain(state)
        self.state = self.follower.state
        self.follower.listeners.append(self._on_block)
        from nodes.validator.runtime import make_archive

        # Checkpoint records for the regulator's reserves statements (from the next checkpoint).
        self.archive = make_archive(self.state, store, config.checkpoint_interval)
        self.follower.listeners.append(
            lambda block, receipts, _cert: self.archive.process_block(block, receipts))
        self.network: PeerNetwork | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_progress = time.monotonic()
        self.started_at = time.time()

    def _reverify_stored_chain(self, stored_state: LedgerState) -> Follower:
        """Trust nothing in our own database: re-verify every stored block from genesis.

        Each stored block's certificate is checked and the block re-executed on a fresh genesis
        state; the result must equal the state stored on disk. Blocks that arrive later are
        applied on top of this re-derived state.
        """
        from ledger.genesis import create_genesis_state

        check = make_certificate_check(self.genesis)
        follower = Follower(create_genesis_state(self.genesis), _ReplayStore(),
                            check, self.genesis.compute_hash())
        follower.listeners.append(self.supervision.on_block)
        tip = self.store.tip_height()
        height = 1
        while height <= tip and not follower.halted:
            last = min(tip, height + 255)
            for stored in self.store.get_blocks(height, last):
                follower.offer(stored.height, stored.payload, stored.certificate)
            height = last + 1
        if not follower.halted and follower.height != tip:
            follower.stats.alerts.append(Alert(follower.height, "STORED_CHAIN",
                                               "a stored block failed verification"))
            follower.stats.mismatches += 1
            follower.halted = True
        elif (not follower.halted
              and follower.state.compute_state_root() != stored_state.compute_state_root()):
            follower.stats.alerts.append(Alert(tip, "STORED_STATE",
                                               "stored state differs from re-execution"))
            follower.stats.mismatches += 1
            follower.halted = True
        follower.store = self.store
        return follower

    def dial_list(self, peers: dict[str, PeerInfo], me: str) -> list[str]:
        return [name for name in peers if name.startswith("v")]

    def attach(self, network: PeerNetwork) -> None:
        self.network = network

    def on_connect(self, peer: str) -> None:
        if self.network is not None and peer.startswith("v"):
            self.network.send(peer, Channel.SYNC, encode_sync(self.follower.height + 1))

    def on_frame(self, peer: str, channel: Channel, body: bytes) -> None:
        if channel is not Channel.BLOCK:
            return  # an observer takes nothing else from anyone
        try:
            height, payload, certificate = decode_block_frame(body)
        except FrameError:
            self.metrics.bad_frames.inc()
            return
        before = self.follower.height
        self.follower.offer(height, payload, certificate)
        if self.follower.height != before:
            self._last_progress = time.monotonic()

    def _on_block(self, block: Block, receipts: list[Receipt], certificate: bytes) -> None:
        self.metrics.height.set(block.header.height)
        self.metrics.verified.inc()
        self.metrics.blocks.inc()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._resync_loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.supervision.close()

    async def _resync_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            if self.network is None or time.monotonic() - self._last_progress < 1.0:
                continue
            for name in self.dial_list(self.network.peers, self.network.me):
                self.network.send(name, Channel.SYNC, encode_sync(self.follower.height + 1))

    def status(self) -> dict[str, Any]:
        stats = self.follower.stats
        return {
            "name": self.config.name,
            "role": "observer",
            "height": self.follower.height,
            "view": None,
            "state_digest": self.state.compute_state_root().hex(),
            "supply": str(self.state.supply),
            "blocks_verified": stats.verified_blocks,
            "mismatches": stats.mismatches,
            "bad_certificates": stats.bad_certificates,
            "invariant_violations": stats.invariant_violations,
            "halted": self.follower.halted,
            "alerts": [a.__dict__ for a in stats.alerts[-20:]],
        }

    def http_app(self) -> FastAPI:
        from nodes.node_apps import create_observer_http_app

        return create_observer_http_app(self)
