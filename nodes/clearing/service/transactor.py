"""Signing as the ``ccp`` role: consecutive nonces, ordered submission, re-signing after gaps.

The chain executes a signer's transactions only in nonce order, and a *rejected* transaction
does not use its nonce. So when the service sends several transactions at once (a variation
settlement and every member's new requirement) and one is rejected, the ones after it fail
with ``NONCE_GAP``; they are re-signed from the chain's next nonce and sent again. The next nonce
comes from, in order of preference: the chain's own answer ("next nonce is N" in a
``NONCE_REUSED``/``NONCE_GAP`` receipt), ``GET /v1/collateral/status``, or local counting from
a genesis-fresh chain. One lock serialises every ccp transaction of the process.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from api.sdk.builders import Signer
from ledger.crypto.keys import PrivateKey
from nodes.clearing.service.gateway import ROLE, ChainGateway, Submission
from nodes.clearing.service.model import ChainOutcome

log = logging.getLogger("ntdc.clearing")

NONCE_REASONS = frozenset({"NONCE_GAP", "NONCE_REUSED"})
_NEXT_NONCE = re.compile(r"next nonce is (\d+)")
MAX_ROUNDS = 4

Item = tuple[str, dict[str, Any]]
"""A transaction to sign: (kind, body)."""


def get_next_nonce_hint(message: str) -> int | None:
    """The next nonce a NONCE_* rejection names, if it names one."""
    found = _NEXT_NONCE.search(message)
    return int(found.group(1)) if found else None


def compute_outcome(kind: str, body: dict[str, Any], submission: Submission) -> ChainOutcome:
    """The service's record of one submission."""
    receipt = submission.receipt
    tx_id = submission.tx_id or ""
    if submission.refused_code is not None:
        return ChainOutcome(kind, tx_id, "refused", submission.refused_code,
                            submission.refused_detail, body=body)
    if receipt is None:
        return ChainOutcome(kind, tx_id, "pending", None, "not final in time", body=body)
    effects = tuple({"op": e.op, "account": e.account, "amount": str(e.amount), "ref": e.ref}
                    for e in receipt.effects)
    return ChainOutcome(kind, tx_id, receipt.status, receipt.reason, receipt.message,
                        receipt.height, effects, body)


class CcpTransactor:
    """Signs with the ccp role key and submits through a gateway, keeping nonces in step."""

    def __init__(self, key: PrivateKey, chain_id: str, gateway: ChainGateway) -> None:
        self.signer = Signer(key, ROLE, chain_id)
        self.gateway = gateway
        self._synced = False
        self._lock = threading.Lock()

    @property
    def next_nonce(self) -> int | None:
        """The nonce the next transaction will use (None until learnt from the chain)."""
        return self.signer.next_nonce if self._synced else None

    def sync(self) -> None:
        """Take the next nonce from the chain when the node can tell (wallet API)."""
        status = self.gateway.get_collateral_status()
        if status is not None:
            self.signer.next_nonce = int(status["ccp_nonce"]) + 1
        self._synced = True

    def transact(self, items: list[Item]) -> list[ChainOutcome]:
        """Sign ``items`` with consecutive nonces, submit in order, wait for every receipt."""
        if not items:
            return []
        with self._lock:
            if not self._synced:
                self.sync()
            outcomes: list[ChainOutcome | None] = [None] * len(items)
            todo = list(range(len(items)))
            for _ in range(MAX_ROUNDS):
                start = self.signer.next_nonce
                envelopes = [self.signer.sign(*items[i]) for i in todo]
                submissions = self.gateway.submit(envelopes)
                retry: list[int] = []
                hint: int | None = None
                used = start - 1
                for index, envelope, submission in zip(todo, envelopes, submissions,
                                                       strict=True):
                    outcome = compute_outcome(*items[index], submission)
                    outcomes[index] = outcome
                    if outcome.status == "rejected" and outcome.reason in NONCE_REASONS:
                        retry.append(index)
                        hint = get_next_nonce_hint(outcome.message) or hint
                    elif outcome.status in ("applied", "pending"):
                        # Applied used its nonce; pending probably will (else a later NONCE_GAP
                        # brings the count back in step).
                        used = max(used, int(envelope["nonce"]))
                self.signer.next_nonce = used + 1
                if not retry:
                    break
                if hint is not None:
                    self.signer.next_nonce = hint
                else:
                    self.sync()
                log.info("re-signing %d ccp transaction(s) from nonce %d", len(retry),
                         self.signer.next_nonce)
                todo = retry
            return [o for o in outcomes if o is not None]
