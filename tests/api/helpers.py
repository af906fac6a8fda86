"""Small helpers shared by the API tests: SDK clients over the in-process apps, and problem
document checks."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.errors import PROBLEM_MEDIA_TYPE
from api.sdk.client import BankClient, WalletClient
from ledger.crypto.keys import PrivateKey
from tests.api.node import NodeHarness

ALICE = {"name": "Alice Chen", "national_id": "A123456789", "birth_date": "1990-05-01",
         "address": "1 Zhongxiao E. Rd, Taipei"}
BOB = {"name": "Bob Lin", "national_id": "B223456789", "birth_date": "1985-02-03",
       "address": "2 Renai Rd, Taipei"}


def bank_client(client: TestClient, node: NodeHarness, bank: str, prefix: str | None = None) -> BankClient:
    """A bank operator logged in to its own node (or to ``prefix``)."""
    sdk = BankClient(f"http://testserver{prefix or '/' + bank[-1].lower()}", http=client)
    sdk.login(node.keys.bank_operator[bank], f"bank:{bank}")
    return sdk


def wallet_client(client: TestClient, key: PrivateKey, prefix: str = "/a") -> WalletClient:
    sdk = WalletClient(f"http://testserver{prefix}", http=client)
    sdk.login(key)
    return sdk


def regulator_client(client: TestClient, node: NodeHarness) -> WalletClient:
    sdk = WalletClient("http://testserver/reg", http=client)
    sdk.login(node.keys.roles["regulator"], "regulator")
    return sdk


def onboard(client: TestClient, node: NodeHarness, bank: str,
            dossier: dict[str, Any]) -> tuple[PrivateKey, str]:
    """A new holder key registered by ``bank`` through its bank operations API."""
    key = PrivateKey.generate()
    result = bank_client(client, node, bank).onboard(str(key.public_key()), dossier)
    assert result["status"] == "final", result
    return key, result["account"]


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem document with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE), response.headers
    problem: dict[str, Any] = response.json()
    assert problem["code"] == code, problem
    assert problem["status"] == status
    assert problem["type"].endswith(code) and problem["title"] and problem["detail"]
    return problem
