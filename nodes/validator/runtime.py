"""The validator process: drives the PBFT replica with the network, the clock and storage.

Every input (a peer frame, a client transaction, a timer tick) goes into the replica; every
output is handled in the order the core demands: persist its records, then send its messages,
then publish the blocks it committed (to waiting clients, through the app listeners, and to
subscribed observers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from fastapi import FastAPI

from consensus.config import PbftConfig
from consensus.output import Output
from consensus.replica import Replica
from ledger.chain_state import LedgerState
from ledger.crypto.keys import PrivateKey
from ledger.genesis import Genesis, ValidatorKeys
from ledger.tx.envelope import SignedTx
from nodes.config import NodeConfig
from nodes.metrics import NodeMetrics
from nodes.net.feed import decode_sync
from nodes.net.frames import Channel, FrameError
from nodes.net.transport import PeerInfo, PeerNetwork
from nodes.storage.repository import Repository
from nodes.validator.ledger_app import LedgerApp
from nodes.validator.mempool import Mempool
from nodes.validator.records import RecordLog
from nodes.validator.service import NodeService
from nodes.validator.verify_cache import VerifyCache

log = logging.getLogger("ntdc.validator")

TICK_S = 0.005


def make_archive(state: LedgerState, store: Repository, interval: int) -> Any:
    """The proof-of-reserves archive, told the latest attestation after a restart."""
    from ledger.por.archive import ProofArchive

    archive = ProofArchive(state, checkpoint_interval=interval)
    attestation_tx = state.meta.get("attestation_tx")
    receipt = store.get_receipt(str(attestation_tx)) if attestation_tx else None
    stored = store.get_block(receipt.height) if receipt is not None else None
    if stored is not None and receipt is not None:
        archive.remember_attestation(stored.decode().txs[receipt.index])
    return archive


def now_ms() -> int:
    return int(time.time() * 1000)


class KeySigner:
    def __init__(self, key: PrivateKey) -> None:
        self._key = key

    def sign(self, data: bytes) -> str:
        return self._key.sign(data)


class ValidatorRuntime:
    def __init__(self, config: NodeConfig, genesis: Genesis, key: PrivateKey,
                 store: Repository, state: LedgerState, metrics: NodeMetrics) -> None:
        self.config = config
        self.genesis = genesis
        self.store = store
        self.state = state
        self.metrics = metrics
        self.index = config.index
        tip = store.get_block(state.height) if state.height else None
        tip_hash = bytes.fromhex(tip.hash) if tip else genesis.compute_hash()
        self.cache = VerifyCache()
        self.mempool = Mempool(genesis.chain_id, self.cache)
        self.app = LedgerApp(genesis, state, store, self.index, self.cache, tip_hash)
        self.service = NodeService(genesis, state, store, self.app, self.mempool, "validator",
                                   config.name)
        self.service.orderer = self
        self.pbft_config = PbftConfig(
            n=len(genesis.validators), batch_max=config.batch_max,
            batch_wait_ms=config.batch_wait_ms, checkpoint_interval=config.checkpoint_interval,
            log_window=config.log_window, view_change_timeout_ms=config.view_timeout_ms)
        self.records = RecordLog(store)
        self.replica = Replica.restore(self.pbft_config, self.index, KeySigner(key),
                                       ValidatorKeys(genesis), self.app, self.records.records)
        self.network: PeerNetwork | None = None
        self.subscribers: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._last_view = self.replica.view
        self._relay: list[bytes] = []
        self.app.listeners.append(self._on_commit)
        self.archive = make_archive(state, store, config.checkpoint_interval)
        self.service.archive = self.archive  # type: ignore[attr-defined]
        self.app.listeners.append(
            lambda block, receipts, _cert: self.archive.process_block(block, receipts))
        self._stable_seq = 0

    # -- wiring ----------------------------------------------------------------------------
    def dial_list(self, peers: dict[str, PeerInfo], me: str) -> list[str]:
        return [name for name in peers if name.startswith("v") and name != me]

    def attach(self, network: PeerNetwork) -> None:
        self.network = network

    def on_connect(self, peer: str) -> None:
        pass

    async def start(self) -> None:
        self._handle(self.replica.on_start(now_ms()))
        self._task = asyncio.create_task(self._tick_loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- Orderer protocol used by NodeService ---------------------------------------------
    def submit(self, tx: SignedTx) -> None:
        """A client transaction admitted here: order it, and relay it to every validator.

        Relaying plays the part of PBFT's multicasting client: every backup then knows the
        request, so if the primary drops or censors it they all time out and change view.
        """
        self._handle(self.replica.on_request(bytes.fromhex(tx.tx_id), tx.raw, now_ms()))
        if self.network is not None:
            self._relay.append(tx.raw)
            if len(self._relay) >= 256:
                self._flush_relay()

    def flush(self) -> None:
        self._flush_relay()

    def _flush_relay(self) -> None:
        if not self._relay or self.network is None:
            return
        body = b"".join(len(raw).to_bytes(4, "big") + raw for raw in self._relay)
        self._relay = []
        for v in range(self.pbft_config.n):
            if v != self.index:
                self.network.send(f"v{v}", Channel.REQUEST, body)

    def _on_relayed(self, body: bytes) -> None:
        from ledger.errors import InvalidTransaction
        from nodes.validator.mempool import MempoolFull

        offset, now = 0, now_ms()
        while offset + 4 <= len(body):
            length = int.from_bytes(body[offset:offset + 4], "big")
            raw = body[offset + 4:offset + 4 + length]
            offset += 4 + length
            try:
                tx, is_new = self.mempool.admit(raw)
            except (InvalidTransaction, MempoolFull):
                continue  # a relayed transaction we cannot accept is simply not ordered here
            if is_new:
                self._handle(self.replica.on_request(bytes.fromhex(tx.tx_id), tx.raw, now,
                                                     relayed=True))

    def status(self) -> dict[str, Any]:
        tip = self.store.get_block(self.replica.committed_height) \
            if self.replica.committed_height else None
        digest = (tip.header.state_root if tip is not None
                  else self._genesis_root())
        return {
            "name": self.config.name,
            "role": "validator",
            "index": self.index,
            "bank_id": self.config.bank_id,
            "height": self.replica.committed_height,
            "view": self.replica.view,
            "phase": self.replica.phase.name,
            "primary": self.replica.view % self.pbft_config.n,
            "state_digest": digest,
            "supply": str(self.state.supply),
            "mempool": len(self.mempool.pending),
            "pending_requests": self.replica.pending_requests(),
            "stable_checkpoint": self.replica.stable_checkpoint.seq,
            "consensus": self.replica.metrics.as_dict(),
        }

    def _genesis_root(self) -> str:
        if not hasattr(self, "_genesis_root_hex"):
            from ledger.genesis import create_genesis_state

            self._genesis_root_hex = create_genesis_state(self.genesis).compute_state_root().hex()
        return self._genesis_root_hex

    # -- inputs ----------------------------------------------------------------------------
    def on_frame(self, peer: str, channel: Channel, body: bytes) -> None:
        if channel is Channel.CONSENSUS and peer.startswith("v"):
            self._handle(self.replica.on_message(int(peer[1:]), body))
        elif channel is Channel.REQUEST and peer.startswith("v"):
            self._on_relayed(body)
        elif channel is Channel.SYNC:
            try:
                from_height = decode_sync(body)
            except FrameError:
                self.metrics.bad_frames.inc()
                return
            self._serve_sync(peer, from_height)

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                self._flush_relay()
                self._handle(self.replica.on_tick(now_ms()))
            except Exception:
                log.exception("tick failed")

    # -- outputs ---------------------------------------------------------------------------
    def _handle(self, out: Output) -> None:
        self.records.append(out.persist)
        network = self.network
        if network is not None:
            for dest, msg in out.send:
                body = msg.encode()
                if dest is None:
                    for v in range(self.pbft_config.n):
                        if v != self.index:
                            network.send(f"v{v}", Channel.CONSENSUS, body)
                else:
                    network.send(f"v{dest}", Channel.CONSENSUS, body)
        stable = self.replica.stable_checkpoint
        if stable.seq != self._stable_seq:
            self._stable_seq = stable.seq
            self.archive.attach_certificate(stable)
        if self.replica.view != self._last_view:
            self.metrics.view_changes.inc(max(1, self.replica.view - self._last_view))
            self._last_view = self.replica.view
            self.metrics.view.set(self.replica.view)
            log.info("entered view", extra={"view": self.replica.view})

    def _on_commit(self, block: Any, receipts: list[Any], certificate: bytes) -> None:
        height = block.header.height
        self.metrics.height.set(height)
        self.metrics.blocks.inc()
        self.metrics.batch_size.observe(len(receipts))
        applied = sum(1 for r in receipts if r.applied)
        self.metrics.txs.labels("applied").inc(applied)
        self.metrics.txs.labels("rejected").inc(len(receipts) - applied)
        self.metrics.mempool.set(len(self.mempool.pending))
        if self.network is not None and self.subscribers:
            from nodes.net.feed import encode_block_frame

            frame = encode_block_frame(height, block.encode(), certificate)
            for peer in list(self.subscribers):
                self.network.send(peer, Channel.BLOCK, frame)

    def _serve_sync(self, peer: str, from_height: int) -> None:
        from nodes.net.feed import encode_block_frame

        if self.network is None:
            return
        self.subscribers.add(peer)
        tip = self.store.tip_height()
        height = max(1, from_height)
        while height <= tip:
            last = min(tip, height + 63)
            for stored in self.store.get_blocks(height, last):
                self.network.send(peer, Channel.BLOCK, encode_block_frame(
                    stored.height, stored.payload, stored.certificate))
            height = last + 1

    def http_app(self) -> FastAPI:
        from nodes.node_apps import create_validator_http_app

        return create_validator_http_app(self)


