"""Real-name records: opening KYC dossiers from the chain with this node's sealing key.

A dossier lives, sealed with HPKE, in the ``register_account`` transaction that put the account
on chain. To read it the directory looks up the account's registration height (kept in state),
finds the registration's receipt in that block, takes the transaction at the same index from the
stored block and opens the sealed record addressed to this node's recipient name (``regulator``
or ``bank:<id>``). Opened identities are cached in memory; nothing here is ever logged.

Methods block on storage and decryption: routes call them through ``run_in_threadpool``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from api.chain import ChainReader
from ledger.crypto.sealing import SealingError, SealingPrivateKey, open_sealed


@dataclass(frozen=True, slots=True)
class Identity:
    """The real-name data of one account, as its KYC dossier records it."""

    account: str
    home_bank: str
    name: str
    national_id: str
    birth_date: str
    address: str
    risk_tier: str
    registration_tx: str
    registered_height: int

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account, "home_bank": self.home_bank, "name": self.name,
            "national_id": self.national_id, "birth_date": self.birth_date,
            "address": self.address, "risk_tier": self.risk_tier,
            "registration_tx": self.registration_tx, "registered_height": self.registered_height,
        }


class DossierUnavailable(Exception):
    """The registration or its dossier cannot be found or opened with this node's key."""


@dataclass(frozen=True, slots=True)
class AccountRef:
    """Enough of an account to find its registration (copied from state on the event loop)."""

    account: str
    home_bank: str
    registered_height: int


class IdentityDirectory:
    def __init__(self, reader: ChainReader, recipient: str, key: SealingPrivateKey) -> None:
        self.reader = reader
        self.recipient = recipient
        self._key = key
        self._cache: dict[str, Identity] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IdentityDirectory({self.recipient!r}, <key redacted>)"

    def get_identity(self, ref: AccountRef) -> Identity:
        """The opened dossier of ``ref``; raises DossierUnavailable."""
        with self._lock:
            cached = self._cache.get(ref.account)
        if cached is not None:
            return cached
        identity = self._open(ref)
        with self._lock:
            self._cache[ref.account] = identity
        return identity

    def _open(self, ref: AccountRef) -> Identity:
        view = self.reader.get_block_view(ref.registered_height)
        if view is None:
            raise DossierUnavailable(f"block {ref.registered_height} is not stored on this node")
        for receipt in view.receipts:
            if receipt.kind != "register_account" or not receipt.applied:
                continue
            if not any(e.op == "register" and e.account == ref.account for e in receipt.effects):
                continue
            envelope = view.transaction_json(receipt.index) or {}
            record = (envelope.get("body") or {}).get("dossier")
            if not isinstance(record, dict):
                break
            try:
                data = json.loads(open_sealed(record, self.recipient, self._key))
            except (SealingError, ValueError) as exc:
                raise DossierUnavailable(
                    f"the dossier of {ref.account} cannot be opened as {self.recipient}") from exc
            return Identity(
                account=ref.account, home_bank=ref.home_bank, name=str(data.get("name", "")),
                national_id=str(data.get("national_id", "")),
                birth_date=str(data.get("birth_date", "")), address=str(data.get("address", "")),
                risk_tier=str(data.get("risk_tier", "")), registration_tx=receipt.tx_id,
                registered_height=ref.registered_height)
        raise DossierUnavailable(
            f"no registration of {ref.account} found in block {ref.registered_height}")

    def search(self, refs: list[AccountRef], *, name: str | None = None,
               national_id: str | None = None, limit: int = 100) -> list[Identity]:
        """Identities among ``refs`` whose name contains ``name`` (case-insensitive) and whose
        national ID equals ``national_id``; dossiers this node cannot open are skipped."""
        wanted_name = name.casefold() if name else None
        found: list[Identity] = []
        for ref in refs:
            try:
                identity = self.get_identity(ref)
            except DossierUnavailable:
                continue
            if wanted_name is not None and wanted_name not in identity.name.casefold():
                continue
            if national_id is not None and identity.national_id != national_id:
                continue
            found.append(identity)
            if len(found) >= limit:
                break
        return found
