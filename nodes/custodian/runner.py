"""Running the custodian against a node: pay pending redemptions, attest the reserve periodically.

``CustodianRunner.run_once`` does one round: read the custodian's nonce and the redemptions
awaiting payout from the node, pay each one (the custodian's books decide, not the chain) and
submit the signed confirmations, then submit a reserve attestation when one is due (every
``attest_every_ms``, and after any payout so the chain's reserves follow the books quickly).

While transactions of an earlier round are not final yet (the chain's custodian nonce is behind
the books), a round waits rather than sign conflicting nonces; after ``resync_rounds`` rounds
without progress it assumes they were lost and continues from the chain's nonce.

A node is reached in-process (``InProcessNode``: the demo and tests) or over HTTP
(``HttpNode``). Time is injected, so tests drive the runner with a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ledger.chain_state import LedgerState
from ledger.crypto.keys import PrivateKey
from ledger.tx.envelope import encode_transaction
from nodes.custodian.service import ROLE, Custodian, CustodianError

log = logging.getLogger("ntdc.custodian")


@dataclass(frozen=True, slots=True)
class PendingRedemption:
    redemption_id: str
    account: str
    amount: int


class CustodianNode(Protocol):
    """What the custodian needs from a node."""

    def get_custodian_nonce(self) -> int:
        """The last nonce the chain consumed for the custodian role."""
        ...

    def get_pending_redemptions(self) -> list[PendingRedemption]:
        """Redemptions burned on chain and not yet confirmed as paid."""
        ...

    def submit(self, envelope: dict[str, Any]) -> None:
        """Hand a signed transaction to the node (raises on refusal)."""
        ...


class InProcessNode:
    """A node in the same process: its state for reads, a submit function for writes."""

    def __init__(self, state: LedgerState, submit: Callable[[bytes], Any]) -> None:
        self._state = state
        self._submit = submit

    def get_custodian_nonce(self) -> int:
        role = self._state.roles.get(ROLE)
        return 0 if role is None else role.nonce

    def get_pending_redemptions(self) -> list[PendingRedemption]:
        pending = [r for _, r in self._state.redemptions.items() if not r.paid]
        pending.sort(key=lambda r: (r.requested_height, r.redemption_id))
        return [PendingRedemption(r.redemption_id, r.account, r.amount) for r in pending]

    def submit(self, envelope: dict[str, Any]) -> None:
        self._submit(encode_transaction(envelope))


@dataclass(frozen=True)
class HttpPaths:
    """Node API routes the custodian uses (``api/routers/custodian.py``, transactions)."""

    nonce: str = "/v1/custodian/status"
    """JSON object with ``nonce`` (int): the last nonce the chain consumed for the custodian."""
    pending: str = "/v1/custodian/redemptions"
    """JSON object with ``items``: [{redemption_id, account, amount (decimal string)}]."""
    submit: str = "/v1/transactions"


class HttpNode:
    """A node reached over its HTTP API with the SDK client, logged in as the custodian.

    The custodian routes need the custodian's bearer token: with ``key`` the node logs in (and
    logs in again when the token has expired).
    """

    def __init__(self, base_url: str, key: PrivateKey | None = None, *,
                 paths: HttpPaths | None = None, http: Any = None) -> None:
        from api.sdk.client import WalletClient

        self._client = WalletClient(base_url, http=http)
        self._key = key
        self._paths = paths or HttpPaths()
        if key is not None:
            self._client.login(key, ROLE)

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        from api.sdk.client import ApiProblem

        try:
            return self._client.request(method, path, json=body)
        except ApiProblem as exc:
            if exc.status != 401 or self._key is None:
                raise
            self._client.login(self._key, ROLE)
            return self._client.request(method, path, json=body)

    def get_custodian_nonce(self) -> int:
        return int(self._call("GET", self._paths.nonce)["nonce"])

    def get_pending_redemptions(self) -> list[PendingRedemption]:
        return [PendingRedemption(item["redemption_id"], item["account"], int(item["amount"]))
                for item in self._call("GET", self._paths.pending)["items"]
                if not item.get("paid", False)]

    def submit(self, envelope: dict[str, Any]) -> None:
        self._call("POST", self._paths.submit, envelope)


def _wall_clock_ms() -> int:
    return int(time.time() * 1000)


class CustodianRunner:
    """Pays redemptions and attests the reserve, one round per ``run_once``."""

    def __init__(self, custodian: Custodian, node: CustodianNode, *,
                 attest_every_ms: int = 60_000, resync_rounds: int = 5,
                 clock: Callable[[], int] = _wall_clock_ms,
                 on_books_changed: Callable[[Custodian], None] | None = None) -> None:
        self.custodian = custodian
        self.node = node
        self.attest_every_ms = attest_every_ms
        self.resync_rounds = resync_rounds
        self.clock = clock
        self.on_books_changed = on_books_changed
        """Called after every signature, e.g. to save the books before anything is sent."""
        self._stalled = 0
        self._attested_once = False

    def run_once(self) -> list[dict[str, Any]]:
        """One round; returns the envelopes submitted."""
        books = self.custodian.books
        chain_nonce = self.node.get_custodian_nonce()
        if chain_nonce < books.nonce:
            self._stalled += 1
            if self._stalled < self.resync_rounds:
                return []  # earlier transactions are still on their way
            log.warning("custodian transactions %d..%d never became final; re-signing",
                        chain_nonce + 1, books.nonce)
        self._stalled = 0
        self.custodian.sync_nonce(chain_nonce)
        now = self.clock()
        sent: list[dict[str, Any]] = []
        for redemption in self.node.get_pending_redemptions():
            try:
                envelope = self.custodian.confirm_payout(redemption.redemption_id,
                                                         redemption.amount, now)
            except CustodianError as exc:
                log.error("cannot pay redemption %s: %s", redemption.redemption_id, exc)
                continue
            sent.append(self._send(envelope))
        due = now - books.last_attested_ms >= self.attest_every_ms
        if sent or due or not self._attested_once:
            sent.append(self._send(self.custodian.attest(now)))
            self._attested_once = True
        return sent

    def _send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        if self.on_books_changed is not None:
            self.on_books_changed(self.custodian)
        self.node.submit(envelope)
        return envelope

    async def run_forever(self, interval_s: float, stop: asyncio.Event) -> None:
        """Run a round every ``interval_s`` seconds until ``stop`` is set."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:  # a node that is down must not stop the custodian
                log.exception("custodian round failed")
            try:
                await asyncio.wait_for(stop.wait(), interval_s)
            except TimeoutError:
                pass
