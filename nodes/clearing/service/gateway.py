"""How the margin service reaches the chain: a bank node's HTTP API, as a client.

``HttpChainGateway`` logs in to the node's wallet API as the ``ccp`` role (a challenge signed
with the ccp key, like the regulator and the custodian) and then:

* submits signed envelopes in order with ``POST /v1/transactions/batch`` (one request, so they
  reach consensus in nonce order) and waits for each final receipt by posting the same envelope
  to ``POST /v1/transactions?wait_s=…`` (a duplicate only waits: same transaction id);
* reads the ccp role's nonce, members' collateral and the reports from ``/v1/collateral``.

A node that does not serve the wallet API yet (today's node processes serve only ``/v1/status``,
``/v1/transactions/batch`` and ``/v1/raw/transactions``) is used in **raw mode**: the same batch
submission, finality from ``POST /v1/raw/transactions`` (the node waits up to 30 s), no reads;
the service then learns nonces from the chain's ``NONCE_*`` answers and calls from its own
receipts (see ``service.py``). The mode is chosen when the gateway connects (``mode``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from api.sdk.client import ApiProblem, WalletClient
from ledger.crypto.keys import PrivateKey
from ledger.receipts import Receipt
from ledger.tx.envelope import encode_transaction

log = logging.getLogger("ntdc.clearing")

ROLE = "ccp"
API_MODE = "api"
RAW_MODE = "raw"


class ChainUnavailable(Exception):
    """The node cannot be reached or does not answer as expected; retry later."""


@dataclass(frozen=True, slots=True)
class Submission:
    """One envelope's fate: admitted and final (``receipt``), pending, or refused at the door."""

    tx_id: str | None
    receipt: Receipt | None
    refused_code: str | None = None
    refused_detail: str = ""


class ChainGateway(Protocol):
    """What the margin service needs from the chain."""

    mode: str | None

    def connect(self) -> str:
        """Log in (or detect raw mode); returns the mode."""
        ...

    def submit(self, envelopes: list[dict[str, Any]]) -> list[Submission]:
        """Submit envelopes in order and wait for their final receipts."""
        ...

    def get_collateral_status(self) -> dict[str, Any] | None:
        """``GET /v1/collateral/status`` (None in raw mode)."""
        ...

    def get_collateral_report(self) -> dict[str, Any] | None:
        """``GET /v1/collateral/report`` (None in raw mode)."""
        ...

    def get_member(self, account: str) -> dict[str, Any] | None:
        """``GET /v1/collateral/members/{account}`` (None in raw mode)."""
        ...

    def get_weekly_report(self, week_start_ms: int | None) -> dict[str, Any] | None:
        """``GET /v1/collateral/weekly`` (None in raw mode)."""
        ...

    def get_settlement(self, settlement_id: str) -> tuple[bool, dict[str, Any] | None]:
        """(known, record): whether the node can tell, and the applied settlement or None."""
        ...


