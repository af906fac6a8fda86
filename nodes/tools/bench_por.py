"""``ntdc bench-por``: proof-of-reserves costs on a synthetic ledger of N accounts.

Set-up (not measured as a checkpoint cost): N real ``Account`` rows are loaded into a ledger
state and the liabilities tree is built once. To make a million-account set-up take seconds, not
a minute, the accounts table hashes leaves during set-up with an equivalent encoder of the
account record (plain sorted, compact JSON, which equals RFC 8785 for these ASCII records and is
checked against ``compute_account_leaf`` on a sample); from the first checkpoint on, leaves are
hashed by the production ``compute_account_leaf``.

Measured, for each of ``checkpoints`` rounds that change ``changes`` random accounts:

* update: the incremental state-root computation for the changed accounts (leaf hashes and dirty
  paths, with version history recording), then ``ProofArchive.record_checkpoint``;
* proof: ``compute_account_proof`` (row and path at a retained, past checkpoint) and the
  complete inclusion document (leaf preimage, record hash, JSON);
* bundle: the wallet API's full bundle (checkpoint document + inclusion document);
* verify: ``verify_por`` on a sample of bundles (every check, signatures included);
* sizes: JSON inclusion document, JSON bundle, binary path.
"""

from __future__ import annotations

import gc
import hashlib
import json
import random
import statistics
import time
from dataclasses import dataclass, field, replace
from typing import Any

from consensus.messages import CheckpointProof
from ledger.chain_state import LedgerState, compute_account_leaf
from ledger.commitment.proofs import encode_path_binary
from ledger.crypto.keys import Algorithm, PublicKey, compute_account_id
from ledger.encoding import b64u, tagged_hash
from ledger.model import Account
from ledger.por.archive import ProofArchive
from ledger.por.certificate import compute_quorum, sign_checkpoint
from ledger.por.documents import build_inclusion_document, build_inclusion_proof
from ledger.por.leaf import LeafPreimage
from ledger.por.verify import verify_por
from ledger.state import Table
from ledger.tx.envelope import decode_transaction
from ledger.types import AccountKind, AccountStatus, RiskTier
from nodes.devnet import make_devnet
from nodes.workload import Workload

_RECORD_TAG = b"NTDC/account-record/v1"
_BALANCES = ("available", "pledged", "held")


class _BenchLeaf:
    """Account leaves: a fast equivalent encoder during set-up, then the production one."""

    def __init__(self) -> None:
        self.fast = True

    def __call__(self, _key: Any, account: Account) -> tuple[bytes, int]:
        if not self.fast:
            return compute_account_leaf(account), account.total
        record = {
            "id": account.id, "public_key": account.public_key, "kind": account.kind.value,
            "home_bank": account.home_bank, "status": account.status.value,
            "risk_tier": account.risk_tier.value, "nonce": account.nonce,
            "identity_commitment": account.identity_commitment,
            "leaf_salt": account.leaf_salt, "registered_height": account.registered_height,
            "last_active_ms": account.last_active_ms, "status_order": account.status_order,
        }
        text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        record_hash = tagged_hash(_RECORD_TAG, text.encode())
        ident = account.id.encode()
        leaf = hashlib.sha256(
            b"NTDC/account-leaf/v1\x00" + bytes.fromhex(account.leaf_salt)
            + len(ident).to_bytes(1, "big") + ident + account.available.to_bytes(8, "big")
            + account.pledged.to_bytes(8, "big") + account.held.to_bytes(8, "big") + record_hash
        ).digest()
        return leaf, account.total


def _make_account(index: int, rng: random.Random, banks: list[str]) -> Account:
    raw = hashlib.sha256(b"bench-por" + index.to_bytes(8, "big")).digest()
    key = PublicKey(Algorithm.ED25519, raw)
    return Account(
        id=compute_account_id(key), public_key=f"ed25519:{b64u(raw)}",
        kind=AccountKind.INDIVIDUAL, home_bank=banks[index % len(banks)],
        status=AccountStatus.ACTIVE, risk_tier=RiskTier.LOW, nonce=0,
        available=rng.randrange(0, 10_000_000), pledged=0, held=0,
        identity_commitment=rng.randbytes(32).hex(), leaf_salt=rng.randbytes(32).hex(),
        registered_height=1, last_active_ms=0,
    )


@dataclass
class BenchResult:
    accounts: int
    changes: int
    checkpoints: int
    retain: int
    setup_s: float = 0.0
    wall: dict[str, list[float]] = field(default_factory=dict)
    """Wall-clock samples by metric (ms for update/record, µs for the rest)."""
    cpu: dict[str, list[float]] = field(default_factory=dict)
    """The same samples in this thread's CPU time (robust when other processes compete)."""
    history_nodes: list[int] = field(default_factory=list)
    inclusion_bytes: int = 0
    bundle_bytes: int = 0
    path_binary_bytes: int = 0
    depth: int = 0

    def add(self, name: str, start: tuple[float, float], end: tuple[float, float],
            scale: float) -> None:
        """One sample of ``name`` between two ``_now()`` readings, in seconds x ``scale``."""
        self.wall.setdefault(name, []).append((end[0] - start[0]) * scale)
        self.cpu.setdefault(name, []).append((end[1] - start[1]) * scale)

    def to_json(self) -> dict[str, Any]:
        def summary(values: list[float]) -> dict[str, float]:
            if not values:
                return {}
            ordered = sorted(values)
            return {"mean": round(statistics.fmean(values), 3),
                    "p50": round(ordered[len(ordered) // 2], 3),
                    "p99": round(ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)], 3),
                    "max": round(ordered[-1], 3)}

        return {
            "accounts": self.accounts, "changes_per_checkpoint": self.changes,
            "checkpoints": self.checkpoints, "retain": self.retain, "depth": self.depth,
            "setup_s": round(self.setup_s, 2),
            "wall": {name: summary(values) for name, values in self.wall.items()},
            "cpu": {name: summary(values) for name, values in self.cpu.items()},
            "history_nodes_per_checkpoint": summary([float(n) for n in self.history_nodes]),
            "inclusion_json_bytes": self.inclusion_bytes,
            "bundle_json_bytes": self.bundle_bytes,
            "path_binary_bytes": self.path_binary_bytes,
        }


