"""An "accepted" answer means the transaction has left this node: the service relays admitted
transactions to the other validators before it answers, once per request (a batch is relayed
as one frame per peer, after its last transaction), so a node killed right after answering
cannot take acknowledged transactions with it (the real-process kill -9 test checks the end
result; these tests pin the order of events)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from ledger.tx.envelope import SignedTx, encode_transaction
from tests.api.node import make_node


class RecordingOrderer:
    """Wraps the node's orderer and records submits and flushes in order."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.events: list[tuple[str, ...]] = []

    async def start(self) -> None:
        await self.inner.start()

    async def stop(self) -> None:
        await self.inner.stop()

    def submit(self, tx: SignedTx) -> None:
        self.events.append(("submit", tx.tx_id))
        self.inner.submit(tx)

    def flush(self) -> None:
        self.events.append(("flush",))
        self.inner.flush()

    def status(self) -> dict[str, Any]:
        return self.inner.status()  # type: ignore[no-any-return]


def test_a_single_submission_is_relayed_before_submit_returns(tmp_path: Path) -> None:
    node = make_node(tmp_path)
    recorder = RecordingOrderer(node.service.orderer)
    node.service.orderer = recorder
    _, register = node.work.new_holder("BANK-A")
    tx, is_new = node.service.submit(encode_transaction(register))
    assert is_new
    assert recorder.events == [("submit", tx.tx_id), ("flush",)]
    # A duplicate is neither ordered nor relayed again.
    node.service.submit(encode_transaction(register))
    assert recorder.events == [("submit", tx.tx_id), ("flush",)]


def test_a_batch_is_relayed_once_after_its_last_transaction(tmp_path: Path) -> None:
    node = make_node(tmp_path)
    recorder = RecordingOrderer(node.service.orderer)
    node.service.orderer = recorder
    registers = [node.work.new_holder("BANK-A")[1] for _ in range(3)]
    with TestClient(node.make_apps(), raise_server_exceptions=False) as client:
        result = client.post("/a/v1/transactions/batch",
                             json={"transactions": registers}).json()
    assert result["accepted"] == 3
    ids = [item["tx_id"] for item in result["items"]]
    assert recorder.events[:4] == [("submit", ids[0]), ("submit", ids[1]), ("submit", ids[2]),
                                   ("flush",)]
