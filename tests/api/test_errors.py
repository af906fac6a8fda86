"""Every refusal is an RFC 9457 problem document with a stable code (api/errors.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.deps import get_chain
from api.sdk.client import TransactionRejected
from api.settings import ApiSettings, get_settings
from ledger.crypto.keys import PrivateKey
from tests.api.helpers import ALICE, BOB, assert_problem, bank_client, onboard, wallet_client
from tests.api.node import NodeHarness, make_node


@pytest.fixture
def client(shared: tuple[TestClient, NodeHarness]) -> TestClient:
    return shared[0]


@pytest.fixture
def node(shared: tuple[TestClient, NodeHarness]) -> NodeHarness:
    return shared[1]


@pytest.fixture(scope="module")
def alice(shared: tuple[TestClient, NodeHarness]) -> tuple[PrivateKey, str]:
    client, node = shared
    key, account = onboard(client, node, "BANK-A", ALICE)
    bank_client(client, node, "BANK-A").mint(account, node.work.deposit_receipt("BANK-A", 1_000))
    return key, account


def envelope_for(key: PrivateKey, chain_id: str, **changes: Any) -> dict[str, Any]:
    from api.sdk.builders import Signer

    signer = Signer.for_account(key, chain_id)
    return {**signer.sign("transfer", {"to": signer.signer, "amount": "1"}), **changes}


def test_schema_violations_are_malformed_request(client: TestClient) -> None:
    problem = assert_problem(client.post("/a/v1/transactions", content=b"{not json",
                                         headers={"content-type": "application/json"}),
                             422, "MALFORMED_REQUEST")
    assert problem["errors"]
    assert_problem(client.post("/a/v1/transactions", json={"v": 1}), 422, "MALFORMED_REQUEST")
    assert_problem(client.post("/a/v1/auth/token", json={"subject": ""}), 422, "MALFORMED_REQUEST")
    assert_problem(client.post("/a/v1/transactions?wait_s=nan", json={}), 422,
                   "MALFORMED_REQUEST")


def test_admission_refusals_carry_the_ledger_reason(client: TestClient, node: NodeHarness,
                                                    alice: tuple[PrivateKey, str]) -> None:
    key, _ = alice
    chain = node.genesis.chain_id
    forged = envelope_for(key, chain, signature=PrivateKey.generate().sign(b"other"))
    problem = assert_problem(client.post("/a/v1/transactions", json=forged), 400, "BAD_SIGNATURE")
    assert problem["detail"].startswith("transaction rejected:")
    assert_problem(client.post("/a/v1/transactions", json=envelope_for(key, "other-chain")), 400,
                   "WRONG_CHAIN")
    assert_problem(client.post("/a/v1/transactions", json=envelope_for(key, chain, kind="mint2")),
                   400, "MALFORMED")
    too_much = envelope_for(key, chain)
    too_much["body"] = {**too_much["body"], "amount": "10000000000000000"}
    assert_problem(client.post("/a/v1/transactions", json=too_much), 400, "AMOUNT_OUT_OF_RANGE")


def test_a_final_rejection_is_a_receipt_not_an_http_error(client: TestClient,
                                                          alice: tuple[PrivateKey, str]) -> None:
    key, account = alice
    wallet = wallet_client(client, key)
    overdraw = wallet.build_transfer(wallet.signer(key), account, 1)
    result = wallet.submit(overdraw, wait_s=5)
    assert result["status"] == "final"
    assert (result["receipt"]["status"], result["receipt"]["reason"]) == ("rejected",
                                                                          "SELF_TRANSFER")
    with pytest.raises(TransactionRejected) as rejected:
        wallet.send(wallet.build_transfer(wallet.signer(key), account, 1))
    assert rejected.value.receipt.reason == "SELF_TRANSFER"


def test_batch_reports_each_item(client: TestClient, node: NodeHarness,
                                 alice: tuple[PrivateKey, str]) -> None:
    key, _ = alice
    chain = node.genesis.chain_id
    good = envelope_for(key, chain, nonce=999)
    batch = {"transactions": [good, good, envelope_for(key, "x")]}
    result = client.post("/a/v1/transactions/batch", json=batch).json()
    assert [(i["accepted"], i["duplicate"], i["code"]) for i in result["items"]] == [
        (False, False, "BAD_SIGNATURE"), (False, False, "BAD_SIGNATURE"),
        (False, False, "WRONG_CHAIN")]
    wallet = wallet_client(client, key)
    signer = wallet.signer(key)
    first = wallet.build_redeem(signer, 1)
    result = client.post("/a/v1/transactions/batch", json={"transactions": [first, first]}).json()
    assert [(i["accepted"], i["duplicate"]) for i in result["items"]] == [(True, False),
                                                                         (True, True)]
    assert (result["accepted"], result["refused"]) == (2, 0)
    wallet.wait_for_finality(result["items"][0]["tx_id"])


def test_lookups_of_missing_things(client: TestClient, node: NodeHarness,
                                   alice: tuple[PrivateKey, str]) -> None:
    bank = bank_client(client, node, "BANK-A")
    auth = {"Authorization": f"Bearer {bank._token}"}
    stranger = PrivateKey.generate()
    from ledger.crypto.keys import compute_account_id

    nobody = compute_account_id(stranger.public_key())
    assert_problem(client.get(f"/a/v1/accounts/{nobody}", headers=auth), 403, "FORBIDDEN")
    assert_problem(client.get(f"/a/v1/bank/customers/{nobody}", headers=auth), 404,
                   "UNKNOWN_ACCOUNT")
    assert_problem(client.get("/a/v1/accounts/not-an-account", headers=auth), 422,
                   "MALFORMED_REQUEST")
    assert_problem(client.get("/a/v1/transactions/XYZ", headers=auth), 422, "MALFORMED_REQUEST")
    assert_problem(client.get("/a/v1/transactions/" + "ab" * 32, headers=auth), 404,
                   "UNKNOWN_TRANSACTION")
    assert_problem(client.get("/a/v1/nowhere"), 404, "NOT_FOUND")
    assert_problem(client.delete("/a/v1/status"), 405, "METHOD_NOT_ALLOWED")


def test_bank_operations_refusals(client: TestClient, node: NodeHarness,
                                  alice: tuple[PrivateKey, str]) -> None:
    key, account = alice
    bank = bank_client(client, node, "BANK-A")
    auth = {"Authorization": f"Bearer {bank._token}"}
    again = {"account_public_key": str(key.public_key()), "dossier": ALICE}
    assert_problem(client.post("/a/v1/bank/customers", json=again, headers=auth), 409,
                   "ACCOUNT_EXISTS")
    bad_key = {"account_public_key": "ed25519:short", "dossier": ALICE}
    assert_problem(client.post("/a/v1/bank/customers", json=bad_key, headers=auth), 422,
                   "MALFORMED_REQUEST")
    receipt = node.work.deposit_receipt("BANK-A", 500)
    assert bank.mint(account, receipt)["status"] == "final"
    reuse = {"account": account, "deposit_receipt": receipt}
    problem = assert_problem(client.post("/a/v1/bank/mints", json=reuse, headers=auth), 409,
                             "RECEIPT_REUSED")
    assert problem["tx_id"]
    other_bank = {"account": account, "deposit_receipt": node.work.deposit_receipt("BANK-B", 5)}
    assert_problem(client.post("/a/v1/bank/mints", json=other_bank, headers=auth), 409,
                   "RECEIPT_WRONG_BANK")
    _, bob = onboard(client, node, "BANK-B", BOB)
    not_mine = {"account": bob, "deposit_receipt": node.work.deposit_receipt("BANK-A", 5)}
    assert_problem(client.post("/a/v1/bank/mints", json=not_mine, headers=auth), 409,
                   "NOT_HOME_BANK")
    forged = {**node.work.deposit_receipt("BANK-A", 5), "signature": receipt["signature"]}
    assert_problem(client.post("/a/v1/bank/mints", json={"account": account,
                                                          "deposit_receipt": forged},
                               headers=auth), 409, "RECEIPT_NOT_CUSTODIAN")
    # A rejected operation did not consume the operator's nonce: the next one still works.
    assert bank.mint(account, node.work.deposit_receipt("BANK-A", 5))["status"] == "final"
    payout = client.post("/a/v1/bank/payouts", headers=auth, json={"confirmations": [
        node.work.confirm_payout("ab" * 32, 1)]}).json()
    assert payout["items"][0]["code"] == "UNKNOWN_REDEMPTION"


def test_limits_and_capacity(client: TestClient, node: NodeHarness,
                             alice: tuple[PrivateKey, str]) -> None:
    key, _ = alice
    envelope = envelope_for(key, node.genesis.chain_id)
    node.bank_a.dependency_overrides[get_settings] = lambda: ApiSettings(max_batch=1)
    try:
        assert_problem(client.post("/a/v1/transactions/batch",
                                   json={"transactions": [envelope, envelope]}),
                       413, "BATCH_TOO_LARGE")
    finally:
        node.bank_a.dependency_overrides.clear()
    capacity = node.service.mempool.capacity
    node.service.mempool.capacity = 0
    try:
        wallet = wallet_client(client, key)
        response = client.post("/a/v1/transactions",
                               json=wallet.build_redeem(wallet.signer(key), 1))
        assert_problem(response, 503, "MEMPOOL_FULL")
        assert response.headers["retry-after"] == "1"
    finally:
        node.service.mempool.capacity = capacity


def test_unexpected_failures_are_internal_problems_without_internals(
        client: TestClient, node: NodeHarness, alice: tuple[PrivateKey, str]) -> None:
    key, _ = alice
    wallet = wallet_client(client, key)

    def broken() -> None:
        raise RuntimeError("database password is hunter2")

    node.bank_a.dependency_overrides[get_chain] = broken
    try:
        # A client that re-raises server exceptions: nothing escapes the app.
        with TestClient(node.bank_a) as strict:
            response = strict.get(f"/v1/accounts/{wallet.subject}/history",
                                  headers={"Authorization": f"Bearer {wallet._token}"})
    finally:
        node.bank_a.dependency_overrides.clear()
    problem = assert_problem(response, 500, "INTERNAL")
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert problem["title"] == "Internal error"


def test_a_node_that_refuses_writes(tmp_path: Path) -> None:
    node = make_node(tmp_path)
    node.service.orderer = None
    with TestClient(node.make_apps(), raise_server_exceptions=False) as client:
        envelope = envelope_for(PrivateKey.generate(), node.genesis.chain_id)
        assert_problem(client.post("/a/v1/transactions", json=envelope), 405, "READ_ONLY_NODE")
