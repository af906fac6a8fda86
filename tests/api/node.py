"""An in-process bank node for API tests: real storage (SQLite), ledger app, mempool and the solo
orderer, with blocks certified by the devnet validator keys so receipts carry genuine commit
certificates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.routing import Mount

from api.apps import create_bank_app, create_regulator_app
from consensus.messages import CommitCertificate, Endorsement
from consensus.wire import commit_signing_bytes
from ledger.block import Block
from ledger.genesis import Genesis
from nodes.devnet import DevnetKeys, make_devnet
from nodes.storage import Repository
from nodes.validator.ledger_app import LedgerApp
from nodes.validator.mempool import Mempool
from nodes.validator.service import NodeService
from nodes.validator.solo import SoloOrderer
from nodes.validator.verify_cache import VerifyCache
from nodes.workload import Workload


def make_certificate(keys: DevnetKeys, height: int, digest: bytes, view: int = 0,
                     signers: tuple[int, ...] = (0, 1, 2, 3)) -> CommitCertificate:
    """A commit certificate signed by the given devnet validators."""
    commits = tuple(
        Endorsement(i, keys.node_keys[i].sign(commit_signing_bytes(view, height, digest, i)))
        for i in signers)
    return CommitCertificate(view, height, digest, commits)


@dataclass
class NodeHarness:
    genesis: Genesis
    keys: DevnetKeys
    service: NodeService
    store: Repository
    work: Workload

    def make_apps(self, settings_override: Any = None, run_orderer: bool = True) -> Starlette:
        """Bank A, bank B and regulator apps mounted under /a, /b and /reg of one ASGI app whose
        lifespan runs the orderer (one event loop for every app)."""
        orderer = self.service.orderer

        @asynccontextmanager
        async def lifespan(_app: Starlette) -> AsyncIterator[None]:
            if run_orderer and orderer is not None:
                await orderer.start()
            yield
            if run_orderer and orderer is not None:
                await orderer.stop()

        self.bank_a = self.bank_app("BANK-A")
        self.bank_b = self.bank_app("BANK-B")
        self.regulator = create_regulator_app(self.service, self.keys.regulator_sealing)
        if settings_override is not None:
            from api.settings import get_settings

            for app in (self.bank_a, self.bank_b, self.regulator):
                app.dependency_overrides[get_settings] = settings_override
        return Starlette(routes=[Mount("/a", self.bank_a), Mount("/b", self.bank_b),
                                 Mount("/reg", self.regulator)], lifespan=lifespan)

    def bank_app(self, bank: str) -> FastAPI:
        return create_bank_app(self.service, bank, self.keys.bank_operator[bank],
                               self.keys.bank_sealing[bank])


def make_node(tmp_path: Path, seed: int = 7, certify: bool = True, **params: Any) -> NodeHarness:
    """A fresh single-node chain on SQLite under ``tmp_path``."""
    genesis, keys = make_devnet(seed.to_bytes(32, "big"), params=params)
    store = Repository.open(f"sqlite:///{tmp_path / 'node.db'}")
    state = store.open_state(genesis)
    cache = VerifyCache()
    app = LedgerApp(genesis, state, store, 0, cache)
    if certify:
        commit = app.commit_block

        def commit_certified(height: int, payload: bytes,
                             certificate: CommitCertificate | None) -> None:
            if certificate is None:
                digest = Block.decode(payload).header.compute_hash()
                certificate = make_certificate(keys, height, digest)
            commit(height, payload, certificate)

        app.commit_block = commit_certified  # type: ignore[method-assign]
    service = NodeService(genesis, state, store, app, Mempool(genesis.chain_id, cache),
                          "validator", "bank-a-node")
    service.orderer = SoloOrderer(app, batch_max=1, batch_wait_ms=1)  # wakes at once
    return NodeHarness(genesis, keys, service, store, Workload(genesis, keys, seed=seed))
