"""The observer process feeds its alert queue: every block it verifies from the validators, and
on every start the blocks it re-verifies from its own database — storing nothing twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi.testclient import TestClient

from ledger.types import ntd
from nodes.config import NodeConfig
from nodes.metrics import NodeMetrics
from nodes.observer.runtime import ObserverRuntime
from nodes.regulator.supervision import CaseStatus
from nodes.storage import Repository
from tests.api.node import NodeHarness, make_node
from tests.nodes.regulator.supervision.helpers import all_alerts


def make_observer(node: NodeHarness, db: Path) -> ObserverRuntime:
    config = NodeConfig(name="observer-0", role="observer", index=0, genesis_file="genesis.json",
                        node_key_file="observer.key", database_url=f"sqlite:///{db}",
                        api_port=1, listen_port=2)
    store = Repository.open(config.database_url)
    return ObserverRuntime(config, node.genesis, store, store.open_state(node.genesis),
                           NodeMetrics())


def test_the_observer_feeds_its_queue_live_and_on_every_start(tmp_path: Path) -> None:
    node = make_node(tmp_path)
    work = node.work
    with TestClient(node.make_apps()) as client:
        alice, reg_a = work.new_holder("BANK-A")
        bob, reg_b = work.new_holder("BANK-A")
        for envelope in (reg_a, reg_b, work.mint(alice, ntd(600_000)),
                         work.transfer(alice, bob, ntd(550_000))):
            answer = client.post("/a/v1/transactions", params={"wait_s": 10}, json=envelope)
            assert answer.json()["receipt"]["status"] == "applied", answer.text
    certified = node.store.get_blocks(1, node.store.tip_height())

    # A fresh observer verifies the validators' blocks as they arrive.
    db = tmp_path / "observer.db"
    observer = make_observer(node, db)
    for stored in certified:
        observer.follower.offer(stored.height, stored.payload, stored.certificate)
    asyncio.run(observer.stop())  # also waits for the analytics thread
    assert observer.follower.height == len(certified) == 4
    rules = sorted(a.rule for a in all_alerts(observer.supervision))
    assert rules == ["LARGE_VALUE", "LARGE_VALUE", "PASS_THROUGH"]
    case = next(a for a in all_alerts(observer.supervision) if a.rule == "PASS_THROUGH")
    observer.supervision.change_case_status(case.alert_id, CaseStatus.UNDER_REVIEW,
                                            "regulator", "")
    observer.store.close()

    # Restarted, it re-verifies its own copy and replays it through the queue.
    restarted = make_observer(node, db)
    asyncio.run(restarted.stop())
    assert restarted.supervision.seen_height == restarted.follower.height == 4
    again = all_alerts(restarted.supervision)
    assert [(a.alert_id, a.created_at_ms) for a in again] == [
        (a.alert_id, a.created_at_ms) for a in all_alerts(observer.supervision)]
    assert next(a for a in again if a.alert_id == case.alert_id).status is CaseStatus.UNDER_REVIEW
    restarted.store.close()
    node.store.close()
