"""``WalletClient`` and ``BankClient``: the Python SDK over a bank node's HTTP API.

    client = WalletClient("http://127.0.0.1:8100")
    client.login(key)                              # holder: subject = account id of the key
    signer = client.signer(key)                    # next nonce from the node
    receipt = client.send(signer, to="ntdc1…", amount=150_000)      # NT$1,500.00, waits
    bundle = client.wait_for_finality(receipt.tx_id)
    verify_receipt(bundle, genesis)                # trust the genesis, not the node

Amounts are integers of minor units in Python and decimal strings on the wire. Errors from the
node raise ``ApiProblem`` carrying its RFC 9457 ``code``; a final receipt that says
``rejected`` raises ``TransactionRejected`` from ``send``.
"""

from __future__ import annotations

import time
from typing import Any, Self

import httpx

from api.sdk.builders import Signer
from api.sdk.login import sign_login
from api.sdk.verify import verify_receipt
from ledger.crypto.keys import PrivateKey, compute_account_id
from ledger.genesis import Genesis
from ledger.receipts import Receipt


class ApiProblem(Exception):
    """The node refused a request (an RFC 9457 problem document)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        self.code = str(problem.get("code") or "HTTP_ERROR")
        self.detail = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
        super().__init__(f"{self.code}: {self.detail}")


class TransactionRejected(Exception):
    """The transaction is final but the ledger rejected it; ``receipt.reason`` says why."""

    def __init__(self, receipt: Receipt) -> None:
        self.receipt = receipt
        super().__init__(f"{receipt.kind} rejected ({receipt.reason}): {receipt.message}")


class WalletClient:
    def __init__(self, base_url: str, *, http: httpx.Client | None = None,
                 timeout_s: float = 40.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._owns_http = http is None
        self._timeouts = http is None
        """Per-request timeouts only on our own client (test clients refuse them)."""
        self._http = http if http is not None else httpx.Client(timeout=timeout_s)
        self._token: str | None = None
        self.subject: str | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, subject={self.subject!r})"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transport -------------------------------------------------------------------------
    def request(self, method: str, path: str, *, json: Any = None,
                params: dict[str, Any] | None = None, timeout_s: float | None = None) -> Any:
        """Call the API; returns the decoded JSON body or raises ApiProblem."""
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        extra: dict[str, Any] = {"timeout": timeout_s} if timeout_s and self._timeouts else {}
        response = self._http.request(method, self.base_url + path, json=json, params=params,
                                      headers=headers, **extra)
        try:
            body = response.json()
        except ValueError:
            body = {"detail": response.text[:200]}
        if response.status_code >= 400:
            raise ApiProblem(response.status_code, body if isinstance(body, dict) else {})
        return body

    # -- login -----------------------------------------------------------------------------
    def login(self, key: PrivateKey, subject: str | None = None) -> str:
        """Log in with ``key``; ``subject`` defaults to the key's account id."""
        subject = subject or compute_account_id(key.public_key())
        challenge = self.request("POST", "/v1/auth/challenge")
        token = self.request("POST", "/v1/auth/token", json=sign_login(key, challenge, subject))
        self._token, self.subject = token["access_token"], subject
        return str(token["access_token"])

    def _account(self, account: str | None) -> str:
        chosen = account or self.subject
        if not chosen:
            raise ValueError("log in first or name the account")
        return chosen

    # -- reads -----------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        return dict(self.request("GET", "/v1/status"))

    def genesis(self) -> Genesis:
        """The node's genesis (pin its hash: verification is only as good as the genesis)."""
        return Genesis.model_validate(self.request("GET", "/v1/genesis"))

    def get_account(self, account: str | None = None) -> dict[str, Any]:
        return dict(self.request("GET", f"/v1/accounts/{self._account(account)}"))

    def balance(self, account: str | None = None) -> int:
        """Available balance in minor units."""
        return int(self.get_account(account)["balance"]["available"])

    def history(self, account: str | None = None, limit: int = 50,
                before: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if before:
            params["before"] = before
        return dict(self.request("GET", f"/v1/accounts/{self._account(account)}/history",
                                 params=params))

    def liabilities_proof(self, account: str | None = None) -> dict[str, Any]:
        return dict(self.request("GET",
                                 f"/v1/accounts/{self._account(account)}/liabilities-proof"))

    # -- building and submitting -----------------------------------------------------------
    def signer(self, key: PrivateKey) -> Signer:
        """A holder signer whose next nonce is the account's committed nonce + 1."""
        signer = Signer.for_account(key, self.genesis_chain_id())
        signer.next_nonce = int(self.get_account(signer.signer)["nonce"]) + 1
        return signer

    def genesis_chain_id(self) -> str:
        return str(self.status()["chain_id"])

    @staticmethod
    def build_transfer(signer: Signer, to: str, amount: int, memo: str = "",
                       travel_rule: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"to": to, "amount": str(amount), "memo": memo}
        if travel_rule is not None:
            body["travel_rule"] = travel_rule
        return signer.sign("transfer", body)

    @staticmethod
    def build_redeem(signer: Signer, amount: int, reference: str = "") -> dict[str, Any]:
        return signer.sign("redeem", {"amount": str(amount), "reference": reference})

    def submit(self, envelope: dict[str, Any], wait_s: float = 0) -> dict[str, Any]:
        """Submit one signed envelope; {tx_id, status, duplicate, receipt}."""
        return dict(self.request("POST", "/v1/transactions", json=envelope,
                                 params={"wait_s": wait_s} if wait_s else None,
                                 timeout_s=wait_s + 10))

    def submit_batch(self, envelopes: list[dict[str, Any]]) -> dict[str, Any]:
        return dict(self.request("POST", "/v1/transactions/batch",
                                 json={"transactions": envelopes}))

    def get_receipt(self, tx_id: str, wait_s: float = 0) -> dict[str, Any]:
        """The receipt bundle (receipt, header, proofs, certificate)."""
        return dict(self.request("GET", f"/v1/transactions/{tx_id}",
                                 params={"wait_s": wait_s} if wait_s else None,
                                 timeout_s=wait_s + 10))

    def wait_for_finality(self, tx_id: str, timeout_s: float = 30) -> dict[str, Any]:
        """The receipt bundle once final; raises TimeoutError."""
        deadline = time.monotonic() + timeout_s
        while True:
            wait = round(max(0.0, min(deadline - time.monotonic(), 10.0)), 3)
            try:
                return self.get_receipt(tx_id, wait_s=wait)
            except ApiProblem as exc:
                # Unknown may mean "submitted elsewhere and not here yet": keep waiting.
                if exc.code not in ("NOT_FINAL", "UNKNOWN_TRANSACTION"):
                    raise
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{tx_id} not final after {timeout_s} s") from exc
                if wait < 0.05:
                    time.sleep(0.05)

    def send(self, envelope: dict[str, Any], wait_s: float = 10) -> Receipt:
        """Submit and wait for the final receipt; raises TransactionRejected or TimeoutError."""
        result = self.submit(envelope, wait_s=wait_s)
        if result["receipt"] is None:
            raise TimeoutError(f"{result['tx_id']} not final within {wait_s} s; "
                               "check later with wait_for_finality")
        receipt = Receipt.from_json(result["receipt"])
        if not receipt.applied:
            raise TransactionRejected(receipt)
        return receipt

    def verified_receipt(self, tx_id: str, genesis: Genesis, timeout_s: float = 30) -> Receipt:
        """Wait for finality and verify the receipt against ``genesis``."""
        return verify_receipt(self.wait_for_finality(tx_id, timeout_s), genesis)


class BankClient(WalletClient):
    """The bank operations API (log in with the bank operator key, subject ``bank:<id>``)."""

    def onboard(self, account_public_key: str, dossier: dict[str, Any],
                kind: str = "individual", wait_s: float = 10) -> dict[str, Any]:
        return dict(self.request("POST", "/v1/bank/customers", params={"wait_s": wait_s},
                                 json={"account_public_key": account_public_key, "kind": kind,
                                       "dossier": dossier}, timeout_s=wait_s + 10))

    def mint(self, account: str, deposit_receipt: dict[str, Any],
             wait_s: float = 10) -> dict[str, Any]:
        return dict(self.request("POST", "/v1/bank/mints", params={"wait_s": wait_s},
                                 json={"account": account, "deposit_receipt": deposit_receipt},
                                 timeout_s=wait_s + 10))

    def operator(self) -> dict[str, Any]:
        """The operator's signer id and last committed nonce."""
        return dict(self.request("GET", "/v1/bank/operator"))

    def redemptions(self, include_paid: bool = False) -> dict[str, Any]:
        return dict(self.request("GET", "/v1/bank/redemptions",
                                 params={"include_paid": str(include_paid).lower()}))

    def submit_payouts(self, confirmations: list[dict[str, Any]]) -> dict[str, Any]:
        return dict(self.request("POST", "/v1/bank/payouts",
                                 json={"confirmations": confirmations}))

    def customer(self, account: str) -> dict[str, Any]:
        return dict(self.request("GET", f"/v1/bank/customers/{account}"))

    def customers(self, name: str | None = None, national_id: str | None = None,
                  limit: int = 50) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if name:
            params["name"] = name
        if national_id:
            params["national_id"] = national_id
        return dict(self.request("GET", "/v1/bank/customers", params=params))