def run_bench(accounts: int, *, changes: int = 1000, checkpoints: int = 8, proofs: int = 1000,
              verifies: int = 50, retain: int = 16, seed: int = 1) -> BenchResult:
    """Build the synthetic ledger, run the checkpoints and measure (see module docstring)."""
    if accounts < 2:
        raise ValueError("bench at least 2 accounts")
    rng = random.Random(seed)
    genesis, keys = make_devnet(seed.to_bytes(32, "big"))
    banks = [b.bank_id for b in genesis.banks]
    result = BenchResult(accounts, changes, checkpoints, retain)

    started = time.perf_counter()
    state = LedgerState(genesis.chain_id)
    leaf = _BenchLeaf()
    table: Table[str, Account] = Table("accounts", state.journal, leaf, str, Account)
    state.tables.tables["accounts"] = table
    state.accounts = table
    rows = [_make_account(i, rng, banks) for i in range(accounts)]
    for sample in rows[:: max(1, accounts // 16)]:
        leaf.fast = True
        fast = leaf(sample.id, sample)
        if fast != (compute_account_leaf(sample), sample.total):
            raise AssertionError("set-up leaf encoder differs from compute_account_leaf")
    table.load([(a.id, i, a) for i, a in enumerate(rows)], accounts)
    supply = sum(a.total for a in rows)
    work = Workload(genesis, keys, seed=seed)
    attestation = work.attest(supply + 10**12, genesis.genesis_time_ms)
    tx = decode_transaction(attestation)
    state.set_meta("supply", supply)
    state.set_meta("attested_reserves", supply + 10**12)
    state.set_meta("attested_through_seq", 0)
    state.set_meta("attestation_tx", tx.tx_id)
    state.set_meta("attestation_id", tx.body.attestation_id)  # type: ignore[attr-defined]
    state.set_meta("height", 0)
    state.compute_state_root()
    leaf.fast = False
    result.setup_s = time.perf_counter() - started
    del rows

    # Freeze the set-up's million objects out of the cyclic collector's way, as a long-running
    # node would, so that collection pauses do not masquerade as proof costs.
    gc.collect()
    gc.freeze()

    archive = ProofArchive(state, checkpoint_interval=1, retain=retain)
    archive.remember_attestation(attestation)
    ids = [key for key, _ in table.items()]
    for height in range(1, checkpoints + 1):
        for account_id in rng.sample(ids, min(changes, accounts)):
            account = table[account_id]
            delta = rng.randrange(-min(account.available, 5000), 5000)
            table.set(account_id, replace(account, available=account.available + delta,
                                          nonce=account.nonce + 1))
            supply += delta
        state.set_meta("supply", supply)
        state.set_meta("height", height)
        t0 = _now()
        state.compute_state_root()
        t1 = _now()
        record = archive.record_checkpoint()
        t2 = _now()
        result.add("tree_update_ms", t0, t1, 1e3)
        result.add("record_checkpoint_ms", t1, t2, 1e3)
        endorsements = tuple(
            sign_checkpoint(keys.node_keys[i], height, record.state_root, i)
            for i in range(compute_quorum(genesis)))
        archive.attach_certificate(CheckpointProof(height, record.state_root, endorsements))
        if height > 1:
            # The previous checkpoint's diff is now closed: what changed since it, per node.
            result.history_nodes.append(archive.get_history_size(height - 1)[1])
    result.depth = len(archive.compute_account_proof(ids[0], checkpoints).steps)

    heights = archive.heights
    for _ in range(proofs):
        account_id, height = rng.choice(ids), rng.choice(heights)
        t0 = _now()
        proof = archive.compute_account_proof(account_id, height)
        t1 = _now()
        document = build_inclusion_document(archive.get_record(height), proof.index,
                                            LeafPreimage.from_account(proof.account),
                                            proof.steps)
        t2 = _now()
        result.add("path_us", t0, t1, 1e6)
        result.add("proof_us", t0, t2, 1e6)
    result.inclusion_bytes = len(json.dumps(document, separators=(",", ":")))
    result.path_binary_bytes = len(encode_path_binary(
        proof.index, archive.get_record(height).liabilities.size, proof.steps))
    text = ""
    for _ in range(verifies):
        account_id, height = rng.choice(ids), rng.choice(heights)
        t0 = _now()
        bundle = build_inclusion_proof(archive, account_id, height)
        t1 = _now()
        text = json.dumps(bundle, separators=(",", ":"))
        decoded = json.loads(text)
        t2 = _now()
        verify_por(decoded["checkpoint"], decoded["inclusion"], genesis)
        t3 = _now()
        result.add("bundle_us", t0, t1, 1e6)
        result.add("verify_us", t2, t3, 1e6)
    result.bundle_bytes = len(text)
    gc.unfreeze()
    return result


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.thread_time()
