"""The APIs over real HTTP against real node processes: errors are problem+json with stable
codes, and the authorisation matrix holds across nodes."""

from __future__ import annotations

import httpx
import pytest

from api.sdk.client import ApiProblem, BankClient, WalletClient
from nodes.launcher.keys import load_network
from nodes.workload import Workload

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from tests.nodes.network.conftest import start_network

    network = start_network(tmp_path_factory.mktemp("api") / "net")
    genesis, keys = load_network(network.directory)
    work = Workload(genesis, keys, seed=5)
    apis = {v.bank_id: v.api for v in genesis.validators}
    alice, reg_a = work.new_holder("BANK-A", name="Alice Wang")
    bob, reg_b = work.new_holder("BANK-B", name="Bob Lee")
    for holder, envelope in ((alice, reg_a), (bob, reg_b)):
        assert WalletClient(apis[holder.bank]).submit(envelope, wait_s=30)["status"] == "final"
    for holder in (alice, bob):
        mint = work.mint(holder, 100_000)
        assert WalletClient(apis[holder.bank]).submit(mint, wait_s=30)["status"] == "final"
    transfer = work.transfer(alice, bob, 1_000)
    receipt = WalletClient(apis["BANK-A"]).submit(transfer, wait_s=30)["receipt"]
    assert receipt["status"] == "applied"
    yield network, genesis, keys, work, apis, alice, bob, receipt["tx_id"]
    network.stop()


def problem(response: httpx.Response) -> dict:
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "code"} <= set(body)
    assert body["status"] == response.status_code
    return body


def test_errors_are_problem_json_with_stable_codes(world):
    _, genesis, _, work, apis, alice, bob, _ = world
    api = apis["BANK-A"]
    # Malformed request body.
    body = problem(httpx.post(f"{api}/v1/transactions", json={"v": 1}))
    assert body["code"] == "MALFORMED_REQUEST"
    # A forged signature is refused before consensus.
    envelope = work.transfer(alice, bob, 10)
    envelope["signature"] = envelope["signature"][:-4] + "AAAA"
    body = problem(httpx.post(f"{api}/v1/transactions", json=envelope))
    assert body["code"] == "BAD_SIGNATURE"
    alice.signer.next_nonce -= 1
    # Wrong chain.
    other = dict(work.transfer(alice, bob, 10))
    alice.signer.next_nonce -= 1
    other["chain_id"] = "another-chain"
    body = problem(httpx.post(f"{api}/v1/transactions", json=other))
    assert body["code"] in ("WRONG_CHAIN", "BAD_SIGNATURE")
    # Unauthenticated private read.
    body = problem(httpx.get(f"{api}/v1/accounts/{alice.account}"))
    assert body["status"] == 401
    # An empty batch is a malformed request.
    body = problem(httpx.post(f"{api}/v1/transactions/batch", json={"transactions": []}))
    assert body["code"] == "MALFORMED_REQUEST"


def test_authorisation_matrix_over_the_network(world):
    network, genesis, keys, work, apis, alice, bob, tx_id = world
    # A holder cannot read another holder's history.
    bob_client = WalletClient(apis["BANK-B"])
    bob_client.login(bob.signer.key)
    with pytest.raises(ApiProblem) as refused:
        bob_client.history(alice.account)
    assert refused.value.status == 403
    # ...but reads its own, including a transfer it received.
    assert any(item["tx_id"] == tx_id for item in bob_client.history()["items"])
    # Bank A cannot read bank B's customers' real names.
    bank_a = BankClient(apis["BANK-A"])
    bank_a.login(keys.bank_operator["BANK-A"], "bank:BANK-A")
    with pytest.raises(ApiProblem) as refused:
        bank_a.customer(bob.account)
    assert refused.value.status in (403, 404)
    assert "Bob Lee" not in str(refused.value)
    # Bank A reads its own customer's real name.
    assert "Alice Wang" in str(bank_a.customer(alice.account))
    # The observer refuses every write, even a validly signed transaction.
    observer = genesis.observers[0].api
    response = httpx.post(f"{observer}/v1/transactions", json=work.transfer(alice, bob, 1))
    assert problem(response)["code"] == "READ_ONLY_NODE"
    # The regulator reads real names on its own node.
    regulator = WalletClient(observer)
    regulator.login(keys.roles["regulator"], "regulator")
    assert "Bob Lee" in str(regulator.request("GET", f"/v1/regulator/accounts/{bob.account}"))
