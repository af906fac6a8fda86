"""Generate the test vectors that docs/protocol.md publishes (``tests/vectors/*.json``).

Every vector is built from fixed seeds with the ledger's own code, so the document, the vectors
and the code cannot drift apart: ``tests/ledger/test_vectors.py`` recomputes each vector from its
inputs and checks that this generator still writes the files byte for byte.

ML-DSA signatures and HPKE ciphertexts are randomized. They are published as verification
vectors (the signature must verify, the ciphertext must open), and a regeneration keeps the
existing ones while they still verify against the current inputs, so the files stay stable.

    python -m nodes.tools.vectors            # rewrite tests/vectors/*.json
    python -m nodes.tools.vectors --check    # exit 1 if a file is out of date
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.chain import ChainReader
from api.sdk.builders import compute_identity_commitment
from api.sdk.certificate import certificate_to_json
from consensus.codec import Writer
from consensus.messages import (
    GENESIS_CHECKPOINT,
    BlockReply,
    Checkpoint,
    CheckpointProof,
    ClientRequest,
    Commit,
    CommitCertificate,
    Endorsement,
    Fetch,
    Forward,
    Message,
    NewView,
    Prepare,
    PreparedCertificate,
    PrePrepare,
    Status,
    ViewChange,
)
from consensus.quorums import Quorums
from consensus.wire import (
    checkpoint_signing_bytes,
    commit_signing_bytes,
    encode_message,
    prepare_signing_bytes,
    requests_hash,
    signed,
    signing_bytes,
    write_checkpoint_proof,
)
from ledger.block import Block, BlockHeader, compute_list_proof, compute_list_root
from ledger.chain_state import compute_account_leaf, compute_account_record_hash
from ledger.codec import to_jsonable
from ledger.commitment.merkle_sum import EMPTY_LEAF, MerkleSumTree, compute_node
from ledger.crypto.keys import Algorithm, PrivateKey, compute_account_id
from ledger.crypto.sealing import SUITE_NAME, SealingPrivateKey, open_sealed, seal
from ledger.encoding import b64u, canonical_json, tagged_hash, unb64u
from ledger.genesis import create_genesis_state
from ledger.model import Account
from ledger.por.certificate import encode_certificate as por_encode_certificate
from ledger.receipts import Receipt, compute_receipt_hash
from ledger.rules.context import Effect
from ledger.rules.issuance import compute_receipt_signing_bytes
from ledger.state import TableSet, compute_kv_leaf
from ledger.tx.bodies import DepositReceipt
from ledger.tx.envelope import (
    TX_DOMAIN,
    build_transaction,
    compute_signing_bytes,
    encode_transaction,
)
from ledger.types import AccountKind, AccountStatus, RiskTier
from nodes.devnet import make_devnet
from nodes.validator.certificates import encode_certificate
from nodes.workload import Workload

VECTORS_DIR = Path(__file__).resolve().parents[2] / "tests" / "vectors"
CHAIN_ID = "ntdc-vectors"
GENERATOR = "nodes/tools/vectors.py"

Existing = dict[str, Any]


def derive_seed(label: str, size: int = 32) -> bytes:
    """A fixed seed: SHA-256('NTDC/vectors/v1' 0x00 label), extended by counter if longer."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(
            b"NTDC/vectors/v1\x00" + label.encode() + counter.to_bytes(4, "big")
        ).digest()
        counter += 1
    return out[:size]


def ed25519_key(label: str) -> PrivateKey:
    return PrivateKey.from_seed(derive_seed(label))


def mldsa_key(label: str) -> PrivateKey:
    return PrivateKey.from_seed(derive_seed(label), Algorithm.ML_DSA_65)


def sealing_key(label: str) -> SealingPrivateKey:
    return SealingPrivateKey(derive_seed(label + "/mlkem", 64), derive_seed(label + "/x25519"))


def _file(description: str, **sections: Any) -> dict[str, Any]:
    return {"description": description, "generated_by": GENERATOR, **sections}


# --- encoding ----------------------------------------------------------------------------------

