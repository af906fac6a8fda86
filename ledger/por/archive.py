"""The node-side archive behind proofs of reserves: checkpoint records and past liabilities.

A node keeps one ``ProofArchive`` beside its ``LedgerState`` and calls ``process_block`` from its
commit listener (the state is then exactly at the block's height). At every checkpoint height
(a multiple of the checkpoint interval) the archive records the state root's preimage and the
``meta`` rows, and marks a version of the accounts table (``ledger.commitment.versioned``): no
tree is rebuilt or copied. When consensus makes the checkpoint stable, ``attach_certificate``
keeps its proof. Proofs can then be built for any account at any of the last ``retain``
checkpoints, while the chain moves on.

The archive also keeps the signed ``reserve_attestation`` envelopes that retained checkpoints
refer to (``meta["attestation_tx"]``), so a proof bundle can carry the custodian's signature.
After a restart the node hands in the latest one with ``remember_attestation``.

History lives in memory only: after a restart, proofs are available from the next checkpoint on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from consensus.messages import CheckpointProof
from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.commitment.merkle_sum import ProofStep
from ledger.commitment.versioned import CheckpointNotRetained, TableVersions
from ledger.model import Account
from ledger.por.records import CheckpointRecord, MetaRow, TableEntry
from ledger.receipts import Receipt
from ledger.tx.envelope import compute_signing_bytes

DEFAULT_RETAIN = 16
"""Checkpoints kept for proofs (with the default interval of 16 blocks: the last 256 blocks)."""


class ProofUnavailable(LookupError):
    """No proof can be built: unknown account, checkpoint not retained or not yet certified."""


@dataclass(frozen=True, slots=True)
class AccountProof:
    """An account's row and its path at one checkpoint."""

    height: int
    index: int
    account: Account
    steps: tuple[ProofStep, ...]


class ProofArchive:
    """Checkpoint records, certificates and attestations, with versioned liabilities."""

    def __init__(self, state: LedgerState, *, checkpoint_interval: int,
                 retain: int = DEFAULT_RETAIN) -> None:
        if checkpoint_interval < 1:
            raise ValueError("checkpoint interval must be at least 1")
        self.state = state
        self.checkpoint_interval = checkpoint_interval
        self._accounts = TableVersions(state.accounts, retain)
        self._records: dict[int, CheckpointRecord] = {}
        self._certificates: dict[int, CheckpointProof] = {}
        self._attestations: dict[str, dict[str, Any]] = {}

    # -- feeding the archive ---------------------------------------------------------------
    def process_block(self, block: Block, receipts: Sequence[Receipt]) -> CheckpointRecord | None:
        """After a block is committed: keep attestations; record it if it is a checkpoint."""
        height = block.header.height
        if height != self.state.height:
            raise ValueError(f"block {height} is not the state's committed height "
                             f"{self.state.height}")
        for receipt in receipts:
            if receipt.applied and receipt.kind == "reserve_attestation":
                self.remember_attestation(block.txs[receipt.index])
        if height % self.checkpoint_interval != 0:
            return None
        return self.record_checkpoint()

    def remember_attestation(self, raw: bytes | dict[str, Any]) -> str:
        """Keep a signed reserve_attestation envelope; returns its transaction id."""
        envelope = json.loads(raw) if isinstance(raw, bytes | bytearray) else dict(raw)
        tx_id = hashlib.sha256(compute_signing_bytes(envelope)).hexdigest()
        self._attestations[tx_id] = envelope
        return tx_id

    def record_checkpoint(self) -> CheckpointRecord:
        """Record the current state as the checkpoint at its height."""
        state = self.state
        height = state.height
        state_root = state.compute_state_root()
        self._accounts.mark(height)
        tables = []
        for name in sorted(state.tables.tables):
            table = state.tables.tables[name]
            # The trees are clean after compute_state_root: root() only reads the top node.
            root, total = table.tree.root()
            tables.append(TableEntry(name, root, total, table.next_index))
        meta = tuple(sorted(
            (MetaRow(index, key, value) for key, index, value in state.meta.rows()),
            key=lambda row: row.index,
        ))
        record = CheckpointRecord(state.chain_id, height, state_root, tuple(tables), meta)
        self._records[height] = record
        retained = set(self._accounts.heights)
        for old in [h for h in self._records if h not in retained]:
            del self._records[old]
            self._certificates.pop(old, None)
        wanted = {r.get_meta("attestation_tx") for r in self._records.values()}
        for tx_id in [t for t in self._attestations if t not in wanted]:
            del self._attestations[tx_id]
        return record

    def attach_certificate(self, proof: CheckpointProof) -> bool:
        """Keep the stable-checkpoint proof of a retained checkpoint; False if it does not fit."""
        record = self._records.get(proof.seq)
        if record is None or record.state_root != proof.state_digest:
            return False
        self._certificates[proof.seq] = proof
        return True

    # -- reading ---------------------------------------------------------------------------
    @property
    def heights(self) -> list[int]:
        """Retained checkpoint heights, oldest first."""
        return sorted(self._records)

    def get_record(self, height: int | None = None) -> CheckpointRecord:
        """The record at ``height`` (None: the latest checkpoint)."""
        if height is None:
            if not self._records:
                raise ProofUnavailable("no checkpoint has been recorded yet")
            height = max(self._records)
        record = self._records.get(height)
        if record is None:
            raise ProofUnavailable(
                f"checkpoint {height} is not retained (retained: {self.heights or 'none'})"
            )
        return record

    def get_certified_height(self) -> int | None:
        """The latest retained checkpoint that has a certificate."""
        return max(self._certificates) if self._certificates else None

    def get_certificate(self, height: int) -> CheckpointProof | None:
        return self._certificates.get(height)

    def get_attestation(self, height: int) -> dict[str, Any] | None:
        """The signed attestation envelope checkpoint ``height`` refers to, if known."""
        tx_id = self.get_record(height).get_meta("attestation_tx")
        return None if tx_id is None else self._attestations.get(str(tx_id))

    def get_history_size(self, height: int) -> tuple[int, int]:
        """(accounts, tree nodes) changed between checkpoint ``height`` and the next one."""
        self.get_record(height)
        return self._accounts.get_history_size(height)

    def get_account_at(self, account_id: str, height: int) -> tuple[int, Account]:
        """(leaf index, account record) at checkpoint ``height``."""
        self.get_record(height)
        try:
            row = self._accounts.get_row_at(account_id, height)
        except CheckpointNotRetained as exc:
            raise ProofUnavailable(str(exc)) from None
        if row is None:
            raise ProofUnavailable(f"account {account_id} did not exist at checkpoint {height}")
        return row

    def compute_account_proof(self, account_id: str, height: int) -> AccountProof:
        """The account's row and Merkle sum path at checkpoint ``height``."""
        index, account = self.get_account_at(account_id, height)
        steps = self._accounts.compute_proof_at(index, height)
        return AccountProof(height, index, account, tuple(steps))