class HttpChainGateway:
    """A bank node's HTTP API, logged in as the ccp role (thread-safe)."""

    def __init__(self, base_url: str, key: PrivateKey, *, http: httpx.Client | None = None,
                 wait_s: float = 15.0, timeout_s: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=timeout_s)
        self._client = WalletClient(self.base_url, http=self._http)
        self.wait_s = wait_s
        self.mode: str | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HttpChainGateway({self.base_url!r}, mode={self.mode!r})"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    # -- connection ------------------------------------------------------------------------
    def connect(self) -> str:
        """Log in as ccp on the wallet API, or fall back to raw mode on a bare node."""
        with self._lock:
            try:
                self._client.login(self._key, ROLE)
                self.mode = API_MODE
            except ApiProblem as exc:
                if exc.status not in (404, 405):
                    raise ChainUnavailable(f"login as ccp at {self.base_url} refused: "
                                           f"{exc}") from None
                self.mode = RAW_MODE
                log.warning("node %s serves no wallet API: raw mode (no collateral reads)",
                            self.base_url)
            except httpx.HTTPError as exc:
                raise ChainUnavailable(f"node {self.base_url} unreachable: {exc}") from None
            return self.mode

    def _ensure(self) -> str:
        return self.mode if self.mode is not None else self.connect()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """An authenticated API call, logging in again once if the token expired."""
        try:
            try:
                return self._client.request(method, path, **kwargs)
            except ApiProblem as exc:
                if exc.status != 401:
                    raise
                self._client.login(self._key, ROLE)
                return self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ChainUnavailable(f"node {self.base_url} unreachable: {exc}") from None

    # -- writes ----------------------------------------------------------------------------
    def submit(self, envelopes: list[dict[str, Any]]) -> list[Submission]:
        """Admit all envelopes in one ordered batch, then wait for each one's final receipt."""
        if not envelopes:
            return []
        mode = self._ensure()
        try:
            admitted = self._http.post(f"{self.base_url}/v1/transactions/batch",
                                       json={"transactions": envelopes})
        except httpx.HTTPError as exc:
            raise ChainUnavailable(f"node {self.base_url} unreachable: {exc}") from None
        if admitted.status_code != 200:
            raise ChainUnavailable(f"batch submission answered {admitted.status_code}: "
                                   f"{admitted.text[:200]}")
        results: list[Submission] = []
        for envelope, item in zip(envelopes, admitted.json()["items"], strict=True):
            if not item.get("accepted"):
                results.append(Submission(item.get("tx_id"), None, item.get("code") or "REFUSED",
                                          item.get("detail") or ""))
                continue
            results.append(self._wait(envelope, str(item["tx_id"]), mode))
        return results

    def _wait(self, envelope: dict[str, Any], tx_id: str, mode: str) -> Submission:
        try:
            if mode == API_MODE:
                answer = self._http.post(f"{self.base_url}/v1/transactions", json=envelope,
                                         params={"wait_s": self.wait_s})
            else:
                answer = self._http.post(f"{self.base_url}/v1/raw/transactions",
                                         content=encode_transaction(envelope),
                                         headers={"Content-Type": "application/octet-stream"})
        except httpx.HTTPError as exc:
            log.warning("waiting for %s failed: %s", tx_id, exc)
            return Submission(tx_id, None)
        body = answer.json() if answer.content else {}
        if answer.status_code >= 400 or body.get("error"):
            return Submission(tx_id, None, str(body.get("code") or body.get("error") or
                                               answer.status_code),
                              str(body.get("detail") or ""))
        receipt = body.get("receipt")
        return Submission(tx_id, Receipt.from_json(receipt) if receipt else None)

    # -- reads (wallet API only) -----------------------------------------------------------
    def _read(self, path: str, **params: Any) -> dict[str, Any] | None:
        if self._ensure() != API_MODE:
            return None
        query = {k: v for k, v in params.items() if v is not None}
        return dict(self._call("GET", path, params=query or None))

    def get_collateral_status(self) -> dict[str, Any] | None:
        return self._read("/v1/collateral/status")

    def get_collateral_report(self) -> dict[str, Any] | None:
        return self._read("/v1/collateral/report")

    def get_member(self, account: str) -> dict[str, Any] | None:
        return self._read(f"/v1/collateral/members/{account}")

    def get_weekly_report(self, week_start_ms: int | None) -> dict[str, Any] | None:
        return self._read("/v1/collateral/weekly", week_start_ms=week_start_ms)

    def get_settlement(self, settlement_id: str) -> tuple[bool, dict[str, Any] | None]:
        if self._ensure() != API_MODE:
            return False, None
        try:
            return True, dict(self._call("GET", f"/v1/collateral/settlements/{settlement_id}"))
        except ApiProblem as exc:
            if exc.code == "UNKNOWN_SETTLEMENT":
                return True, None
            raise
