"""api/apps.py: the regulator app runs over an observer (no mempool, no orderer, no name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from api.apps import create_regulator_app
from api.sdk.client import WalletClient
from ledger.chain_state import LedgerState
from ledger.genesis import Genesis
from tests.api.helpers import assert_problem
from tests.api.node import NodeHarness


@dataclass
class Observer:
    """The shape of ``nodes.observer.runtime.ObserverRuntime`` the API relies on."""

    genesis: Genesis
    state: LedgerState
    store: Any

    def status(self) -> dict[str, Any]:
        return {"name": "regulator", "role": "observer", "height": self.state.height,
                "blocks_verified": self.state.height, "mismatches": 0, "alerts": []}


def test_regulator_app_over_an_observer(node: NodeHarness) -> None:
    observer = Observer(node.genesis, node.service.state, node.store)
    app = create_regulator_app(observer, node.keys.regulator_sealing)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/v1/status").json()["name"] == "regulator"
        regulator = WalletClient("http://testserver", http=client)
        regulator.login(node.keys.roles["regulator"], "regulator")
        assert regulator.request("GET", "/v1/regulator/reserves")["supply"] == "0"
        assert regulator.request("GET", "/v1/regulator/status")["details"]["mismatches"] == 0
        assert_problem(client.post("/v1/transactions", json={}), 405, "READ_ONLY_NODE")
        assert_problem(client.get("/v1/accounts/x"), 404, "NOT_FOUND")
