"""Persistent, mutually authenticated TLS links between nodes.

Every node listens on its genesis endpoint and dials the peers it must talk to; a link is kept
open and re-dialled with backoff when it drops. A peer is identified only by the key in its TLS
certificate, which must be the genesis key of a known node. Frames received from any link are
handed to ``on_frame(peer_name, channel, body)``; a misbehaving link is closed, never fatal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from ledger.crypto.keys import PublicKey
from nodes.net.frames import Channel, FrameError, encode_frame, read_frame
from nodes.net.tls import get_certificate_key

log = logging.getLogger("ntdc.net")

MAX_BUFFERED_BYTES = 64 * 1024 * 1024
"""Per-link write buffer above which further frames to that peer are dropped (and counted)."""

FrameHandler = Callable[[str, Channel, bytes], None]


@dataclass(frozen=True)
class PeerInfo:
    name: str
    host: str
    port: int
    public_key: PublicKey


@dataclass
class LinkStats:
    sent_frames: int = 0
    dropped_frames: int = 0
    bad_frames: int = 0
    connects: int = 0
    rejected_peers: int = 0


@dataclass
class PeerNetwork:
    me: str
    listen_host: str
    listen_port: int
    peers: dict[str, PeerInfo]
    dial: list[str]
    server_context: ssl.SSLContext
    client_context: ssl.SSLContext
    on_frame: FrameHandler
    on_connect: Callable[[str], None] | None = None
    stats: LinkStats = field(default_factory=LinkStats)

    def __post_init__(self) -> None:
        self._by_key = {str(p.public_key): name for name, p in self.peers.items()}
        self._outbound: dict[str, asyncio.StreamWriter] = {}
        self._inbound: dict[str, asyncio.StreamWriter] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._server: asyncio.Server | None = None
        self._running = False

    async def start(self) -> None:
        self._running = True
        self._server = await asyncio.start_server(
            self._accept, self.listen_host, self.listen_port, ssl=self.server_context,
            limit=2**20,
        )
        for name in self.dial:
            self._tasks.append(asyncio.create_task(self._dial_loop(self.peers[name])))

    async def stop(self) -> None:
        self._running = False
        for task in self._tasks:
            task.cancel()
        for writer in [*self._outbound.values(), *self._inbound.values()]:
            writer.close()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)

    def is_connected(self, name: str) -> bool:
        return name in self._outbound or name in self._inbound

    def send(self, name: str, channel: Channel, body: bytes) -> bool:
        """Queue a frame to ``name``; False if there is no link or it is backed up."""
        writer = self._outbound.get(name) or self._inbound.get(name)
        if writer is None or writer.is_closing():
            self.stats.dropped_frames += 1
            return False
        if writer.transport.get_write_buffer_size() > MAX_BUFFERED_BYTES:
            self.stats.dropped_frames += 1
            return False
        writer.write(encode_frame(channel, body))
        self.stats.sent_frames += 1
        return True

    def broadcast(self, names: list[str], channel: Channel, body: bytes) -> None:
        frame_names = [n for n in names if n != self.me]
        for name in frame_names:
            self.send(name, channel, body)

    def _identify(self, writer: asyncio.StreamWriter) -> str | None:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        if not der:
            return None
        try:
            return self._by_key.get(str(get_certificate_key(der)))
        except ValueError:
            return None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        name = self._identify(writer)
        if name is None:
            self.stats.rejected_peers += 1
            writer.close()
            return
        old = self._inbound.get(name)
        if old is not None:
            old.close()
        self._inbound[name] = writer
        if self.on_connect is not None:
            self.on_connect(name)
        await self._read_loop(name, reader, writer)
        if self._inbound.get(name) is writer:
            del self._inbound[name]

    async def _dial_loop(self, peer: PeerInfo) -> None:
        delay = 0.05
        while self._running:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(peer.host, peer.port, ssl=self.client_context,
                                            limit=2**20), 5.0)
            except (TimeoutError, OSError, ssl.SSLError):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            if self._identify(writer) != peer.name:
                self.stats.rejected_peers += 1
                writer.close()
                await asyncio.sleep(delay)
                continue
            delay = 0.05
            self.stats.connects += 1
            self._outbound[peer.name] = writer
            if self.on_connect is not None:
                self.on_connect(peer.name)
            await self._read_loop(peer.name, reader, writer)
            if self._outbound.get(peer.name) is writer:
                del self._outbound[peer.name]
            await asyncio.sleep(delay)

    async def _read_loop(self, name: str, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        try:
            while self._running:
                channel, body = await read_frame(reader)
                try:
                    self.on_frame(name, channel, body)
                except Exception:  # a handler bug must not kill the link
                    log.exception("frame handler failed", extra={"peer": name})
        except FrameError as exc:
            self.stats.bad_frames += 1
            log.warning("dropping link to %s: %s", name, exc)
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            writer.close()