JCS_INPUTS: list[tuple[str, Any]] = [
    ("object keys sorted, no whitespace", {"b": 2, "a": 1, "c": {"z": True, "y": None}}),
    ("nested arrays keep their order", {"list": [3, 1, [2, {}], []]}),
    ("integers", {"zero": 0, "negative": -1, "max_safe": 2**53 - 1, "min_safe": -(2**53 - 1)}),
    ("strings: escapes", {"s": "quote\" backslash\\ slash/ tab\t newline\n cr\r bs\b ff\f"}),
    ("strings: other control characters use lowercase \\u00xx",
     {"s": "\u0000\u0001\u001f\u007f"}),
    ("strings: non-ASCII is written as UTF-8, never escaped",
     {"name": "新臺幣 NT$ é €", "emoji": "😀"}),
    ("keys sorted by UTF-16 code units (RFC 8785 §3.2.3)",
     {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"}),
    ("an unsigned transfer envelope", {
        "v": 1, "chain_id": "ntdc-vectors", "kind": "transfer", "signer": "ntdc1example",
        "nonce": 7, "body": {"to": "ntdc1other", "amount": "150000", "memo": "rent 三月"},
        "public_key": "ed25519:AAAA"}),
]

TAGGED_HASHES: list[tuple[str, bytes]] = [
    ("NTDC/empty-leaf/v1", b""),
    ("NTDC/kv-leaf/v1", b'["meta","supply",0]'),
    ("NTDC/receipt/v1", b"{}"),
]


def build_encoding() -> dict[str, Any]:
    jcs = [
        {"name": name, "input": value, "canonical_hex": canonical_json(value).hex(),
         "canonical_utf8": canonical_json(value).decode()}
        for name, value in JCS_INPUTS
    ]
    hashes = [
        {"tag": tag, "data_hex": data.hex(),
         "preimage_hex": (tag.encode() + b"\x00" + data).hex(),
         "sha256_hex": tagged_hash(tag.encode(), data).hex()}
        for tag, data in TAGGED_HASHES
    ]
    b64 = [
        {"bytes_hex": raw.hex(), "base64url": b64u(raw)}
        for raw in (b"", b"\xff", b"\xff\xee", b"\xff\xee\xdd", bytes(range(32)))
    ]
    return _file(
        "RFC 8785 canonical JSON, domain-tagged SHA-256 and unpadded base64url (docs/protocol.md "
        "§2). Inputs are JSON values; canonical_hex is the exact byte string to hash or sign.",
        jcs=jcs, tagged_hash=hashes, base64url=b64,
    )


# --- keys and signatures ---------------------------------------------------------------------

MESSAGES = [b"", b"NTDC", bytes(range(256))]


def _account_vector(label: str, key: PrivateKey) -> dict[str, Any]:
    public = key.public_key()
    preimage = b"NTDC/account/v1\x00" + public.alg.value.encode() + b":" + public.raw
    digest = hashlib.sha256(preimage).digest()[:20]
    number = int.from_bytes(digest, "big")
    return {
        "label": label,
        "algorithm": public.alg.value,
        "seed_hex": key.raw.hex(),
        "private_key_text": key.export(),
        "public_key_hex": public.raw.hex(),
        "public_key": str(public),
        "account_preimage_hex": preimage.hex(),
        "account_digest20_hex": digest.hex(),
        "bech32_data_5bit": [(number >> (155 - 5 * i)) & 31 for i in range(32)],
        "account_id": compute_account_id(public),
    }


def _keep_or_sign(key: PrivateKey, message: bytes, old: dict[str, Any] | None) -> str:
    """Reuse a published randomized signature while it still verifies."""
    public = key.public_key()
    if old and old.get("public_key") == str(public) and old.get("message_hex") == message.hex():
        if public.verify(old["signature"], message):
            return str(old["signature"])
    return key.sign(message)


def build_keys(existing: Existing) -> dict[str, Any]:
    ed = [("holder:alice", ed25519_key("holder:alice")), ("holder:bob", ed25519_key("holder:bob"))]
    ml = [("bank:BANK-B", mldsa_key("bank:BANK-B"))]
    accounts = [_account_vector(label, key) for label, key in ed + ml]
    alice = ed[0][1]
    ed_sigs = [
        {"public_key": str(alice.public_key()), "message_hex": m.hex(), "signature": alice.sign(m)}
        for m in MESSAGES
    ]
    old_ml = {(v["message_hex"]): v for v in existing.get("ml_dsa_65_signatures", [])}
    bank_b = ml[0][1]
    ml_sigs = [
        {"public_key": str(bank_b.public_key()), "message_hex": m.hex(),
         "signature": _keep_or_sign(bank_b, m, old_ml.get(m.hex()))}
        for m in MESSAGES
    ]
    tampered = bytearray(unb64u(ed_sigs[1]["signature"].partition(":")[2]))
    tampered[0] ^= 1
    public = str(alice.public_key())
    invalid_signatures = [
        {"why": "one bit flipped", "public_key": public, "message_hex": MESSAGES[1].hex(),
         "signature": "ed25519:" + b64u(bytes(tampered))},
        {"why": "signature of another message", "public_key": public,
         "message_hex": MESSAGES[1].hex(), "signature": ed_sigs[0]["signature"]},
        {"why": "padded base64url", "public_key": public, "message_hex": MESSAGES[1].hex(),
         "signature": ed_sigs[1]["signature"] + "="},
        {"why": "algorithm tag does not match the key", "public_key": public,
         "message_hex": MESSAGES[1].hex(),
         "signature": "ml-dsa-65:" + ed_sigs[1]["signature"].partition(":")[2]},
        {"why": "ML-DSA signature over another message", "public_key": str(bank_b.public_key()),
         "message_hex": MESSAGES[1].hex(), "signature": ml_sigs[0]["signature"]},
    ]
    raw = alice.public_key().raw
    invalid_public_keys = [
        {"why": "padded", "text": public + "="},
        {"why": "'+' is not in the base64url alphabet", "text": "ed25519:+" + b64u(raw)[1:]},
        {"why": "non-canonical final character", "text": "ed25519:" + b64u(raw)[:-1]
         + _flip_low_bits(b64u(raw)[-1])},
        {"why": "31 bytes", "text": "ed25519:" + b64u(raw[:31])},
        {"why": "unknown algorithm", "text": "ed448:" + b64u(raw)},
        {"why": "no algorithm tag", "text": b64u(raw)},
    ]
    alice_id = accounts[0]["account_id"]
    invalid_account_ids = [
        {"why": "mixed case", "text": alice_id[:10] + alice_id[10:].upper()},
        {"why": "checksum", "text": alice_id[:-1] + ("q" if alice_id[-1] != "q" else "p")},
        {"why": "other prefix", "text": "ntdx" + alice_id[4:]},
        {"why": "too short", "text": alice_id[:-2]},
    ]
    return _file(
        "Algorithm-tagged keys, account ids and signatures (docs/protocol.md §3, §4). Ed25519 "
        "signatures are deterministic: recompute them. ML-DSA-65 signatures are randomized: "
        "verify them.",
        accounts=accounts, ed25519_signatures=ed_sigs, ml_dsa_65_signatures=ml_sigs,
        invalid_signatures=invalid_signatures, invalid_public_keys=invalid_public_keys,
        invalid_account_ids=invalid_account_ids,
        upper_case_account_id_is_valid=alice_id.upper(),
    )


def _flip_low_bits(char: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return alphabet[alphabet.index(char) ^ 1]


# --- transactions ------------------------------------------------------------------------------

def _placeholder_record(purpose: str, recipients: list[str]) -> dict[str, Any]:
    """A sealed-record shape with fixed bytes in place of ciphertexts (the ledger does not open
    them; hpke.json has real ones)."""
    return {
        "suite": SUITE_NAME,
        "purpose": purpose,
        "recipients": {name: b64u(derive_seed(f"{purpose}:{name}", 1200)) for name in recipients},
    }


def _tx_vector(name: str, key: PrivateKey, kind: str, signer: str, nonce: int,
               body: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    unsigned = {"v": 1, "chain_id": CHAIN_ID, "kind": kind, "signer": signer, "nonce": nonce,
                "body": body, "public_key": str(key.public_key())}
    signing_bytes = compute_signing_bytes(unsigned)
    if key.alg is Algorithm.ED25519:
        envelope = build_transaction(key, chain_id=CHAIN_ID, kind=kind, signer=signer,
                                     nonce=nonce, body=body)
    else:
        previous = (old or {}).get("envelope", {})
        signature = _keep_or_sign(key, signing_bytes, {
            "public_key": previous.get("public_key"), "message_hex": (
                compute_signing_bytes(previous).hex() if previous else None),
            "signature": previous.get("signature")})
        envelope = {**unsigned, "signature": signature}
    wire = encode_transaction(envelope)
    return {
        "name": name,
        "signing_key_seed_hex": key.raw.hex(),
        "algorithm": key.alg.value,
        "unsigned_envelope": unsigned,
        "signing_bytes_hex": signing_bytes.hex(),
        "tx_id": hashlib.sha256(signing_bytes).hexdigest(),
        "signature": envelope["signature"],
        "envelope": envelope,
        "wire_utf8": wire.decode(),
    }


def _deposit_receipt(custodian: PrivateKey) -> tuple[dict[str, Any], dict[str, Any]]:
    fields = {"receipt_id": "DR-2026-000042", "bank": "BANK-A", "amount": "150000",
              "issued_at_ms": 1_767_225_601_000, "custodian_seq": 42}
    model = DepositReceipt.model_validate({**fields, "signature": ""})
    signing_bytes = compute_receipt_signing_bytes(model, CHAIN_ID)
    signature = custodian.sign(signing_bytes)
    vector = {
        "chain_id": CHAIN_ID, "fields": fields,
        "signed_object": model.signed_fields(CHAIN_ID),
        "signing_bytes_hex": signing_bytes.hex(),
        "custodian_public_key": str(custodian.public_key()),
        "signature": signature,
    }
    return vector, {**fields, "signature": signature}


def build_transactions(existing: Existing) -> dict[str, Any]:
    alice, bob = ed25519_key("holder:alice"), ed25519_key("holder:bob")
    bank_a, bank_b = ed25519_key("bank:BANK-A"), mldsa_key("bank:BANK-B")
    custodian = ed25519_key("role:custodian")
    alice_id = compute_account_id(alice.public_key())
    bob_id = compute_account_id(bob.public_key())
    receipt_vector, receipt = _deposit_receipt(custodian)
    identity_salt = derive_seed("identity-salt:alice", 16)
    commitment = compute_identity_commitment("A123456789", identity_salt)
    old = {v["name"]: v for v in existing.get("transactions", [])}
    txs = [
        _tx_vector("register_account", bank_a, "register_account", "bank:BANK-A", 1, {
            "account_public_key": str(alice.public_key()), "kind": "individual",
            "home_bank": "BANK-A", "risk_tier": "low", "identity_commitment": commitment,
            "leaf_salt": derive_seed("leaf-salt:alice").hex(),
            "dossier": _placeholder_record("kyc-dossier", ["bank:BANK-A", "regulator"])}),
        _tx_vector("mint", bank_a, "mint", "bank:BANK-A", 2, {"to": alice_id,
                                                              "receipt": receipt}),
        _tx_vector("transfer", alice, "transfer", alice_id, 1, {
            "to": bob_id, "amount": "40000", "memo": "三月房租 rent"}),
        _tx_vector("transfer with travel-rule data", alice, "transfer", alice_id, 2, {
            "to": bob_id, "amount": "3000000", "memo": "",
            "travel_rule": _placeholder_record("travel-rule",
                                               ["bank:BANK-A", "bank:BANK-B", "regulator"])}),
        _tx_vector("redeem", alice, "redeem", alice_id, 3, {"amount": "10000",
                                                            "reference": "to account 012-345"}),
        _tx_vector("confirm_payout", custodian, "confirm_payout", "custodian", 1, {
            "redemption_id": "5e" * 32, "custodian_seq": 43, "paid_at_ms": 1_767_225_700_000}),
        _tx_vector("reserve_attestation", custodian, "reserve_attestation", "custodian", 2, {
            "attestation_id": "ATT-2026-01", "reserve_balance": "150000", "through_seq": 43,
            "as_of_ms": 1_767_225_800_000}),
        _tx_vector("register_account signed with ML-DSA-65 (verify, do not recompute)", bank_b,
                   "register_account", "bank:BANK-B", 1, {
                       "account_public_key": str(bob.public_key()), "kind": "company",
                       "home_bank": "BANK-B", "risk_tier": "medium",
                       "identity_commitment": compute_identity_commitment(
                           "12345678", derive_seed("identity-salt:bob", 16)),
                       "leaf_salt": derive_seed("leaf-salt:bob").hex(),
                       "dossier": _placeholder_record("kyc-dossier",
                                                      ["bank:BANK-B", "regulator"])},
                   old.get("register_account signed with ML-DSA-65 (verify, do not recompute)")),
    ]
    transfer_wire = txs[2]["wire_utf8"]
    rejections = [
        {"why": "not JSON", "raw_utf8": "{not json", "reason": "MALFORMED"},
        {"why": "an extra envelope member", "reason": "MALFORMED",
         "raw_utf8": transfer_wire[:-1] + ',"fee":"1"}'},
        {"why": "duplicate member name", "reason": "MALFORMED",
         "raw_utf8": transfer_wire.replace('"amount":"40000"',
                                           '"amount":"40000","amount":"1"')},
        {"why": "amount as a JSON number", "reason": "MALFORMED",
         "raw_utf8": transfer_wire.replace('"amount":"40000"', '"amount":40000')},
        {"why": "amount with a leading zero", "reason": "MALFORMED",
         "raw_utf8": transfer_wire.replace('"amount":"40000"', '"amount":"040000"')},
        {"why": "amount zero", "reason": "AMOUNT_OUT_OF_RANGE",
         "raw_utf8": transfer_wire.replace('"amount":"40000"', '"amount":"0"')},
        {"why": "negative amount", "reason": "AMOUNT_OUT_OF_RANGE",
         "raw_utf8": transfer_wire.replace('"amount":"40000"', '"amount":"-40000"')},
        {"why": "amount above 10**15", "reason": "AMOUNT_OUT_OF_RANGE",
         "raw_utf8": transfer_wire.replace('"amount":"40000"', '"amount":"1000000000000001"')},
        {"why": "v is 1.0, not the integer 1", "reason": "MALFORMED",
         "raw_utf8": transfer_wire.replace('"v":1', '"v":1.0')},
        {"why": "nonce 0", "reason": "MALFORMED",
         "raw_utf8": transfer_wire.replace('"nonce":1', '"nonce":0')},
        {"why": "arrays nested 33 deep", "reason": "MALFORMED",
         "raw_utf8": transfer_wire.replace('"memo":"三月房租 rent"',
                                           '"memo":' + "[" * 33 + "]" * 33)},
        {"why": "padded public key", "reason": "MALFORMED",
         "raw_utf8": transfer_wire.replace(str(alice.public_key()),
                                           str(alice.public_key()) + "=")},
    ]
    return _file(
        "Signed transaction envelopes of every core kind, their signing bytes, ids and wire form "
        "(docs/protocol.md §5, §6), a custodian deposit receipt (§6.2) and envelopes every "
        "node refuses before reading state, with the reason code. Sealed records here hold "
        "fixed placeholder bytes (the ledger does not open them; see hpke.json).",
        chain_id=CHAIN_ID,
        tx_domain_hex=TX_DOMAIN.hex(),
        identity_commitment={"national_id": "A123456789", "salt_hex": identity_salt.hex(),
                             "preimage_hex": (b"NTDC/identity/v1\x00" + identity_salt
                                              + b"A123456789").hex(),
                             "commitment_hex": commitment},
        deposit_receipt=receipt_vector,
        transactions=txs,
        rejections=rejections,
    )


# --- receipts, blocks, Merkle trees ------------------------------------------------------------

MALFORMED_RAW = b"{not json"


def _block_contents(transactions: dict[str, Any]) -> tuple[list[bytes], list[Receipt]]:
    """A block of a mint, an applied transfer, a transfer refused for funds and bytes that are
    not JSON, with the receipts a node gives them (effects and flags as the rules emit them)."""
    by_name = {t["name"]: t for t in transactions["transactions"]}
    mint, transfer, big = (by_name[n] for n in ("mint", "transfer",
                                                 "transfer with travel-rule data"))
    alice_id = transfer["unsigned_envelope"]["signer"]
    bob_id = transfer["unsigned_envelope"]["body"]["to"]
    wires = [t["wire_utf8"].encode() for t in (mint, transfer, big)] + [MALFORMED_RAW]
    receipts = [
        Receipt(mint["tx_id"], 12, 0, "mint", "bank:BANK-A", "applied", None, "",
                (Effect("mint", alice_id, 150_000, "DR-2026-000042"),), ()),
        Receipt(transfer["tx_id"], 12, 1, "transfer", alice_id, "applied", None, "",
                (Effect("debit", alice_id, 40_000, bob_id),
                 Effect("credit", bob_id, 40_000, alice_id)), ()),
        Receipt(big["tx_id"], 12, 2, "transfer", alice_id, "rejected", "INSUFFICIENT_FUNDS",
                f"account {alice_id} needs 3000000 minor units but has 110000 available", (),
                ()),
        Receipt(hashlib.sha256(MALFORMED_RAW).hexdigest(), 12, 3, "unknown", "", "rejected",
                "MALFORMED", "transaction is not valid JSON: Expecting property name enclosed in "
                "double quotes: line 1 column 2 (char 1)", (), ()),
    ]
    return wires, receipts


def build_receipts(transactions: dict[str, Any]) -> dict[str, Any]:
    _, receipts = _block_contents(transactions)
    flagged = Receipt(derive_seed("tx:large").hex(), 13, 0, "mint", "bank:BANK-A", "applied",
                      None, "", (Effect("mint", receipts[0].signer, 60_000_000, "DR-9"),),
                      ("LARGE_VALUE",))
    vectors = []
    for receipt in [*receipts, flagged]:
        encoded = canonical_json(receipt.to_json())
        vectors.append({"receipt": receipt.to_json(), "canonical_hex": encoded.hex(),
                        "receipt_hash_hex": compute_receipt_hash(receipt).hex()})
    return _file(
        "Transaction receipts: JSON, canonical bytes and receipt hash "
        "H('NTDC/receipt/v1', JCS(receipt)) (docs/protocol.md §9).",
        receipts=vectors,
    )


def build_blocks(transactions: dict[str, Any]) -> dict[str, Any]:
    wires, receipts = _block_contents(transactions)
    tx_ids = [r.tx_id for r in receipts]
    receipt_hashes = [compute_receipt_hash(r) for r in receipts]
    header = BlockHeader(
        chain_id=CHAIN_ID, height=12, parent=derive_seed("parent").hex(),
        time_ms=1_767_225_612_000, proposer=3, tx_count=len(wires),
        tx_root=compute_list_root([bytes.fromhex(t) for t in tx_ids]),
        receipts_root=compute_list_root(receipt_hashes),
        state_root=derive_seed("state-root").hex(),
    )
    block = Block(header, tuple(wires))
    proof = compute_list_proof(receipt_hashes, 2)
    return _file(
        "A block: header, header hash H('NTDC/block-header/v1', JCS(header)), the binary "
        "payload, tx_root over the transaction ids (SHA-256 of the bytes for a transaction that "
        "does not decode) and receipts_root over the receipt hashes, with an inclusion proof of "
        "receipt 2 (docs/protocol.md §10). state_root is an input here (state.json shows how "
        "it is computed).",
        header=header.to_json(),
        header_canonical_hex=canonical_json(header.to_json()).hex(),
        header_hash_hex=header.compute_hash().hex(),
        txs_hex=[w.hex() for w in wires],
        tx_ids=tx_ids,
        receipts=[r.to_json() for r in receipts],
        receipt_hashes_hex=[h.hex() for h in receipt_hashes],
        payload_hex=block.encode().hex(),
        receipt_inclusion_proof={
            "index": 2, "leaf_hex": receipt_hashes[2].hex(),
            "steps": [{"sibling_hex": s.sibling_hash.hex(), "sibling_sum": s.sibling_sum,
                       "sibling_is_left": s.sibling_is_left} for s in proof],
            "root_hex": header.receipts_root,
        },
    )


def _vector_leaf(i: int) -> bytes:
    return tagged_hash(b"NTDC/vector-leaf/v1", i.to_bytes(4, "big"))


def build_merkle() -> dict[str, Any]:
    lists = []
    for size in (0, 1, 2, 3, 4, 5, 8, 9):
        leaves = [_vector_leaf(i) for i in range(size)]
        lists.append({"leaves_hex": [x.hex() for x in leaves], "root_hex":
                      compute_list_root(leaves)})
    values = [500, 0, 12_345, 7, 1_000_000]
    tree = MerkleSumTree()
    tree.resize(len(values))
    for i, value in enumerate(values):
        tree.set_leaf(i, _vector_leaf(100 + i), value)
    root, total = tree.root()
    proofs = [
        {"index": i, "leaf_hex": _vector_leaf(100 + i).hex(), "value": values[i],
         "steps": [{"sibling_hex": s.sibling_hash.hex(), "sibling_sum": s.sibling_sum,
                    "sibling_is_left": s.sibling_is_left} for s in tree.proof(i)]}
        for i in (0, 4)
    ]
    left, right = _vector_leaf(1), _vector_leaf(2)
    empty_levels = [EMPTY_LEAF]
    for _ in range(4):
        empty_levels.append(compute_node(empty_levels[-1], 0, empty_levels[-1], 0))
    return _file(
        "Merkle sum trees (docs/protocol.md §11): node hashing, empty subtrees, list trees (all "
        "sums zero) as used for tx_root and receipts_root, and a sum tree with inclusion proofs. "
        "Leaves are H('NTDC/vector-leaf/v1', u32be(i)).",
        empty_leaf_hex=EMPTY_LEAF.hex(),
        empty_subtree_hex_by_level=[e.hex() for e in empty_levels],
        node={"left_hex": left.hex(), "left_sum": 5, "right_hex": right.hex(), "right_sum": 7,
              "preimage_hex": (b"NTDC/sum-node/v1\x00" + left + (5).to_bytes(8, "big") + right
                               + (7).to_bytes(8, "big")).hex(),
              "hash_hex": compute_node(left, 5, right, 7).hex()},
        list_trees=lists,
        sum_tree={"values": values, "leaves_hex": [_vector_leaf(100 + i).hex()
                                                   for i in range(len(values))],
                  "root_hex": root.hex(), "total": total, "proofs": proofs},
    )


# --- state -------------------------------------------------------------------------------------

def _accounts() -> list[Account]:
    alice, bob = ed25519_key("holder:alice"), ed25519_key("holder:bob")
    return [
        Account(id=compute_account_id(alice.public_key()), public_key=str(alice.public_key()),
                kind=AccountKind.INDIVIDUAL, home_bank="BANK-A", status=AccountStatus.ACTIVE,
                risk_tier=RiskTier.LOW, nonce=3, available=60_000, pledged=0, held=0,
                identity_commitment=derive_seed("commitment:alice").hex(),
                leaf_salt=derive_seed("leaf-salt:alice").hex(), registered_height=2,
                last_active_ms=1_767_225_612_000),
        Account(id=compute_account_id(bob.public_key()), public_key=str(bob.public_key()),
                kind=AccountKind.COMPANY, home_bank="BANK-B", status=AccountStatus.HELD,
                risk_tier=RiskTier.MEDIUM, nonce=0, available=40_000, pledged=25_000,
                held=5_000, identity_commitment=derive_seed("commitment:bob").hex(),
                leaf_salt=derive_seed("leaf-salt:bob").hex(), registered_height=3,
                last_active_ms=1_767_225_612_000, status_order="CIB-2026-0007"),
    ]


KV_ROWS: list[tuple[str, Any, Any]] = [
    ("meta", "supply", 130_000),
    ("meta", "parent", "ab" * 32),
    ("params", "holding_caps", {"individual": 50_000_000}),
    ("reserve_events", 44, {"custodian_seq": 44, "delta": -10_000}),
]


def build_state() -> dict[str, Any]:
    kv = []
    for table, key, value in KV_ROWS:
        encoded = canonical_json([table, to_jsonable(key), to_jsonable(value)])
        kv.append({"table": table, "key": key, "value": value, "canonical_hex": encoded.hex(),
                   "leaf_hex": compute_kv_leaf(table, key, value)[0].hex()})
    account_vectors = []
    for account in _accounts():
        record = to_jsonable(account)
        for name in ("available", "pledged", "held"):
            record.pop(name)
        record_hash = compute_account_record_hash(account)
        ident = account.id.encode()
        preimage = (b"NTDC/account-leaf/v1\x00" + bytes.fromhex(account.leaf_salt)
                    + bytes([len(ident)]) + ident + account.available.to_bytes(8, "big")
                    + account.pledged.to_bytes(8, "big") + account.held.to_bytes(8, "big")
                    + record_hash)
        account_vectors.append({
            "account": to_jsonable(account),
            "record": record,
            "record_canonical_hex": canonical_json(record).hex(),
            "record_hash_hex": record_hash.hex(),
            "leaf_preimage_hex": preimage.hex(),
            "leaf_hex": compute_account_leaf(account).hex(),
            "leaf_sum": account.total,
        })
    tables = TableSet()
    accounts = tables.add("accounts", Account, leaf=lambda _k, a: (compute_account_leaf(a),
                                                                     a.total))
    meta = tables.add("meta")
    params = tables.add("params")
    events = tables.add("reserve_events", key_type=int)
    for account in _accounts():
        accounts.set(account.id, account)
    by_name = {"meta": meta, "params": params, "reserve_events": events}
    for table, key, value in KV_ROWS:
        by_name[table].set(key, value)
    meta.set("height", 12)
    meta.delete("height")  # a deleted row leaves an empty leaf and keeps its index
    root = tables.compute_root()
    per_table = []
    preimage = b""
    for name in sorted(tables.tables):
        table_root, total = tables.tables[name].tree.root()
        size = tables.tables[name].next_index
        part = len(name).to_bytes(1, "big") + name.encode() + table_root + total.to_bytes(
            8, "big") + size.to_bytes(8, "big")
        preimage += part
        per_table.append({
            "name": name, "next_index": size, "root_hex": table_root.hex(), "total": total,
            "rows": [{"key": k, "index": i, "value": to_jsonable(v)}
                     for k, i, v in sorted(tables.tables[name].rows(), key=lambda r: r[1])],
            "part_hex": part.hex()})
    proof = accounts.tree.proof(1)
    return _file(
        "State commitment (docs/protocol.md §12): ordinary row leaves, account (liabilities) "
        "leaves, a small four-table state root with a deleted row, and a liabilities inclusion "
        "proof.",
        kv_leaves=kv,
        account_leaves=account_vectors,
        state_root={"tables": per_table, "preimage_hex": preimage.hex(),
                    "state_root_hex": root.hex()},
        liabilities_proof={
            "account": _accounts()[1].id, "index": 1, "leaf_hex": account_vectors[1]["leaf_hex"],
            "value": account_vectors[1]["leaf_sum"],
            "steps": [{"sibling_hex": s.sibling_hash.hex(), "sibling_sum": s.sibling_sum,
                       "sibling_is_left": s.sibling_is_left} for s in proof],
            "root_hex": accounts.tree.root()[0].hex(), "total": accounts.tree.root()[1]},
    )


# --- HPKE --------------------------------------------------------------------------------------

HPKE_CASES = [
    ("kyc-dossier", "regulator",
     {"name": "林美玲", "national_id": "A123456789", "birth_date": "1990-01-01",
      "address": "台北市中正區重慶南路一段2號", "risk_tier": "low",
      "identity_salt": "00112233445566778899aabbccddeeff"}),
    ("travel-rule", "bank:BANK-B",
     {"v": 1, "amount": "3000000",
      "originator": {"name": "Lin", "account": "ntdc1...", "bank": "BANK-A",
                     "national_id": "A123456789"},
      "beneficiary": {"name": "Chen Trading Co.", "account": "ntdc1...", "bank": "BANK-B",
                      "company_no": "12345678"}}),
]


def build_hpke(existing: Existing) -> dict[str, Any]:
    old = {(v["purpose"], v["recipient"]): v for v in existing.get("sealed", [])}
    sealed = []
    for purpose, recipient, payload in HPKE_CASES:
        key = sealing_key(f"sealing:{recipient}")
        plaintext = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        record = None
        previous = old.get((purpose, recipient))
        if previous and previous.get("recipient_public_key") == str(key.public_key()):
            try:
                if open_sealed(previous["record"], recipient, key) == plaintext:
                    record = previous["record"]
            except ValueError:
                record = None
        if record is None:
            record = seal(plaintext, {recipient: key.public_key()}, purpose)
        recipients = record["recipients"]
        assert isinstance(recipients, dict)
        ciphertext = unb64u(recipients[recipient])
        sealed.append({
            "purpose": purpose, "recipient": recipient,
            "recipient_private_key": key.export(),
            "recipient_public_key": str(key.public_key()),
            "info_utf8": f"NTDC/{purpose}/v1",
            "plaintext_utf8": plaintext.decode(),
            "record": record,
            "enc_hex": ciphertext[:1120].hex(),
            "aead_ciphertext_hex": ciphertext[1120:].hex(),
        })
    return _file(
        "HPKE (RFC 9180) sealed records (docs/protocol.md §13): each ciphertext must open with "
        "the recipient's private key to plaintext_utf8. Sealing is randomized, so these are "
        "opening vectors, not sealing vectors.",
        suite={"name": SUITE_NAME, "mode": "base", "kem_id": "0x647a", "kdf_id": "0x0001",
               "aead_id": "0x0002", "enc_bytes": 1120, "tag_bytes": 16},
        sealed=sealed,
    )


# --- consensus messages, certificates and receipt finality -------------------------------------
# docs/protocol.md §14 and "Receipt finality proofs": a three-block devnet chain from fixed seeds,
# the PBFT messages, commit certificates and checkpoint proofs over it (Ed25519 node keys, so every
# signature is deterministic), and the receipt bundles the wallet API serves for it.

PBFT_VECTOR_CONFIG = {"n": 4, "checkpoint_interval": 2, "log_window": 8}
"""The network parameters the consensus vectors assume (checkpoints at every even height)."""


def _message_json(value: Any) -> Any:
    """A PBFT message or proof as JSON: bytes as lowercase hex, tuples as arrays."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _message_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple | list):
        return [_message_json(item) for item in value]
    return value


def _build_vector_chain() -> tuple[Any, list[list[Receipt]]]:
    """Blocks 1-3 of a four-validator devnet: two registrations, a mint, then a transfer, a
    transfer refused for funds and a redemption (three leaves: the trees are padded)."""
    # The ledger test harness executes the blocks; this tool runs from a source checkout.
    from tests.support.chain import Chain

    genesis, keys = make_devnet(derive_seed("finality:devnet"), chain_id=CHAIN_ID)
    # make_devnet draws HPKE sealing keys at random; fixed ones keep the genesis hash stable.
    keys.bank_sealing = {b.bank_id: sealing_key(f"sealing:bank:{b.bank_id}")
                         for b in genesis.banks}
    keys.regulator_sealing = sealing_key("sealing:regulator")
    genesis = genesis.model_copy(update={
        "banks": [b.model_copy(update={"sealing_key": str(keys.bank_sealing[b.bank_id]
                                                          .public_key())})
                  for b in genesis.banks],
        "sealing_keys": {"regulator": str(keys.regulator_sealing.public_key())}})
    work = Workload(genesis, keys, seed=7)
    chain = Chain(genesis, keys, create_genesis_state(genesis), work,
                  parent=genesis.compute_hash().hex(), time_ms=genesis.genesis_time_ms)

    def register(bank: str) -> tuple[Any, dict[str, Any]]:
        holder, envelope = work.new_holder(bank)
        # A placeholder dossier instead of the randomized HPKE one (the ledger does not open it).
        body = {**envelope["body"], "dossier": _placeholder_record(
            "kyc-dossier", [f"bank:{bank}", "regulator"])}
        return holder, build_transaction(keys.bank_operator[bank], chain_id=CHAIN_ID,
                                         kind="register_account", signer=f"bank:{bank}",
                                         nonce=envelope["nonce"], body=body)

    alice, register_alice = register("BANK-A")
    bob, register_bob = register("BANK-B")
    receipts = [chain.block(register_alice, register_bob), chain.block(work.mint(alice, 150_000))]
    receipts.append(chain.block(work.transfer(alice, bob, 40_000, "三月房租 rent"),
                                work.transfer(bob, alice, 1_000_000),
                                work.redeem(alice, 10_000)))
    return chain, receipts


def _endorse(keys: list[PrivateKey], replicas: tuple[int, ...],
             signing: Callable[[int], bytes]) -> tuple[Endorsement, ...]:
    return tuple(Endorsement(r, keys[r].sign(signing(r))) for r in replicas)


def _commit_certificate(keys: list[PrivateKey], view: int, height: int, digest: bytes,
                        replicas: tuple[int, ...]) -> CommitCertificate:
    return CommitCertificate(view, height, digest, _endorse(
        keys, replicas, lambda r: commit_signing_bytes(view, height, digest, r)))


def _checkpoint_proof(keys: list[PrivateKey], seq: int, digest: bytes,
                      replicas: tuple[int, ...]) -> CheckpointProof:
    return CheckpointProof(seq, digest, _endorse(
        keys, replicas, lambda r: checkpoint_signing_bytes(seq, digest, r)))


def _message_vector(name: str, msg: Message, author: int, keys: list[PrivateKey]) -> dict[str, Any]:
    signed_msg = signed(msg, keys[author]) if not msg.signature else msg
    vector: dict[str, Any] = {"name": name, "kind": int(msg.KIND), "author": author,
                              "fields": _message_json(signed_msg)}
    if isinstance(msg, PrePrepare):
        vector["requests_hash_hex"] = requests_hash(msg.tx_ids).hex()
    vector["signing_bytes_hex"] = signing_bytes(signed_msg).hex()
    vector["signature"] = signed_msg.signature
    vector["frame_hex"] = encode_message(signed_msg).hex()
    return vector


def _validators_json(genesis: Any, keys: list[PrivateKey]) -> list[dict[str, Any]]:
    return [{"index": v.index, "bank_id": v.bank_id, "seed_hex": keys[v.index].raw.hex(),
             "node_key": v.node_key, "public_key_hex": keys[v.index].public_key().raw.hex()}
            for v in genesis.validators]


def _quorum_table() -> list[dict[str, int]]:
    return [{"n": n, "f": Quorums(n).f, "quorum": Quorums(n).quorum,
             "prepares_needed": Quorums(n).prepares_needed, "weak": Quorums(n).weak}
            for n in range(4, 14)]


def _endorsement_vectors(keys: list[PrivateKey], endorsements: tuple[Endorsement, ...],
                         signing: Callable[[int], bytes]) -> list[dict[str, Any]]:
    return [{"replica": e.replica, "public_key": str(keys[e.replica].public_key()),
             "signing_bytes_hex": signing(e.replica).hex(), "signature": e.signature}
            for e in endorsements]


def _with_endorsements(cert: CommitCertificate, commits: tuple[Endorsement, ...],
                       **changes: Any) -> dict[str, Any]:
    return certificate_to_json(dataclasses.replace(cert, commits=commits, **changes))


def _flip_signature(signature: str) -> str:
    raw = bytearray(unb64u(signature.partition(":")[2]))
    raw[10] ^= 1
    return "ed25519:" + b64u(bytes(raw))


def _invalid_commit_certificates(cert: CommitCertificate, keys: list[PrivateKey],
                                 stranger: PrivateKey) -> list[dict[str, Any]]:
    e = {x.replica: x for x in cert.commits}
    first, second, third = cert.commits
    view, height, digest = cert.view, cert.height, cert.digest
    other_view = _commit_certificate(keys, view + 1, height, digest, (1, 2, 3))
    cases: list[tuple[str, dict[str, Any]]] = [
        ("two endorsements; the quorum of n = 4 is 3",
         _with_endorsements(cert, (first, second))),
        ("replica 2 endorses twice", _with_endorsements(cert, (first, second, second))),
        ("replica 4 is not a genesis validator (n = 4)", _with_endorsements(cert, (
            first, second, Endorsement(4, keys[3].sign(commit_signing_bytes(view, height,
                                                                            digest, 4)))))),
        ("replica 3's signature filed under replica 0 (the signed bytes name the replica)",
         _with_endorsements(cert, (Endorsement(0, e[3].signature), second, third))),
        ("signed by a key that is not replica 3's node key", _with_endorsements(cert, (
            first, second, Endorsement(3, stranger.sign(commit_signing_bytes(view, height,
                                                                             digest, 3)))))),
        ("one bit of a signature flipped", _with_endorsements(cert, (
            first, Endorsement(second.replica, _flip_signature(second.signature)), third))),
        (f"signatures over view {view + 1} presented as view {view}",
         _with_endorsements(cert, other_view.commits)),
        (f"signatures over height {height} presented as height {height - 1}",
         _with_endorsements(cert, cert.commits, height=height - 1)),
        ("a fourth, invalid endorsement spoils a quorum of valid ones",
         _with_endorsements(cert, (*cert.commits, Endorsement(
             0, _flip_signature(keys[0].sign(commit_signing_bytes(view, height, digest, 0))))))),
        ("a COMMIT signature is not a PREPARE signature: PREPARE signing bytes",
         _with_endorsements(cert, _endorse(keys, (1, 2, 3), lambda r: prepare_signing_bytes(
             view, height, digest, r)))),
    ]
    return [{"why": why, "certificate": data} for why, data in cases]


def _invalid_checkpoint_proofs(proof: CheckpointProof, keys: list[PrivateKey],
                               interval: int) -> list[dict[str, Any]]:
    first, second, third = proof.endorsements
    seq, digest = proof.seq, proof.state_digest
    later = _checkpoint_proof(keys, seq + interval, digest, (0, 1, 2))
    cases: list[tuple[str, CheckpointProof]] = [
        ("two endorsements; the quorum of n = 4 is 3", dataclasses.replace(
            proof, endorsements=(first, second))),
        ("replica 1 endorses twice", dataclasses.replace(
            proof, endorsements=(first, second, second))),
        ("signatures over another state digest", dataclasses.replace(
            proof, state_digest=hashlib.sha256(digest).digest())),
        ("signatures over a later height", dataclasses.replace(
            later, endorsements=proof.endorsements)),
        ("one bit of a signature flipped", dataclasses.replace(proof, endorsements=(
            first, second, Endorsement(third.replica, _flip_signature(third.signature))))),
        ("COMMIT signatures are not CHECKPOINT signatures", dataclasses.replace(
            proof, endorsements=_endorse(keys, (0, 1, 2), lambda r: commit_signing_bytes(
                0, seq, digest, r)))),
    ]
    out: list[dict[str, Any]] = [{"why": why, "checkpoint": por_encode_certificate(p),
                                  "needs_interval": False} for why, p in cases]
    # Valid signatures at a height where no checkpoint is taken: only a verifier that knows the
    # network's interval K (a replica) can refuse it.
    out.append({"why": f"seq {seq + 1} is not a multiple of the checkpoint interval {interval}",
                "checkpoint": por_encode_certificate(_checkpoint_proof(keys, seq + 1, digest,
                                                                       (0, 1, 2))),
                "needs_interval": True})
    return out


class _VectorStore:
    """The blocks and receipts of the vector chain, as ``api.chain.ChainReader`` reads them."""

    def __init__(self, blocks: dict[int, Any], receipts: dict[int, list[Receipt]]) -> None:
        self.blocks, self.receipts = blocks, receipts

    def tip_height(self) -> int:
        return max(self.blocks)

    def get_block(self, height: int) -> Any:
        return self.blocks.get(height)

    def get_blocks(self, first: int, last: int) -> list[Any]:
        return [self.blocks[h] for h in range(first, last + 1) if h in self.blocks]

    def get_receipt(self, tx_id: str) -> Receipt | None:
        return next((r for rs in self.receipts.values() for r in rs if r.tx_id == tx_id), None)

    def get_receipts(self, height: int) -> list[Receipt]:
        return self.receipts.get(height, [])

    def get_history(self, account: str, limit: int = 50,
                    before: tuple[int, int] | None = None) -> list[Receipt]:
        return []


def _invalid_bundles(bundles: list[dict[str, Any]], certificates: dict[int, CommitCertificate],
                     stranger: PrivateKey) -> list[dict[str, Any]]:
    """Tampered copies of the first receipt bundle of block 3, and the step that refuses each."""
    base = next(b for b in bundles if b["receipt"]["height"] == 3 and b["receipt"]["index"] == 0)
    other = next(b for b in bundles if b["receipt"]["height"] == 3 and b["receipt"]["index"] == 1)
    cert = certificates[3]

    def tampered(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        copy: dict[str, Any] = json.loads(json.dumps(base))
        change(copy)
        return copy

    def set_path(name: str, level: int, **step: Any) -> Callable[[dict[str, Any]], None]:
        return lambda b: b[name][level].update(step)

    stranger_sig = stranger.sign(commit_signing_bytes(cert.view, cert.height, cert.digest, 3))
    cases: list[tuple[str, str, Callable[[dict[str, Any]], None]]] = [
        ("a header of another chain", "header",
         lambda b: b["header"].update(chain_id="ntdc-other")),
        ("no certificate (a node that cannot prove finality)", "certificate",
         lambda b: b.update(certificate=None)),
        ("the certificate of block 2", "certificate",
         lambda b: b.update(certificate=certificate_to_json(certificates[2]))),
        ("the header's state_root changed: the certificate signs another digest", "certificate",
         lambda b: b["header"].update(state_root="00" * 32)),
        ("two endorsements; the quorum of n = 4 is 3", "certificate",
         lambda b: b["certificate"].update(commits=b["certificate"]["commits"][:2])),
        ("an endorsement by a key outside genesis", "certificate",
         lambda b: b["certificate"]["commits"][2].update(replica=3, signature=stranger_sig)),
        ("the receipt says another height", "receipt", lambda b: b["receipt"].update(height=2)),
        ("the receipt moved to index 1", "tx_path", lambda b: b["receipt"].update(index=1)),
        ("a tx_proof sibling on the wrong side", "tx_path",
         set_path("tx_proof", 0, left=not base["tx_proof"][0]["left"])),
        ("a tx_proof sibling replaced", "tx_path",
         set_path("tx_proof", 1, hash=EMPTY_LEAF.hex())),
        ("an effect amount changed", "receipt_path",
         lambda b: b["receipt"]["effects"][0].update(amount="4000000")),
        ("the receipt status changed to rejected", "receipt_path",
         lambda b: b["receipt"].update(status="rejected", reason="INSUFFICIENT_FUNDS")),
        ("the transaction shown is another one", "transaction",
         lambda b: b.update(transaction=other["transaction"])),
        ("the transaction's signature altered", "transaction",
         lambda b: b["transaction"].update(signature=_flip_signature(
             base["transaction"]["signature"]))),
    ]
    return [{"why": why, "fails_at": step, "bundle": tampered(change)}
            for why, step, change in cases]


def build_consensus_and_finality() -> dict[str, dict[str, Any]]:
    """consensus_messages.json, consensus_certificates.json and finality_receipts.json."""
    from nodes.storage.repository import StoredBlock

    chain, receipts = _build_vector_chain()
    genesis, keys = chain.genesis, chain.keys.node_keys
    blocks = chain.blocks
    digests = {b.header.height: b.header.compute_hash() for b in blocks}
    state_root_2 = bytes.fromhex(blocks[1].header.state_root)
    interval = PBFT_VECTOR_CONFIG["checkpoint_interval"]
    stranger = ed25519_key("finality:not-a-validator")

    # Blocks 1 and 2 commit in view 0. Block 3 is proposed and prepared in view 0, then primary 0
    # fails; view 1 (primary 1) re-proposes it and commits it without replica 0.
    certificates = {1: _commit_certificate(keys, 0, 1, digests[1], (0, 1, 2)),
                    2: _commit_certificate(keys, 0, 2, digests[2], (0, 1, 2)),
                    3: _commit_certificate(keys, 1, 3, digests[3], (1, 2, 3))}
    checkpoint = _checkpoint_proof(keys, 2, state_root_2, (0, 1, 2))
    block3 = blocks[2]
    payload3 = block3.encode()
    tx_ids3 = tuple(bytes.fromhex(r.tx_id) for r in receipts[2])
    pre_prepare = signed(PrePrepare(0, 3, digests[3], tx_ids3, payload3), keys[0])
    prepares = _endorse(keys, (1, 2), lambda r: prepare_signing_bytes(0, 3, digests[3], r))
    prepared = PreparedCertificate(0, 3, digests[3], requests_hash(tx_ids3),
                                   pre_prepare.signature, prepares)
    view_changes = tuple(signed(ViewChange(1, checkpoint, (prepared,), r), keys[r])
                         for r in (1, 2, 3))
    reproposal = PrePrepare(1, 3, digests[3], tx_ids3, payload3)
    new_view = NewView(1, view_changes, (signed(reproposal, keys[1]),))
    forwarded = ClientRequest(tx_ids3[2], block3.txs[2])
    messages = [
        _message_vector("FORWARD", Forward(3, (forwarded,)), 3, keys),
        _message_vector("PRE-PREPARE", pre_prepare, 0, keys),
        _message_vector("PREPARE", Prepare(0, 3, digests[3], 1), 1, keys),
        _message_vector("COMMIT", Commit(1, 3, digests[3], 2), 2, keys),
        _message_vector("CHECKPOINT", Checkpoint(2, state_root_2, 0), 0, keys),
        _message_vector("VIEW-CHANGE", view_changes[1], 2, keys),
        _message_vector("NEW-VIEW", new_view, 1, keys),
        _message_vector("STATUS", Status(1, False, 3, checkpoint, 3), 3, keys),
        _message_vector("FETCH", Fetch(1, 3, 0), 0, keys),
        _message_vector("BLOCK (committed, with its certificate)", BlockReply(
            3, digests[3], payload3, tx_ids3, certificates[3], 2), 2, keys),
        _message_vector("BLOCK (in flight, without certificate)", BlockReply(
            3, digests[3], payload3, tx_ids3, None, 1), 1, keys),
    ]
    validators = _validators_json(genesis, keys)
    messages_file = _file(
        "Every PBFT message kind (docs/protocol.md §14): its fields (bytes as lowercase hex), "
        "the exact signing bytes, the author's Ed25519 signature (deterministic: recompute it "
        "from the seed) and the network frame. The messages concern block 3 of "
        "finality_receipts.json: proposed and prepared in view 0, re-proposed by the primary of "
        "view 1 after a view change, with the stable checkpoint at height 2 (network parameters "
        "in pbft_config).",
        chain_id=CHAIN_ID, pbft_config=PBFT_VECTOR_CONFIG, validators=validators,
        messages=messages,
    )

    commit = certificates[3]

    def commit_signing(replica: int) -> bytes:
        return commit_signing_bytes(commit.view, commit.height, commit.digest, replica)

    def checkpoint_signing(replica: int) -> bytes:
        return checkpoint_signing_bytes(checkpoint.seq, checkpoint.state_digest, replica)

    all_four = _commit_certificate(keys, commit.view, commit.height, commit.digest, (3, 0, 2, 1))
    certificates_file = _file(
        "Commit certificates and checkpoint proofs (docs/protocol.md §14): the binary layout, "
        "the JSON form, each endorsement's signing bytes and signature, the quorum for each n, "
        "and certificates every verifier must refuse. The commit certificate is block 3's of "
        "finality_receipts.json (digest = its header hash); the checkpoint proof certifies the "
        "state root after block 2.",
        chain_id=CHAIN_ID, pbft_config=PBFT_VECTOR_CONFIG, validators=validators,
        quorums=_quorum_table(),
        commit_certificate={
            "header": block3.header.to_json(), "header_hash_hex": digests[3].hex(),
            "view": commit.view, "height": commit.height, "digest_hex": commit.digest.hex(),
            "endorsements": _endorsement_vectors(keys, commit.commits, commit_signing),
            "encoded_hex": encode_certificate(commit).hex(),
            "json": certificate_to_json(commit)},
        valid_commit_certificates=[
            {"why": "all four validators, in no particular order",
             "certificate": certificate_to_json(all_four)}],
        invalid_commit_certificates=_invalid_commit_certificates(commit, keys, stranger),
        checkpoint_proof={
            "seq": checkpoint.seq, "state_digest_hex": checkpoint.state_digest.hex(),
            "endorsements": _endorsement_vectors(keys, checkpoint.endorsements,
                                                 checkpoint_signing),
            "encoded_hex": _encode_checkpoint_proof(checkpoint).hex(),
            "json": por_encode_certificate(checkpoint)},
        genesis_checkpoint={"json": por_encode_certificate(GENESIS_CHECKPOINT),
                            "encoded_hex": _encode_checkpoint_proof(GENESIS_CHECKPOINT).hex()},
        invalid_checkpoint_proofs=_invalid_checkpoint_proofs(checkpoint, keys, interval),
    )

    stored = {b.header.height: StoredBlock(b.header.height, digests[b.header.height].hex(),
                                           b.header, b.encode(),
                                           encode_certificate(certificates[b.header.height]))
              for b in blocks}
    reader = ChainReader(_VectorStore(stored, {rs[0].height: rs for rs in receipts}))
    bundles: list[dict[str, Any]] = []
    for block_receipts in receipts:
        for receipt in block_receipts:
            bundle = reader.get_receipt_bundle(receipt)
            assert bundle is not None  # every block of the vector chain is stored
            bundles.append({"tx_id": receipt.tx_id,
                            "receipt_hash_hex": compute_receipt_hash(receipt).hex(),
                            "bundle": bundle})
    finality_file = _file(
        "Receipt finality proofs (docs/protocol.md §15, 'Receipt finality proofs'): a genesis "
        "document (the trust anchor), the three blocks of a four-validator chain with their "
        "commit certificates, and the receipt bundle GET /v1/transactions/{tx_id} returns for "
        "every transaction (tree sizes 2, 1 and 3), each of which verifies; then tampered "
        "bundles, each refused at the step named in fails_at.",
        genesis=genesis.model_dump(mode="json"),
        genesis_hash_hex=genesis.compute_hash().hex(),
        validators=[{k: v[k] for k in ("index", "bank_id", "node_key")} for v in validators],
        quorum=Quorums(genesis.n).quorum,
        blocks=[{"header": b.header.to_json(), "header_hash_hex": digests[b.header.height].hex(),
                 "certificate": certificate_to_json(certificates[b.header.height]),
                 "certificate_encoded_hex": encode_certificate(
                     certificates[b.header.height]).hex()}
                for b in blocks],
        bundles=bundles,
        invalid_bundles=_invalid_bundles([b["bundle"] for b in bundles], certificates, stranger),
    )
    return {"consensus_messages.json": messages_file,
            "consensus_certificates.json": certificates_file,
            "finality_receipts.json": finality_file}


def _encode_checkpoint_proof(proof: CheckpointProof) -> bytes:
    writer = Writer()
    write_checkpoint_proof(writer, proof)
    return writer.getvalue()


# --- files -------------------------------------------------------------------------------------

def render(document: dict[str, Any]) -> str:
    """The exact text of a vector file (stable key order, UTF-8, trailing newline)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def build_all(existing: dict[str, Existing] | None = None) -> dict[str, str]:
    """File name -> text of every vector file."""
    existing = existing or {}
    transactions = build_transactions(existing.get("transactions.json", {}))
    builders: dict[str, Callable[[], dict[str, Any]]] = {
        "encoding.json": build_encoding,
        "keys.json": lambda: build_keys(existing.get("keys.json", {})),
        "transactions.json": lambda: transactions,
        "receipts.json": lambda: build_receipts(transactions),
        "blocks.json": lambda: build_blocks(transactions),
        "merkle.json": build_merkle,
        "state.json": build_state,
        "hpke.json": lambda: build_hpke(existing.get("hpke.json", {})),
    }
    chain_files: dict[str, dict[str, Any]] = {}

    def chain_file(name: str) -> dict[str, Any]:
        # The three consensus and finality files come from one chain; build it once.
        if not chain_files:
            chain_files.update(build_consensus_and_finality())
        return chain_files[name]

    for name in ("consensus_messages.json", "consensus_certificates.json",
                 "finality_receipts.json"):
        builders[name] = functools.partial(chain_file, name)
    return {name: render(build()) for name, build in builders.items()}


def load_existing(directory: Path) -> dict[str, Existing]:
    out: dict[str, Existing] = {}
    for path in sorted(directory.glob("*.json")):
        out[path.name] = json.loads(path.read_text(encoding="utf-8"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=VECTORS_DIR)
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    directory: Path = args.out
    files = build_all(load_existing(directory) if directory.exists() else {})
    stale = [name for name, text in files.items()
             if not (directory / name).exists()
             or (directory / name).read_text(encoding="utf-8") != text]
    if args.check:
        for name in stale:
            print(f"out of date: {directory / name}", file=sys.stderr)
        return 1 if stale else 0
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {directory} ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
