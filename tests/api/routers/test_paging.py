"""Paging: account history, regulator block list and movement search return every item once,
newest first, across pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.settings import ApiSettings, get_settings
from tests.api.helpers import ALICE, BOB, bank_client, onboard, regulator_client, wallet_client
from tests.api.node import NodeHarness


def test_history_blocks_and_movements_page_through_everything(client: TestClient,
                                                             node: NodeHarness) -> None:
    alice_key, alice = onboard(client, node, "BANK-A", ALICE)
    _, bob = onboard(client, node, "BANK-B", BOB)
    bank_client(client, node, "BANK-A").mint(alice, node.work.deposit_receipt("BANK-A", 10_000))
    wallet = wallet_client(client, alice_key)
    signer = wallet.signer(alice_key)
    sent = [wallet.send(wallet.build_transfer(signer, bob, 100 + i)).tx_id for i in range(7)]

    seen, before = [], None
    while True:
        page = wallet.history(limit=3, before=before)
        seen += [item["tx_id"] for item in page["items"]]
        before = page["next_before"]
        if before is None:
            break
    assert seen[:7] == sent[::-1] and len(seen) == 9 and len(set(seen)) == 9

    regulator = regulator_client(client, node)
    heights, cursor = [], None
    while True:
        params = {"limit": 4, **({"before": cursor} if cursor else {})}
        page = regulator.request("GET", "/v1/regulator/blocks", params=params)
        heights += [b["height"] for b in page["items"]]
        cursor = page["next_before"]
        if cursor is None:
            break
    assert heights == list(range(10, 0, -1))

    # Scan at most 2 blocks per call: the cursor walks down the chain until it reaches the start.
    node.regulator.dependency_overrides[get_settings] = lambda: ApiSettings(max_scan_blocks=2)
    try:
        found, cursor, calls = [], None, 0
        while True:
            params = {"min_amount": "102", "max_amount": "105", "limit": 2,
                      **({"before": cursor} if cursor else {})}
            page = regulator.request("GET", "/v1/regulator/transactions", params=params)
            found += [m["receipt"]["tx_id"] for m in page["items"]]
            cursor, calls = page["next_before"], calls + 1
            if cursor is None:
                break
    finally:
        node.regulator.dependency_overrides.clear()
    assert found == sent[2:6][::-1] and calls >= 5
    by_account = regulator.request("GET", "/v1/regulator/transactions",
                                   params={"account": bob, "min_amount": "106"})
    assert [m["receipt"]["tx_id"] for m in by_account["items"]] == [sent[6]]
