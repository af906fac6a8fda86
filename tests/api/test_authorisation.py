"""Who may read what (SPEC §5): holders their own, banks their customers', the regulator all;
nothing private without a token; the observer refuses every write."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    ALICE,
    BOB,
    assert_problem,
    bank_client,
    onboard,
    regulator_client,
    wallet_client,
)
from tests.api.node import NodeHarness


@pytest.fixture
def client(shared: tuple[TestClient, NodeHarness]) -> TestClient:
    return shared[0]


@pytest.fixture
def node(shared: tuple[TestClient, NodeHarness]) -> NodeHarness:
    return shared[1]


@pytest.fixture(scope="module")
def world(shared: tuple[TestClient, NodeHarness]) -> dict[str, Any]:
    """Alice (bank A) paid Bob (bank B) once."""
    client, node = shared
    alice_key, alice = onboard(client, node, "BANK-A", ALICE)
    bob_key, bob = onboard(client, node, "BANK-B", BOB)
    bank_client(client, node, "BANK-A").mint(alice, node.work.deposit_receipt("BANK-A", 5_000))
    wallet = wallet_client(client, alice_key)
    transfer = wallet.send(wallet.build_transfer(wallet.signer(alice_key), bob, 1_000))
    return {"alice": alice, "alice_key": alice_key, "bob": bob, "bob_key": bob_key,
            "transfer": transfer.tx_id}


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


PRIVATE_READS = [
    "/a/v1/accounts/{alice}", "/a/v1/accounts/{alice}/history",
    "/a/v1/accounts/{alice}/liabilities-proof", "/a/v1/transactions/{transfer}",
    "/a/v1/bank/redemptions", "/a/v1/bank/customers/{alice}", "/a/v1/bank/customers",
    "/a/v1/bank/operator",
    "/reg/v1/regulator/reserves", "/reg/v1/regulator/blocks", "/reg/v1/regulator/blocks/1",
    "/reg/v1/regulator/transactions/{transfer}", "/reg/v1/regulator/transactions",
    "/reg/v1/regulator/identities", "/reg/v1/regulator/accounts/{alice}",
    "/reg/v1/regulator/status",
]


@pytest.mark.parametrize("path", PRIVATE_READS)
def test_private_reads_need_a_token(client: TestClient, world: dict[str, Any], path: str) -> None:
    url = path.format(**world)
    assert_problem(client.get(url), 401, "UNAUTHENTICATED")
    assert_problem(client.get(url, headers=headers("v1.bogus.token")), 401, "UNAUTHENTICATED")


def test_holder_sees_only_its_own(client: TestClient, world: dict[str, Any]) -> None:
    bob = wallet_client(client, world["bob_key"])
    alice = world["alice"]
    for path in (f"/v1/accounts/{alice}", f"/v1/accounts/{alice}/history",
                 f"/v1/accounts/{alice}/liabilities-proof"):
        assert_problem(client.get("/a" + path, headers=headers(bob._token or "")), 403, "FORBIDDEN")
    # Bob is a party to the transfer, so he may read its receipt; Alice's mint is hers alone.
    assert bob.get_receipt(world["transfer"])["receipt"]["tx_id"] == world["transfer"]
    mint = wallet_client(client, world["alice_key"]).history()["items"][-2]
    assert mint["kind"] == "mint"
    assert_problem(client.get(f"/a/v1/transactions/{mint['tx_id']}",
                              headers=headers(bob._token or "")), 403, "FORBIDDEN")
    assert bob.get_account()["account"] == world["bob"]


def test_holder_cannot_use_bank_or_regulator_apis(client: TestClient,
                                                  world: dict[str, Any]) -> None:
    bob = wallet_client(client, world["bob_key"], prefix="/b")
    token = headers(bob._token or "")
    assert_problem(client.get("/b/v1/bank/redemptions", headers=token), 403, "FORBIDDEN")
    assert_problem(client.get(f"/b/v1/bank/customers/{world['bob']}", headers=token), 403,
                   "FORBIDDEN")
    challenge = client.post("/reg/v1/auth/challenge").json()
    from api.sdk.login import sign_login

    answer = sign_login(world["bob_key"], challenge, world["bob"])
    assert_problem(client.post("/reg/v1/auth/token", json=answer), 403, "FORBIDDEN")


def test_bank_sees_only_its_own_customers_names(client: TestClient, node: NodeHarness,
                                                world: dict[str, Any]) -> None:
    bank_a, bank_b = bank_client(client, node, "BANK-A"), bank_client(client, node, "BANK-B")
    assert bank_a.customer(world["alice"])["identity"]["name"] == "Alice Chen"
    assert bank_b.customer(world["bob"])["identity"]["name"] == "Bob Lin"
    assert_problem(client.get(f"/a/v1/bank/customers/{world['bob']}",
                              headers=headers(bank_a._token or "")), 403, "FORBIDDEN")
    assert [c["name"] for c in bank_a.customers()["items"]] == ["Alice Chen"]
    assert bank_a.customers(name="bob")["items"] == []
    # Bank B's operator may log in to bank A's node but not run bank A's operations.
    intruder = bank_client(client, node, "BANK-B", prefix="/a")
    assert_problem(client.get(f"/a/v1/bank/customers/{world['alice']}",
                              headers=headers(intruder._token or "")), 403, "FORBIDDEN")
    assert_problem(client.get("/a/v1/bank/redemptions",
                              headers=headers(intruder._token or "")), 403, "FORBIDDEN")
    # A bank reads its customers' accounts and history on the wallet API, not others'.
    assert bank_a.get_account(world["alice"])["balance"]["available"] == "4000"
    assert_problem(client.get(f"/a/v1/accounts/{world['bob']}/history",
                              headers=headers(bank_a._token or "")), 403, "FORBIDDEN")


def test_regulator_sees_everything(client: TestClient, node: NodeHarness,
                                   world: dict[str, Any]) -> None:
    regulator = regulator_client(client, node)
    found = regulator.request("GET", "/v1/regulator/identities",
                              params={"national_id": BOB["national_id"]})
    assert [i["identity"]["account"] for i in found["items"]] == [world["bob"]]
    detail = regulator.request("GET", f"/v1/regulator/transactions/{world['transfer']}")
    assert {p["name"] for p in detail["parties"]} == {"Alice Chen", "Bob Lin"}
    assert regulator.request("GET", f"/v1/regulator/accounts/{world['alice']}")[
        "identity"]["address"] == ALICE["address"]
    # The regulator's token is for the observer only.
    assert_problem(client.get(f"/a/v1/accounts/{world['alice']}",
                              headers=headers(regulator._token or "")), 401, "UNAUTHENTICATED")


def test_bank_and_holder_cannot_log_in_to_the_regulator(client: TestClient,
                                                       node: NodeHarness) -> None:
    from api.sdk.client import ApiProblem, WalletClient

    observer = WalletClient("http://testserver/reg", http=client)
    with pytest.raises(ApiProblem) as refused:
        observer.login(node.keys.bank_operator["BANK-A"], "bank:BANK-A")
    assert refused.value.code == "FORBIDDEN"


def test_tokens_are_bound_to_their_node_and_expire(client: TestClient, node: NodeHarness,
                                                   world: dict[str, Any]) -> None:
    alice = wallet_client(client, world["alice_key"], prefix="/a")
    token = alice._token or ""
    assert_problem(client.get(f"/b/v1/accounts/{world['alice']}", headers=headers(token)),
                   401, "UNAUTHENTICATED")
    version, payload, mac = token.split(".")
    forged = ".".join((version, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), mac))
    assert_problem(client.get(f"/a/v1/accounts/{world['alice']}", headers=headers(forged)),
                   401, "UNAUTHENTICATED")
    auth = node.bank_a.state.auth
    real_clock = auth.clock
    auth.clock = lambda: real_clock() + 901
    try:
        assert_problem(client.get(f"/a/v1/accounts/{world['alice']}", headers=headers(token)),
                       401, "TOKEN_EXPIRED")
    finally:
        auth.clock = real_clock


def test_login_failures(client: TestClient, node: NodeHarness, world: dict[str, Any]) -> None:
    from api.sdk.login import sign_login

    challenge = client.post("/a/v1/auth/challenge").json()
    wrong_key = sign_login(world["bob_key"], challenge, world["alice"])
    assert_problem(client.post("/a/v1/auth/token", json=wrong_key), 401, "LOGIN_FAILED")
    challenge = client.post("/a/v1/auth/challenge").json()
    answer = sign_login(world["alice_key"], challenge, world["alice"])
    assert client.post("/a/v1/auth/token", json=answer).status_code == 200
    assert_problem(client.post("/a/v1/auth/token", json=answer), 401, "LOGIN_FAILED")  # replay
    challenge = client.post("/a/v1/auth/challenge").json()
    tampered = {**sign_login(world["alice_key"], challenge, world["alice"]), "subject": world["bob"]}
    assert_problem(client.post("/a/v1/auth/token", json=tampered), 401, "LOGIN_FAILED")
    challenge = client.post("/a/v1/auth/challenge").json()
    impostor = sign_login(node.keys.roles["custodian"], challenge, "bank:BANK-A")
    assert_problem(client.post("/a/v1/auth/token", json=impostor), 401, "LOGIN_FAILED")


WRITES = [
    ("POST", "/reg/v1/transactions"), ("POST", "/reg/v1/transactions/batch"),
    ("POST", "/reg/v1/bank/customers"), ("POST", "/reg/v1/bank/mints"),
    ("POST", "/reg/v1/bank/payouts"), ("PUT", "/reg/v1/regulator/reserves"),
    ("DELETE", "/reg/v1/regulator/blocks/1"), ("PATCH", "/reg/v1/regulator/identities"),
    ("POST", "/reg/v1/regulator/transactions"), ("POST", "/reg/v1/anything"),
]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_every_write_to_the_regulator_is_refused(client: TestClient, node: NodeHarness,
                                                 method: str, path: str) -> None:
    envelope = node.work.transfer(node.work.new_holder("BANK-A")[0],
                                  node.work.new_holder("BANK-B")[0], 1)
    regulator = regulator_client(client, node)
    for auth in ({}, headers(regulator._token or "")):
        response = client.request(method, path, json=envelope, headers=auth)
        assert_problem(response, 405, "READ_ONLY_NODE")
        assert "POST" not in response.headers["allow"]
    assert node.service.mempool.pending == {}
