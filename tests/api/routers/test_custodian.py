"""``/v1/custodian``: the reserve custodian service (nodes/custodian) runs against the API."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from api.sdk.client import WalletClient
from ledger.tx.envelope import compute_signing_bytes
from nodes.custodian.runner import CustodianRunner, HttpNode
from nodes.custodian.service import Custodian, CustodianBooks
from tests.api.helpers import ALICE, assert_problem, bank_client, onboard, wallet_client
from tests.api.node import NodeHarness


def test_the_custodian_service_pays_and_attests_through_the_api(client: TestClient,
                                                                node: NodeHarness) -> None:
    custodian = Custodian.from_genesis(node.genesis, node.keys.roles["custodian"],
                                       CustodianBooks(balance=0))
    alice_key, alice = onboard(client, node, "BANK-A", ALICE)
    deposit = custodian.sign_deposit_receipt("BANK-A", 20_000, node.genesis.genesis_time_ms)
    bank_client(client, node, "BANK-A").mint(alice, deposit)
    wallet = wallet_client(client, alice_key)
    redeem = wallet.send(wallet.build_redeem(wallet.signer(alice_key), 5_000))

    login = WalletClient("http://testserver/a", http=client)
    login.login(node.keys.roles["custodian"], "custodian")
    status = login.request("GET", "/v1/custodian/status")
    assert (status["nonce"], status["pending_payouts"]) == (0, "5000")

    http = HttpNode("http://testserver/a", node.keys.roles["custodian"], http=client)
    sent = CustodianRunner(custodian, http, clock=lambda: node.genesis.genesis_time_ms + 5).run_once()
    assert [e["kind"] for e in sent] == ["confirm_payout", "reserve_attestation"]
    for envelope in sent:
        login.wait_for_finality(compute_tx_id(envelope))
    assert login.request("GET", "/v1/custodian/redemptions")["items"] == []
    assert login.request("GET", "/v1/custodian/status")["nonce"] == 2
    assert redeem.applied


def compute_tx_id(envelope: dict[str, object]) -> str:
    return hashlib.sha256(compute_signing_bytes(envelope)).hexdigest()


def test_only_the_custodian_reads_pending_redemptions(client: TestClient,
                                                      node: NodeHarness) -> None:
    assert_problem(client.get("/a/v1/custodian/redemptions"), 401, "UNAUTHENTICATED")
    bank = bank_client(client, node, "BANK-A")
    assert_problem(client.get("/a/v1/custodian/redemptions",
                              headers={"Authorization": f"Bearer {bank._token}"}), 403, "FORBIDDEN")
