"""The published test vectors (tests/vectors/*.json, docs/protocol.md) recomputed from their inputs.

Each vector is checked twice: with the ledger's own functions, and with a small independent
implementation of what docs/protocol.md says (hashlib, the bech32 reference code, raw HPKE), so
the code, the document and the vectors cannot drift apart. Regenerate the files with
``python -m nodes.tools.vectors`` after a deliberate change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from functools import cache
from typing import Any

import bech32
import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from api.sdk.builders import compute_identity_commitment
from ledger.block import Block, BlockHeader, compute_list_root
from ledger.chain_state import compute_account_leaf, compute_account_record_hash
from ledger.codec import from_jsonable
from ledger.commitment.merkle_sum import (
    EMPTY_LEAF,
    ProofStep,
    compute_node,
    compute_root_from_proof,
)
from ledger.crypto.keys import (
    Algorithm,
    KeyError_,
    PrivateKey,
    PublicKey,
    compute_account_id,
    is_account_id,
)
from ledger.crypto.sealing import SealingPrivateKey, open_sealed
from ledger.encoding import b64u, canonical_json, tagged_hash, unb64u
from ledger.errors import InvalidTransaction
from ledger.model import Account
from ledger.receipts import Receipt, compute_receipt_hash
from ledger.rules.issuance import compute_receipt_signing_bytes
from ledger.state import TableSet, compute_kv_leaf
from ledger.tx.bodies import DepositReceipt
from ledger.tx.envelope import (
    TX_DOMAIN,
    compute_signing_bytes,
    decode_transaction,
    encode_transaction,
)
from nodes.tools import vectors as generator


@cache
def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((generator.VECTORS_DIR / name).read_text(encoding="utf-8"))
    return data


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# --- independent implementations of docs/protocol.md ------------------------------------------

def doc_tagged_hash(tag: str, data: bytes) -> bytes:
    return sha256(tag.encode() + b"\x00" + data)


def doc_jcs(value: Any) -> bytes:
    """RFC 8785 by the reference library (the ledger has a faster path for plain JSON)."""
    return rfc8785.dumps(value)


DOC_EMPTY = doc_tagged_hash("NTDC/empty-leaf/v1", b"")


def doc_node(left: bytes, left_sum: int, right: bytes, right_sum: int) -> bytes:
    return sha256(b"NTDC/sum-node/v1\x00" + left + left_sum.to_bytes(8, "big") + right
                  + right_sum.to_bytes(8, "big"))


def doc_tree_root(leaves: list[tuple[bytes, int]], size: int | None = None) -> tuple[bytes, int]:
    """Pad to the smallest power of two >= max(size, 1) with empty leaves; fold pairwise."""
    size = len(leaves) if size is None else size
    width = 1
    while width < size:
        width *= 2
    level = leaves + [(DOC_EMPTY, 0)] * (width - len(leaves))
    while len(level) > 1:
        level = [(doc_node(lh, ls, rh, rs), ls + rs)
                 for (lh, ls), (rh, rs) in zip(level[0::2], level[1::2], strict=True)]
    return level[0]


def doc_fold(leaf: bytes, value: int, steps: list[dict[str, Any]]) -> tuple[bytes, int]:
    node, total = leaf, value
    for step in steps:
        sibling, sibling_sum = h(step["sibling_hex"]), step["sibling_sum"]
        if step["sibling_is_left"]:
            node = doc_node(sibling, sibling_sum, node, total)
        else:
            node = doc_node(node, total, sibling, sibling_sum)
        total += sibling_sum
    return node, total


def steps_of(steps: list[dict[str, Any]]) -> list[ProofStep]:
    return [ProofStep(h(s["sibling_hex"]), s["sibling_sum"], s["sibling_is_left"])
            for s in steps]


def doc_account_id(alg: str, raw: bytes) -> str:
    digest = sha256(b"NTDC/account/v1\x00" + alg.encode() + b":" + raw)[:20]
    return str(bech32.bech32_encode("ntdc", bech32.convertbits(digest, 8, 5)))


def doc_hpke_open(private_text: str, ciphertext: bytes, info: bytes) -> bytes:
    """RFC 9180 base mode, KEM 0x647A (X-Wing: ML-KEM-768 + X25519), HKDF-SHA256, AES-256-GCM,
    written from docs/protocol.md §13 with primitives only."""
    tag, _, data = private_text.partition(":")
    assert tag == "mlkem768x25519-secret"
    raw = unb64u(data)
    mlkem_key = mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:64])
    x_key = x25519.X25519PrivateKey.from_private_bytes(raw[64:])
    enc, sealed = ciphertext[:1120], ciphertext[1120:]
    ct_m, ct_x = enc[:1088], enc[1088:]
    ss_m = mlkem_key.decapsulate(ct_m)
    ss_x = x_key.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
    pk_x = x_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + b"\\.//^\\").digest()
    suite_id = b"HPKE" + (0x647A).to_bytes(2, "big") + (1).to_bytes(2, "big") + (2).to_bytes(
        2, "big")

    def extract(salt: bytes, label: bytes, ikm: bytes) -> bytes:
        return hmac.new(salt or bytes(32), b"HPKE-v1" + suite_id + label + ikm,
                        hashlib.sha256).digest()

    def expand(prk: bytes, label: bytes, context: bytes, length: int) -> bytes:
        info_bytes = length.to_bytes(2, "big") + b"HPKE-v1" + suite_id + label + context
        out, block, counter = b"", b"", 1
        while len(out) < length:
            block = hmac.new(prk, block + info_bytes + bytes([counter]), hashlib.sha256).digest()
            out, counter = out + block, counter + 1
        return out[:length]

    context = b"\x00" + extract(b"", b"psk_id_hash", b"") + extract(b"", b"info_hash", info)
    secret = extract(shared, b"secret", b"")
    key = expand(secret, b"key", context, 32)
    nonce = expand(secret, b"base_nonce", context, 12)
    return AESGCM(key).decrypt(nonce, sealed, b"")


# --- files are current ------------------------------------------------------------------------

def test_vector_files_are_what_the_generator_writes() -> None:
    """Run ``python -m nodes.tools.vectors`` after a deliberate change to the protocol."""
    existing = generator.load_existing(generator.VECTORS_DIR)
    for name, text in generator.build_all(existing).items():
        assert (generator.VECTORS_DIR / name).read_text(encoding="utf-8") == text, name


# --- encoding ---------------------------------------------------------------------------------

def test_canonical_json_vectors() -> None:
    for vector in load("encoding.json")["jcs"]:
        expected = h(vector["canonical_hex"])
        assert canonical_json(vector["input"]) == expected, vector["name"]
        assert doc_jcs(vector["input"]) == expected
        assert expected.decode() == vector["canonical_utf8"]


def test_tagged_hash_and_base64url_vectors() -> None:
    data = load("encoding.json")
    for vector in data["tagged_hash"]:
        payload = h(vector["data_hex"])
        assert h(vector["preimage_hex"]) == vector["tag"].encode() + b"\x00" + payload
        assert tagged_hash(vector["tag"].encode(), payload).hex() == vector["sha256_hex"]
        assert doc_tagged_hash(vector["tag"], payload).hex() == vector["sha256_hex"]
    for vector in data["base64url"]:
        assert b64u(h(vector["bytes_hex"])) == vector["base64url"]
        assert unb64u(vector["base64url"]) == h(vector["bytes_hex"])
        assert "=" not in vector["base64url"]


_TEXT = st.text(st.sampled_from("aZ09 \"\\/\b\f\n\r\t\x00\x1f\x7f\x80é€\ufb33\U0001f600新"),
                max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | _TEXT | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(_TEXT, children, max_size=4),
    max_leaves=10,
)


@settings(deadline=None, max_examples=120)
@given(st.dictionaries(_TEXT, _JSON, max_size=6))
def test_envelope_signing_bytes_are_rfc8785_for_any_json(envelope: dict[str, Any]) -> None:
    """Signing bytes (through canonical_json's stdlib fast path) equal the reference RFC 8785
    encoder's for any JSON, including what the fast path hands over to the library."""
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    assert compute_signing_bytes(envelope) == TX_DOMAIN + rfc8785.dumps(unsigned)


@pytest.mark.parametrize("value", [
    {"memo": "\ud800"}, {"nonce": 2**53}, {"nonce": -(2**53)}, {"x": [1, {"y": 2**60}]},
])
def test_envelope_signing_bytes_refuse_what_rfc8785_refuses(value: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        rfc8785.dumps(value)
    with pytest.raises(ValueError):
        compute_signing_bytes(value)


@pytest.mark.parametrize("value", [
    {"f": 1.5}, {"f": 1e21}, {"k": (1, 2)}, {"\u00e9": 1, "z": 2}, {"\U0001f600": 1, "\ufb33": 2},
])
def test_envelope_signing_bytes_fall_back_to_rfc8785(value: dict[str, Any]) -> None:
    assert compute_signing_bytes(value) == TX_DOMAIN + rfc8785.dumps(value)


# --- keys and signatures ----------------------------------------------------------------------

def test_account_and_key_vectors() -> None:
    for vector in load("keys.json")["accounts"]:
        alg = Algorithm(vector["algorithm"])
        key = PrivateKey.from_seed(h(vector["seed_hex"]), alg)
        assert key.export() == vector["private_key_text"]
        assert PrivateKey.parse(vector["private_key_text"]) == key
        public = key.public_key()
        assert public.raw.hex() == vector["public_key_hex"]
        assert str(public) == vector["public_key"] == f"{alg.value}:{b64u(public.raw)}"
        assert len(public.raw) == {"ed25519": 32, "ml-dsa-65": 1952}[alg.value]
        preimage = h(vector["account_preimage_hex"])
        assert preimage == b"NTDC/account/v1\x00" + alg.value.encode() + b":" + public.raw
        assert sha256(preimage)[:20].hex() == vector["account_digest20_hex"]
        assert bech32.convertbits(sha256(preimage)[:20], 8, 5) == vector["bech32_data_5bit"]
        assert compute_account_id(public) == vector["account_id"]
        assert doc_account_id(alg.value, public.raw) == vector["account_id"]


def test_signature_vectors() -> None:
    data = load("keys.json")
    alice = next(v for v in data["accounts"] if v["label"] == "holder:alice")
    alice_key = PrivateKey.from_seed(h(alice["seed_hex"]))
    for vector in data["ed25519_signatures"]:
        message = h(vector["message_hex"])
        assert alice_key.sign(message) == vector["signature"]
        assert PublicKey.parse(vector["public_key"]).verify(vector["signature"], message)
    for vector in data["ml_dsa_65_signatures"]:
        signature = unb64u(vector["signature"].partition(":")[2])
        assert len(signature) == 3309
        assert PublicKey.parse(vector["public_key"]).verify(vector["signature"],
                                                            h(vector["message_hex"]))
    for vector in data["invalid_signatures"]:
        assert not PublicKey.parse(vector["public_key"]).verify(
            vector["signature"], h(vector["message_hex"])), vector["why"]


def test_invalid_key_and_account_id_vectors() -> None:
    data = load("keys.json")
    for vector in data["invalid_public_keys"]:
        with pytest.raises(KeyError_):
            PublicKey.parse(vector["text"])
    for vector in data["invalid_account_ids"]:
        assert not is_account_id(vector["text"]), vector["why"]
    assert is_account_id(data["upper_case_account_id_is_valid"])


# --- transactions -----------------------------------------------------------------------------

def test_transaction_vectors() -> None:
    data = load("transactions.json")
    assert h(data["tx_domain_hex"]) == TX_DOMAIN == b"NTDC/tx/v1\x00"
    for vector in data["transactions"]:
        unsigned = vector["unsigned_envelope"]
        envelope = vector["envelope"]
        assert envelope == {**unsigned, "signature": vector["signature"]}
        signing_bytes = h(vector["signing_bytes_hex"])
        assert compute_signing_bytes(envelope) == signing_bytes, vector["name"]
        assert TX_DOMAIN + doc_jcs(unsigned) == signing_bytes
        assert sha256(signing_bytes).hex() == vector["tx_id"]
        assert doc_tagged_hash("NTDC/tx/v1", doc_jcs(unsigned)).hex() == vector["tx_id"]
        alg = Algorithm(vector["algorithm"])
        key = PrivateKey.from_seed(h(vector["signing_key_seed_hex"]), alg)
        assert str(key.public_key()) == unsigned["public_key"]
        if alg is Algorithm.ED25519:
            assert key.sign(signing_bytes) == vector["signature"]
        assert key.public_key().verify(vector["signature"], signing_bytes)
        wire = vector["wire_utf8"].encode()
        assert encode_transaction(envelope) == wire
        decoded = decode_transaction(wire)
        assert decoded.tx_id == vector["tx_id"]
        assert decoded.signing_bytes == signing_bytes
        assert (decoded.kind, decoded.signer, decoded.nonce) == (
            unsigned["kind"], unsigned["signer"], unsigned["nonce"])
        assert decoded.raw == wire
    kinds = {v["unsigned_envelope"]["kind"] for v in data["transactions"]}
    assert kinds >= {"register_account", "mint", "redeem", "confirm_payout", "transfer",
                     "reserve_attestation"}


def test_deposit_receipt_vector() -> None:
    data = load("transactions.json")
    vector = data["deposit_receipt"]
    receipt = DepositReceipt.model_validate({**vector["fields"], "signature": ""})
    signing_bytes = h(vector["signing_bytes_hex"])
    assert receipt.signed_fields(vector["chain_id"]) == vector["signed_object"]
    assert compute_receipt_signing_bytes(receipt, vector["chain_id"]) == signing_bytes
    assert b"NTDC/deposit-receipt/v1\x00" + doc_jcs(vector["signed_object"]) == signing_bytes
    custodian = PrivateKey.from_seed(generator.derive_seed("role:custodian"))
    assert str(custodian.public_key()) == vector["custodian_public_key"]
    assert custodian.sign(signing_bytes) == vector["signature"]
    mint = next(v for v in data["transactions"] if v["name"] == "mint")
    assert mint["envelope"]["body"]["receipt"] == {**vector["fields"],
                                                   "signature": vector["signature"]}
    commitment = data["identity_commitment"]
    salt = h(commitment["salt_hex"])
    assert h(commitment["preimage_hex"]) == (b"NTDC/identity/v1\x00" + salt
                                             + commitment["national_id"].encode())
    assert sha256(h(commitment["preimage_hex"])).hex() == commitment["commitment_hex"]
    assert compute_identity_commitment(commitment["national_id"], salt) == commitment[
        "commitment_hex"]


def test_rejection_vectors() -> None:
    for vector in load("transactions.json")["rejections"]:
        with pytest.raises(InvalidTransaction) as caught:
            decode_transaction(vector["raw_utf8"].encode())
        assert caught.value.reason.value == vector["reason"], vector["why"]


# --- receipts and blocks ----------------------------------------------------------------------

def test_receipt_vectors() -> None:
    for vector in load("receipts.json")["receipts"]:
        receipt = Receipt.from_json(vector["receipt"])
        assert receipt.to_json() == vector["receipt"]
        encoded = h(vector["canonical_hex"])
        assert canonical_json(receipt.to_json()) == encoded
        assert doc_jcs(vector["receipt"]) == encoded
        assert compute_receipt_hash(receipt).hex() == vector["receipt_hash_hex"]
        assert doc_tagged_hash("NTDC/receipt/v1", encoded).hex() == vector["receipt_hash_hex"]


def test_block_vectors() -> None:
    data = load("blocks.json")
    header = BlockHeader.from_json(data["header"])
    canonical = h(data["header_canonical_hex"])
    assert doc_jcs(data["header"]) == canonical
    assert header.compute_hash().hex() == data["header_hash_hex"]
    assert doc_tagged_hash("NTDC/block-header/v1", canonical).hex() == data["header_hash_hex"]

    txs = [h(t) for t in data["txs_hex"]]
    payload = h(data["payload_hex"])
    assert Block(header, tuple(txs)).encode() == payload
    assert Block.decode(payload) == Block(header, tuple(txs))
    # The layout, read by hand: magic, u32be header length, header, u32be count, framed txs.
    assert payload[:8] == b"NTDCBLK1"
    (header_len,) = struct.unpack_from(">I", payload, 8)
    assert payload[12:12 + header_len] == canonical
    offset = 12 + header_len
    (count,) = struct.unpack_from(">I", payload, offset)
    offset += 4
    framed = []
    for _ in range(count):
        (length,) = struct.unpack_from(">I", payload, offset)
        framed.append(payload[offset + 4: offset + 4 + length])
        offset += 4 + length
    assert framed == txs and offset == len(payload)

    ids = []
    for raw in txs:
        try:
            ids.append(decode_transaction(raw).tx_id)
        except InvalidTransaction:
            ids.append(hashlib.sha256(raw).hexdigest())
    assert ids == data["tx_ids"]
    assert compute_list_root([h(t) for t in ids]) == header.tx_root
    assert doc_tree_root([(h(t), 0) for t in ids])[0].hex() == header.tx_root
    hashes = [compute_receipt_hash(Receipt.from_json(r)) for r in data["receipts"]]
    assert [x.hex() for x in hashes] == data["receipt_hashes_hex"]
    assert compute_list_root(hashes) == header.receipts_root
    assert doc_tree_root([(x, 0) for x in hashes])[0].hex() == header.receipts_root
    proof = data["receipt_inclusion_proof"]
    assert proof["leaf_hex"] == data["receipt_hashes_hex"][proof["index"]]
    assert doc_fold(h(proof["leaf_hex"]), 0, proof["steps"]) == (h(proof["root_hex"]), 0)
    assert compute_root_from_proof(h(proof["leaf_hex"]), 0, steps_of(proof["steps"]))[0].hex() \
        == proof["root_hex"]


# --- Merkle trees and state -------------------------------------------------------------------

def test_merkle_vectors() -> None:
    data = load("merkle.json")
    assert data["empty_leaf_hex"] == EMPTY_LEAF.hex() == DOC_EMPTY.hex()
    level = DOC_EMPTY
    for expected in data["empty_subtree_hex_by_level"]:
        assert level.hex() == expected
        level = doc_node(level, 0, level, 0)
    node = data["node"]
    preimage = (b"NTDC/sum-node/v1\x00" + h(node["left_hex"]) + node["left_sum"].to_bytes(8, "big")
                + h(node["right_hex"]) + node["right_sum"].to_bytes(8, "big"))
    assert preimage.hex() == node["preimage_hex"]
    assert compute_node(h(node["left_hex"]), node["left_sum"], h(node["right_hex"]),
                        node["right_sum"]).hex() == node["hash_hex"] == sha256(preimage).hex()
    for tree in data["list_trees"]:
        leaves = [h(x) for x in tree["leaves_hex"]]
        assert compute_list_root(leaves) == tree["root_hex"]
        assert doc_tree_root([(x, 0) for x in leaves])[0].hex() == tree["root_hex"]
    sums = data["sum_tree"]
    leaves = [(h(x), v) for x, v in zip(sums["leaves_hex"], sums["values"], strict=True)]
    assert doc_tree_root(leaves) == (h(sums["root_hex"]), sums["total"])
    for proof in sums["proofs"]:
        expected = (h(sums["root_hex"]), sums["total"])
        assert doc_fold(h(proof["leaf_hex"]), proof["value"], proof["steps"]) == expected
        assert compute_root_from_proof(h(proof["leaf_hex"]), proof["value"],
                                       steps_of(proof["steps"])) == expected


def test_state_vectors() -> None:
    data = load("state.json")
    for vector in data["kv_leaves"]:
        encoded = h(vector["canonical_hex"])
        assert doc_jcs([vector["table"], vector["key"], vector["value"]]) == encoded
        leaf = doc_tagged_hash("NTDC/kv-leaf/v1", encoded)
        assert leaf.hex() == vector["leaf_hex"]
        assert compute_kv_leaf(vector["table"], vector["key"], vector["value"]) == (leaf, 0)
    for vector in data["account_leaves"]:
        account = from_jsonable(Account, vector["account"])
        record = {k: v for k, v in vector["account"].items()
                  if k not in ("available", "pledged", "held")}
        assert record == vector["record"]
        assert doc_jcs(record).hex() == vector["record_canonical_hex"]
        record_hash = doc_tagged_hash("NTDC/account-record/v1", doc_jcs(record))
        assert record_hash.hex() == vector["record_hash_hex"]
        assert compute_account_record_hash(account) == record_hash
        ident = account.id.encode()
        preimage = (b"NTDC/account-leaf/v1\x00" + h(account.leaf_salt) + bytes([len(ident)])
                    + ident + account.available.to_bytes(8, "big")
                    + account.pledged.to_bytes(8, "big") + account.held.to_bytes(8, "big")
                    + record_hash)
        assert preimage.hex() == vector["leaf_preimage_hex"]
        assert sha256(preimage).hex() == vector["leaf_hex"] == compute_account_leaf(account).hex()
        assert vector["leaf_sum"] == account.total

    # The state root, from the rows alone, by the document and by the ledger's own tables.
    state = data["state_root"]
    preimage = b""
    tables = TableSet()
    for table in state["tables"]:
        name = table["name"]
        leaves: list[tuple[bytes, int]] = [(DOC_EMPTY, 0)] * table["next_index"]
        for row in table["rows"]:
            if name == "accounts":
                account = from_jsonable(Account, row["value"])
                leaves[row["index"]] = (compute_account_leaf(account), account.total)
            else:
                leaves[row["index"]] = (doc_tagged_hash("NTDC/kv-leaf/v1", doc_jcs(
                    [name, row["key"], row["value"]])), 0)
        root, total = doc_tree_root(leaves, table["next_index"])
        assert (root.hex(), total) == (table["root_hex"], table["total"]), name
        part = (bytes([len(name)]) + name.encode() + root + total.to_bytes(8, "big")
                + table["next_index"].to_bytes(8, "big"))
        assert part.hex() == table["part_hex"]
        preimage += part
        rebuilt = tables.add(name, key_type=int if name == "reserve_events" else str, leaf=(
            (lambda _k, a: (compute_account_leaf(a), a.total)) if name == "accounts" else None))
        rebuilt.load([(row["key"], row["index"], from_jsonable(Account, row["value"])
                       if name == "accounts" else row["value"]) for row in table["rows"]],
                     table["next_index"])
    assert [t["name"] for t in state["tables"]] == sorted(t["name"] for t in state["tables"])
    assert preimage.hex() == state["preimage_hex"]
    assert doc_tagged_hash("NTDC/state/v1", preimage).hex() == state["state_root_hex"]
    assert tables.compute_root().hex() == state["state_root_hex"]

    proof = data["liabilities_proof"]
    expected = (h(proof["root_hex"]), proof["total"])
    assert doc_fold(h(proof["leaf_hex"]), proof["value"], proof["steps"]) == expected
    assert compute_root_from_proof(h(proof["leaf_hex"]), proof["value"],
                                   steps_of(proof["steps"])) == expected


# --- HPKE -------------------------------------------------------------------------------------

def test_hpke_vectors_open_with_the_library_and_from_the_document() -> None:
    data = load("hpke.json")
    assert data["suite"]["name"] == "MLKEM768-X25519/HKDF-SHA256/AES-256-GCM"
    for vector in data["sealed"]:
        key = SealingPrivateKey.parse(vector["recipient_private_key"])
        assert str(key.public_key()) == vector["recipient_public_key"]
        record = vector["record"]
        assert record["suite"] == data["suite"]["name"]
        assert record["purpose"] == vector["purpose"]
        assert vector["info_utf8"] == f"NTDC/{vector['purpose']}/v1"
        plaintext = vector["plaintext_utf8"].encode()
        assert open_sealed(record, vector["recipient"], key) == plaintext
        ciphertext = unb64u(record["recipients"][vector["recipient"]])
        assert ciphertext == h(vector["enc_hex"]) + h(vector["aead_ciphertext_hex"])
        assert len(ciphertext) == 1120 + len(plaintext) + 16
        assert doc_hpke_open(vector["recipient_private_key"], ciphertext,
                             vector["info_utf8"].encode()) == plaintext
