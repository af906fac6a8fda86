"""``python -m nodes.node_main --config FILE``: one node process (validator or observer).

Assembles the runtime around the pure cores: storage → ledger state → (validator) mempool, PBFT
replica and the ledger application, or (observer) the verifying follower; the TLS transport; the
HTTP API and /metrics, all on one asyncio loop. SIGTERM stops it cleanly; kill -9 is survivable
because every committed block is durable before it is acknowledged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request

from ledger.crypto.keys import PrivateKey, PublicKey
from ledger.genesis import Genesis
from nodes.config import NodeConfig, read_secret
from nodes.logs import configure_logging
from nodes.metrics import NodeMetrics
from nodes.net.tls import make_contexts
from nodes.net.transport import PeerInfo, PeerNetwork
from nodes.storage.repository import Repository

log = logging.getLogger("ntdc.node")

def peer_table(genesis: Genesis) -> dict[str, PeerInfo]:
    """Every node of the network by transport name: v<i> validators, o<i> observers."""
    peers = {}
    for v in genesis.validators:
        host, port = v.endpoint.rsplit(":", 1)
        peers[f"v{v.index}"] = PeerInfo(f"v{v.index}", host, int(port), PublicKey.parse(v.node_key))
    for i, o in enumerate(genesis.observers):
        host, port = o.endpoint.rsplit(":", 1)
        peers[f"o{i}"] = PeerInfo(f"o{i}", host, int(port), PublicKey.parse(o.node_key))
    return peers


def trusted_certificates(genesis: Genesis) -> list[str]:
    return [v.tls_cert for v in genesis.validators] + [o.tls_cert for o in genesis.observers]


def make_status_app(status: Any, metrics: NodeMetrics, service: Any = None) -> FastAPI:
    """Minimal HTTP app: status, metrics and (validators) raw transaction submission."""

    app = FastAPI(title="NTDC node")

    if service is not None:
        @app.post("/v1/raw/transactions")
        async def submit_raw(request: Request) -> dict[str, Any]:
            from ledger.errors import InvalidTransaction

            raw = await request.body()
            try:
                tx, _ = service.submit(raw)
            except InvalidTransaction as exc:
                return {"error": exc.reason.value, "detail": exc.message}
            receipt = await service.wait_for_receipt(tx.tx_id, 30.0)
            return {"tx_id": tx.tx_id, "receipt": None if receipt is None else receipt.to_json()}

        @app.post("/v1/transactions/batch")
        async def submit_batch(request: Request) -> dict[str, Any]:
            from ledger.errors import InvalidTransaction
            from ledger.tx.envelope import encode_transaction
            from nodes.validator.mempool import MempoolFull

            items = []
            for envelope in (await request.json())["transactions"]:
                try:
                    tx, _ = service.submit(encode_transaction(envelope), relay_now=False)
                    items.append({"tx_id": tx.tx_id, "accepted": True})
                except InvalidTransaction as exc:
                    items.append({"tx_id": None, "accepted": False, "code": exc.reason.value})
                except MempoolFull:
                    items.append({"tx_id": None, "accepted": False, "code": "MEMPOOL_FULL"})
            service.relay_pending()
            accepted = sum(1 for i in items if i["accepted"])
            return {"accepted": accepted, "refused": len(items) - accepted, "items": items}

    @app.get("/v1/status")
    def get_status() -> dict[str, Any]:
        return status()  # type: ignore[no-any-return]

    return app


async def serve_http(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    asyncio.get_running_loop().create_task(server.serve())
    return server


async def run_node(config: NodeConfig) -> None:
    genesis = config.load_genesis()
    key = PrivateKey.parse(read_secret(config.node_key_file))
    store = Repository.open(config.database_url)
    state = store.open_state(genesis)
    metrics = NodeMetrics()
    me = f"v{config.index}" if config.role == "validator" else f"o{config.index}"
    node_cert = (genesis.validators[config.index].tls_cert if config.role == "validator"
                 else genesis.observers[config.index].tls_cert)
    server_ctx, client_ctx = make_contexts(key, node_cert, trusted_certificates(genesis),
                                           Path(config.node_key_file).parent / f".tls-{me}")
    peers = peer_table(genesis)
    if config.role == "validator":
        from nodes.validator.runtime import ValidatorRuntime

        runtime: Any = ValidatorRuntime(config, genesis, key, store, state, metrics)
    else:
        from nodes.observer.runtime import ObserverRuntime

        runtime = ObserverRuntime(config, genesis, store, state, metrics)
    me_info = peers[me]
    network = PeerNetwork(
        me=me, listen_host=me_info.host, listen_port=me_info.port,
        peers={n: p for n, p in peers.items() if n != me},
        dial=runtime.dial_list(peers, me), server_context=server_ctx, client_context=client_ctx,
        on_frame=runtime.on_frame, on_connect=runtime.on_connect)
    runtime.attach(network)
    if not os.environ.get("NTDC_GC_DEFAULT"):
        tune_gc()
    await network.start()
    await runtime.start()
    app = runtime.http_app()
    server = await serve_http(app, config.api_host, config.api_port)
    log.info("node started", extra={"node": config.name, "role": config.role,
                                    "height": state.height})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.should_exit = True
    await runtime.stop()
    await network.stop()
    with contextlib.suppress(Exception):
        store.close()


def tune_gc() -> None:
    """Collect rarely and never rescan what start-up loaded.

    A node holds the whole ledger state as long-lived Python objects and allocates heavily per
    block (decoded transactions, journal entries, receipts). With CPython's default thresholds
    a young collection runs every 700 allocations and a full one rescans the whole state each
    time the heap has grown by a quarter, which is often while it grows under load. Our objects
    are freed by reference counting; the cyclic collector only has to catch rare cycles.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one NTDC node")
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = NodeConfig.load(args.config)
    configure_logging(config.name, config.log_level)
    asyncio.run(run_node(config))


if __name__ == "__main__":
    main()

