"""Running the margin service: its identity from a network directory, the periodic call watcher,
and the HTTP server (``ntdc clearing serve``).

The network directory is the one ``ntdc genesis`` writes: ``genesis.json`` and
``keys/ccp.key`` (the ccp role key, which must be the one genesis names). The books are kept in
``<dir>/clearing/books.json`` unless told otherwise, so a restarted service keeps its positions,
marks and record of posted requirements.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from ledger.crypto.keys import PrivateKey
from ledger.genesis import Genesis
from nodes.clearing.service.app import create_clearing_app
from nodes.clearing.service.book import load_books
from nodes.clearing.service.gateway import HttpChainGateway
from nodes.clearing.service.histories import load_histories
from nodes.clearing.service.model import MarginMethod, MarginParameters
from nodes.clearing.service.service import MarginService
from nodes.config import read_secret

log = logging.getLogger("ntdc.clearing")


def load_ccp_identity(network_dir: Path) -> tuple[Genesis, PrivateKey]:
    """The network's genesis and the ccp role key, checked against each other."""
    genesis = Genesis.model_validate(
        json.loads((network_dir / "genesis.json").read_text(encoding="utf-8")))
    key = PrivateKey.parse(read_secret(network_dir / "keys" / "ccp.key"))
    if str(key.public_key()) != genesis.roles.get("ccp"):
        raise ValueError(f"{network_dir / 'keys' / 'ccp.key'} is not the ccp key of the genesis")
    return genesis, key


@dataclass(frozen=True)
class ServeOptions:
    network_dir: Path
    node_url: str
    host: str = "127.0.0.1"
    port: int = 8200
    history: str = "seeded"
    method: MarginMethod = MarginMethod.HS_ES
    watch_interval_s: float = 1.0
    books_path: Path | None = None
    token: str | None = None


def build_service(options: ServeOptions) -> MarginService:
    """The margin service for a network directory and a node URL (not connected yet)."""
    genesis, key = load_ccp_identity(options.network_dir)
    params = MarginParameters(default_method=options.method)
    histories = load_histories(options.history, params.lookback_days + params.holding_days)
    books_path = options.books_path or options.network_dir / "clearing" / "books.json"
    return MarginService(genesis, key, HttpChainGateway(options.node_url, key), params=params,
                         histories=histories, books=load_books(books_path),
                         books_path=books_path)


async def run_watcher(service: MarginService, interval_s: float, stop: asyncio.Event) -> None:
    """``watch_once`` every ``interval_s`` until ``stop``; a node that is down is retried."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(service.watch_once)
        except Exception as exc:  # the watcher must outlive a node restart
            log.warning("margin call check failed: %s", exc)
        try:
            await asyncio.wait_for(stop.wait(), interval_s)
        except TimeoutError:
            pass


def create_served_app(service: MarginService, options: ServeOptions) -> FastAPI:
    """The HTTP app whose lifespan runs the watcher."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(run_watcher(service, options.watch_interval_s, stop))
        yield
        stop.set()
        await task

    return create_clearing_app(service, token=options.token, lifespan=lifespan)


def serve(options: ServeOptions) -> None:
    """Run the margin service until interrupted."""
    import uvicorn

    service = build_service(options)
    if options.token is None and options.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("clearing service listens on %s without an operator token: anyone who can "
                    "reach it can change positions and prices", options.host)
    uvicorn.run(create_served_app(service, options), host=options.host, port=options.port,
                log_level="warning", access_log=False)
