"""Generate the proof-of-reserves test vectors (``tests/vectors/por_*.json``, docs/protocol.md
"Proofs of reserves").

A small chain is run from fixed seeds through the real transaction paths (registrations with
placeholder sealed dossiers, custodian-signed mints, an attestation, a transfer, a redemption,
a short attestation), with a proof archive certifying every second block by validators 0, 1
and 2. Ed25519 is deterministic, so every byte is reproducible: ``test_vectors.py`` checks that
this generator still writes the files byte for byte, replays them through the verifier and
recomputes the hashed and signed bytes independently.

    python -m tests.ledger.por.vectors          # rewrite tests/vectors/por_*.json
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from api.sdk.builders import sign_deposit_receipt
from consensus.messages import CheckpointProof
from consensus.wire import checkpoint_signing_bytes
from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.commitment.proofs import encode_path_binary
from ledger.crypto.keys import PrivateKey, compute_account_id
from ledger.crypto.sealing import SealingPrivateKey
from ledger.execution import build_block
from ledger.genesis import BankEntry, Genesis, Validator, create_genesis_state
from ledger.por.archive import ProofArchive
from ledger.por.certificate import encode_certificate, sign_checkpoint
from ledger.por.documents import build_inclusion_proof, parse_checkpoint_document
from ledger.por.leaf import LEAF_TAG, LeafPreimage
from ledger.por.records import compute_state_root_from_entries
from ledger.tx.envelope import build_transaction, compute_signing_bytes, decode_transaction

VECTORS_DIR = Path(__file__).resolve().parents[2] / "vectors"
CHAIN_ID = "ntdc-vectors"
GENESIS_TIME_MS = 1_767_225_600_000
GENERATOR = "tests/ledger/por/vectors.py"
BANKS = ("BANK-A", "BANK-B", "BANK-C", "BANK-D")
SIGNERS = (0, 1, 2)


def derive_seed(label: str) -> bytes:
    """SHA-256('NTDC/por-vectors/v1' 0x00 label)."""
    return hashlib.sha256(b"NTDC/por-vectors/v1\x00" + label.encode()).digest()


def key(label: str) -> PrivateKey:
    return PrivateKey.from_seed(derive_seed(label))


def _sealing_public(label: str) -> str:
    private = SealingPrivateKey(derive_seed(label + "/mlkem") * 2, derive_seed(label + "/x25519"))
    return str(private.public_key())


def build_genesis() -> Genesis:
    return Genesis(
        chain_id=CHAIN_ID,
        genesis_time_ms=GENESIS_TIME_MS,
        validators=[Validator(index=i, bank_id=BANKS[i],
                              node_key=str(key(f"node:{i}").public_key()),
                              endpoint=f"127.0.0.1:{7100 + i}") for i in range(4)],
        banks=[BankEntry(bank_id=b, operator_key=str(key(f"operator:{b}").public_key()),
                         sealing_key=_sealing_public(f"bank:{b}")) for b in BANKS],
        roles={r: str(key(f"role:{r}").public_key())
               for r in ("custodian", "regulator", "ccp", "police")},
        sealing_keys={"regulator": _sealing_public("regulator")},
    )


class _Run:
    """The vector chain: state, archive, blocks and nonces."""

    def __init__(self) -> None:
        self.genesis = build_genesis()
        self.state: LedgerState = create_genesis_state(self.genesis)
        self.archive = ProofArchive(self.state, checkpoint_interval=2, retain=8)
        self.parent = self.genesis.compute_hash().hex()
        self.time_ms = GENESIS_TIME_MS
        self.nonces: dict[str, int] = {}
        self.seq = 0
        self.holders: dict[str, PrivateKey] = {}

    def sign(self, signer_key: PrivateKey, signer: str, kind: str,
             body: dict[str, Any]) -> dict[str, Any]:
        self.nonces[signer] = self.nonces.get(signer, 0) + 1
        return build_transaction(signer_key, chain_id=CHAIN_ID, kind=kind, signer=signer,
                                 nonce=self.nonces[signer], body=body)

    def block(self, *envelopes: dict[str, Any]) -> None:
        self.time_ms += 1000
        height = self.state.height + 1
        txs = [decode_transaction(json.dumps(e).encode()) for e in envelopes]
        self.state.journal.begin()
        block, receipts = build_block(self.state, height=height, time_ms=self.time_ms,
                                      proposer=0, parent=self.parent, txs=txs)
        self.state.journal.commit()
        if not all(r.applied for r in receipts):
            raise AssertionError([r.message for r in receipts])
        self.parent = block.header.compute_hash().hex()
        record = self.archive.process_block(Block(block.header, block.txs), receipts)
        if record is not None:
            self.archive.attach_certificate(certify(record.height, record.state_root))

    def register(self, name: str, bank: str) -> dict[str, Any]:
        holder = key(f"holder:{name}")
        self.holders[name] = holder
        return self.sign(key(f"operator:{bank}"), f"bank:{bank}", "register_account", {
            "account_public_key": str(holder.public_key()), "kind": "individual",
            "home_bank": bank, "risk_tier": "low",
            "identity_commitment": derive_seed(f"identity:{name}").hex(),
            "leaf_salt": derive_seed(f"leaf-salt:{name}").hex(),
            # Registration checks who a dossier is sealed to, not its (placeholder) contents.
            "dossier": {"suite": "placeholder", "purpose": "kyc-dossier", "recipients": {
                "regulator": "placeholder", f"bank:{bank}": "placeholder"}},
        })

    def account(self, name: str) -> str:
        return compute_account_id(self.holders[name].public_key())

    def mint(self, name: str, bank: str, amount: int) -> dict[str, Any]:
        self.seq += 1
        receipt = sign_deposit_receipt(
            key("role:custodian"), chain_id=CHAIN_ID, receipt_id=f"DR-{self.seq:04d}",
            bank=bank, amount=amount, issued_at_ms=self.time_ms, custodian_seq=self.seq)
        return self.sign(key(f"operator:{bank}"), f"bank:{bank}", "mint",
                         {"to": self.account(name), "receipt": receipt})

    def holder_tx(self, name: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.sign(self.holders[name], self.account(name), kind, body)

    def attest(self, balance: int) -> dict[str, Any]:
        return self.sign(key("role:custodian"), "custodian", "reserve_attestation", {
            "attestation_id": f"ATT-{self.seq:04d}-{self.time_ms}",
            "reserve_balance": str(balance), "through_seq": self.seq, "as_of_ms": self.time_ms})


def certify(height: int, state_root: bytes, signers: tuple[int, ...] = SIGNERS
            ) -> CheckpointProof:
    return CheckpointProof(height, state_root, tuple(
        sign_checkpoint(key(f"node:{i}"), height, state_root, i) for i in signers))


def _edit(path: list[Any], value: Any) -> dict[str, Any]:
    return {"path": path, "value": value}


def _forgeries(bundle: dict[str, Any], other: dict[str, Any]) -> list[dict[str, Any]]:
    """Edits of the valid bundle, each with the check that must fail first."""
    inclusion, checkpoint = bundle["inclusion"], bundle["checkpoint"]
    path = inclusion["path"]
    out = [
        {"name": f"sibling sum at level {level} changed by +1", "check": "root",
         "edits": [_edit(["inclusion", "path", level, "sum"], str(int(step["sum"]) + 1))]}
        for level, step in enumerate(path)
    ]
    out += [
        {"name": "negative available balance", "check": "leaf",
         "edits": [_edit(["inclusion", "leaf", "available"], "-1")]},
        {"name": "held balance above 2**53 - 1", "check": "leaf",
         "edits": [_edit(["inclusion", "leaf", "held"], str(2**53))]},
        {"name": "sibling side flipped", "check": "path",
         "edits": [_edit(["inclusion", "path", 0, "side"],
                         "R" if path[0]["side"] == "L" else "L")]},
    ]
    # A quorum signs a checkpoint whose liabilities entry keeps the root hash but not the total.
    forged = copy.deepcopy(checkpoint)
    accounts = next(t for t in forged["tables"] if t["name"] == "accounts")
    accounts["total"] = str(int(accounts["total"]) - 1)
    record = parse_checkpoint_document(forged).record
    root = compute_state_root_from_entries(record.tables)
    forged["state_root"] = root.hex()
    forged["certificate"] = encode_certificate(certify(record.height, root))
    out.append({"name": "path reaches the root hash but not the (re-signed) total",
                "check": "root", "edits": [
                    _edit(["checkpoint"], forged),
                    _edit(["inclusion", "state_root"], root.hex()),
                    _edit(["inclusion", "liabilities", "total"], accounts["total"])]})
    height, state_root = checkpoint["height"], bytes.fromhex(checkpoint["state_root"])
    two = encode_certificate(certify(height, state_root, (0, 1)))
    out.append({"name": "only two of four validators signed (quorum is three)",
                "check": "certificate",
                "edits": [_edit(["checkpoint", "certificate"], two)]})
    outsider = sign_checkpoint(key("outsider"), height, state_root, 4)
    endorsements = [*checkpoint["certificate"]["endorsements"],
                    {"replica": outsider.replica, "signature": outsider.signature}]
    out.append({"name": "a signature from replica 4, not a validator", "check": "certificate",
                "edits": [_edit(["checkpoint", "certificate", "endorsements"], endorsements)]})
    out.append({"name": "the inclusion proof of another checkpoint", "check": "binding",
                "edits": [_edit(["checkpoint"], other["checkpoint"])]})
    out.append({"name": "attested balance changed after signing", "check": "attestation",
                "edits": [_edit(["checkpoint", "attestation", "body", "reserve_balance"],
                                "999999999")]})
    return out


def build_document() -> dict[str, Any]:
    run = _Run()
    run.block(run.register("alice", "BANK-A"), run.register("bob", "BANK-B"),
              run.register("carol", "BANK-A"))
    run.block(run.mint("alice", "BANK-A", 125_000), run.mint("bob", "BANK-B", 40_000),
              run.mint("carol", "BANK-A", 9_999))
    attestation = run.attest(run.state.supply)
    run.block(attestation,
              run.holder_tx("alice", "transfer", {"to": run.account("bob"), "amount": "25000"}))
    run.block()
    valid = build_inclusion_proof(run.archive, run.account("alice"), 4)
    run.block(run.holder_tx("bob", "redeem", {"amount": "5000"}))
    run.block()
    later = build_inclusion_proof(run.archive, run.account("alice"), 6)
    # The custodian attests less than balances plus the redemption still awaiting payout.
    run.block(run.attest(run.state.supply + run.state.get_meta_int("pending_payouts") - 1))
    run.block()
    short = build_inclusion_proof(run.archive, run.account("bob"), 8)

    record = run.archive.get_record(4)
    proof = run.archive.compute_account_proof(run.account("alice"), 4)
    leaf = LeafPreimage.from_account(proof.account)
    ident = leaf.account.encode()
    leaf_preimage = (LEAF_TAG + leaf.salt + len(ident).to_bytes(1, "big") + ident
                     + leaf.available.to_bytes(8, "big") + leaf.pledged.to_bytes(8, "big")
                     + leaf.held.to_bytes(8, "big") + leaf.record_hash)
    state_preimage = b"".join(
        len(t.name).to_bytes(1, "big") + t.name.encode() + t.root + t.total.to_bytes(8, "big")
        + t.size.to_bytes(8, "big") for t in record.tables)
    endorsement = valid["checkpoint"]["certificate"]["endorsements"][0]
    attestation_bytes = compute_signing_bytes(attestation)
    return {
        "description": (
            "Proofs of reserves (docs/protocol.md, 'Proofs of reserves'). 'bundle' must verify "
            "with 'genesis' and give 'expected'; every entry of 'forgeries' applies its edits "
            "(JSON paths into the bundle) and must then fail at 'check'; 'shortfall' must fail "
            "at 'reserves'. The byte vectors recompute the leaf, the state root preimage, a "
            "checkpoint endorsement and the attestation's signed bytes of the valid bundle."),
        "generated_by": GENERATOR,
        "genesis": build_genesis().model_dump(mode="json"),
        "bundle": valid,
        "expected": {
            "account": run.account("alice"), "height": 4, "available": str(leaf.available),
            "liabilities_total": str(record.liabilities.total),
            "reserves": str(record.get_meta_int("attested_reserves")
                            + record.get_meta_int("reserve_adjustment")),
            "pending_payouts": str(record.get_meta_int("pending_payouts")),
            "endorsements": len(SIGNERS),
        },
        "bytes": {
            "leaf_preimage_hex": leaf_preimage.hex(),
            "leaf_hex": hashlib.sha256(leaf_preimage).hexdigest(),
            "leaf_sum": str(leaf.total),
            "path_binary_hex": encode_path_binary(proof.index, record.liabilities.size,
                                                  proof.steps).hex(),
            "state_root_preimage_hex": state_preimage.hex(),
            "state_root_hex": record.state_root.hex(),
            "checkpoint_endorsement": {
                "replica": endorsement["replica"],
                "node_key": run.genesis.validators[endorsement["replica"]].node_key,
                "signing_bytes_hex": checkpoint_signing_bytes(
                    4, record.state_root, endorsement["replica"]).hex(),
                "signature": endorsement["signature"],
            },
            "attestation": {
                "signing_bytes_hex": attestation_bytes.hex(),
                "tx_id": hashlib.sha256(attestation_bytes).hexdigest(),
            },
        },
        "forgeries": _forgeries(valid, later),
        "shortfall": short,
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def build_files() -> dict[str, str]:
    """File name -> text of every proof-of-reserves vector file."""
    return {"por_proofs.json": render(build_document())}


def main() -> int:
    for name, text in build_files().items():
        (VECTORS_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {VECTORS_DIR / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
