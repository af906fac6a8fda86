"""The receipt finality vectors (tests/vectors/finality_receipts.json, docs/protocol.md "Receipt
finality proofs"), checked with the wallet SDK and with the document alone.

Each receipt bundle is the JSON ``GET /v1/transactions/{tx_id}`` returns. It is verified twice:
by ``api.sdk.verify.verify_receipt`` and by a small independent wallet written here from the
document (``hashlib``, ``struct``, RFC 8785 and the ``cryptography`` Ed25519 primitives only),
which must also refuse every tampered bundle at the step the vector names. A last test runs the
same independent wallet against a bundle served live by an in-process certified node, so the
document describes what the API really returns. Regenerate the vectors with
``python -m nodes.tools.vectors`` after a deliberate change.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient

from api.schemas.transactions import ReceiptBundle
from api.sdk.certificate import certificate_to_json, decode_stored_certificate
from api.sdk.verify import VerificationError, verify_receipt
from ledger.genesis import Genesis
from ledger.receipts import Receipt, compute_receipt_hash
from nodes.tools import vectors as generator
from nodes.validator.certificates import make_certificate_check
from tests.api.helpers import ALICE, BOB, bank_client, onboard, wallet_client
from tests.api.node import make_node

NAME = "finality_receipts.json"


@cache
def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((generator.VECTORS_DIR / NAME).read_text(encoding="utf-8"))
    return data


def genesis() -> Genesis:
    return Genesis.model_validate(load()["genesis"])


# --- an independent wallet, from docs/protocol.md alone ---------------------------------------

EMPTY_LEAF = hashlib.sha256(b"NTDC/empty-leaf/v1\x00").digest()


class Refused(Exception):
    """The bundle does not prove its receipt; ``step`` names the failed verification step."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


def tagged(tag: str, data: bytes) -> bytes:
    return hashlib.sha256(tag.encode() + b"\x00" + data).digest()


def b64u_decode(value: str) -> bytes:
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != value:
        raise ValueError("not canonical unpadded base64url")
    return raw


def ed25519_ok(public_key: str, signature: str, message: bytes) -> bool:
    key_alg, _, key_text = public_key.partition(":")
    sig_alg, _, sig_text = signature.partition(":")
    if key_alg != "ed25519" or sig_alg != "ed25519":
        return False
    try:
        raw = b64u_decode(sig_text)
        if len(raw) != 64:
            return False
        Ed25519PublicKey.from_public_bytes(b64u_decode(key_text)).verify(raw, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def node(left: bytes, right: bytes) -> bytes:
    """An inner node of a list tree (§11, all sums zero)."""
    zero = struct.pack(">Q", 0)
    return hashlib.sha256(b"NTDC/sum-node/v1\x00" + left + zero + right + zero).digest()


def list_root(leaves: list[bytes]) -> bytes:
    """§11 list root: pad to a power of two with empty leaves, then pair up."""
    level = list(leaves) or [EMPTY_LEAF]
    width = 1
    while width < len(level):
        width *= 2
    level += [EMPTY_LEAF] * (width - len(level))
    while len(level) > 1:
        level = [node(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def fold_path(leaf: bytes, index: int, size: int, steps: list[dict[str, Any]]) -> bytes:
    """The root a path leads to; refuses a path whose length or turns do not spell ``index``."""
    if not 0 <= index < size or len(steps) != (size - 1).bit_length():
        raise ValueError("path length")
    current = leaf
    for level, step in enumerate(steps):
        sibling = bytes.fromhex(step["hash"])
        if len(sibling) != 32 or step["left"] is not bool((index >> level) & 1):
            raise ValueError("path turn")
        current = node(sibling, current) if step["left"] else node(current, sibling)
    return current


def commit_signing_bytes(view: int, height: int, digest: bytes, replica: int) -> bytes:
    return (b"NTDC/pbft/commit/v1\x00" + struct.pack(">QQI", view, height, len(digest)) + digest
            + struct.pack(">I", replica))


def certificate_ok(cert: dict[str, Any], node_keys: dict[int, str]) -> bool:
    n = len(node_keys)
    f = (n - 1) // 3
    quorum = (n + f) // 2 + 1
    replicas = [c["replica"] for c in cert["commits"]]
    digest = bytes.fromhex(cert["digest"])
    if n < 4 or cert["height"] < 1 or not digest or len(replicas) < quorum:
        return False
    if len(set(replicas)) != len(replicas) or any(r not in node_keys for r in replicas):
        return False
    return all(ed25519_ok(node_keys[c["replica"]], c["signature"], commit_signing_bytes(
        cert["view"], cert["height"], digest, c["replica"])) for c in cert["commits"])


HEADER_MEMBERS = {"chain_id", "height", "parent", "time_ms", "proposer", "tx_count", "tx_root",
                  "receipts_root", "state_root"}


def doc_verify_bundle(bundle: dict[str, Any], genesis_doc: dict[str, Any]) -> None:
    """The wallet's verification, step by step as the document lists it; raises Refused."""
    # 1. header: nine members, from the genesis' chain.
    header = bundle["header"]
    if set(header) != HEADER_MEMBERS or header["chain_id"] != genesis_doc["chain_id"]:
        raise Refused("header")
    header_hash = tagged("NTDC/block-header/v1", rfc8785.dumps(header))
    # 2. certificate: for this height and header hash, quorum-many genesis validators.
    cert = bundle["certificate"]
    node_keys = {v["index"]: v["node_key"] for v in genesis_doc["validators"]}
    if (cert is None or cert["height"] != header["height"]
            or bytes.fromhex(cert["digest"]) != header_hash or not certificate_ok(cert, node_keys)):
        raise Refused("certificate")
    # 3. receipt: in this block, at an index the block has.
    receipt = bundle["receipt"]
    if receipt["height"] != header["height"] or not 0 <= receipt["index"] < header["tx_count"]:
        raise Refused("receipt")
    # 4. the transaction id sits at the receipt's index under tx_root.
    try:
        tx_root = fold_path(bytes.fromhex(receipt["tx_id"]), receipt["index"],
                            header["tx_count"], bundle["tx_proof"])
    except ValueError:
        raise Refused("tx_path") from None
    if tx_root.hex() != header["tx_root"]:
        raise Refused("tx_path")
    # 5. the receipt hash sits at the same index under receipts_root.
    try:
        receipts_root = fold_path(tagged("NTDC/receipt/v1", rfc8785.dumps(receipt)),
                                  receipt["index"], header["tx_count"], bundle["receipt_proof"])
    except ValueError:
        raise Refused("receipt_path") from None
    if receipts_root.hex() != header["receipts_root"]:
        raise Refused("receipt_path")
    # 6. the transaction shown, if any, is the one with this id and its signature holds.
    envelope = bundle["transaction"]
    if envelope is not None:
        unsigned = {k: v for k, v in envelope.items() if k != "signature"}
        signing = b"NTDC/tx/v1\x00" + rfc8785.dumps(unsigned)
        if hashlib.sha256(signing).hexdigest() != receipt["tx_id"] or not ed25519_ok(
                envelope["public_key"], envelope.get("signature", ""), signing):
            raise Refused("transaction")


# --- the vectors ------------------------------------------------------------------------------

def test_vector_file_is_what_the_generator_writes() -> None:
    """Run ``python -m nodes.tools.vectors`` after a deliberate change to the protocol."""
    document = generator.build_consensus_and_finality()[NAME]
    assert (generator.VECTORS_DIR / NAME).read_text(encoding="utf-8") == generator.render(document)


def test_genesis_anchors_the_chain() -> None:
    data = load()
    assert genesis().compute_hash().hex() == data["genesis_hash_hex"]
    assert tagged("NTDC/genesis/v1", rfc8785.dumps(data["genesis"])).hex() == \
        data["genesis_hash_hex"]
    parent = data["genesis_hash_hex"]
    for block in data["blocks"]:
        header = block["header"]
        assert header["parent"] == parent
        parent = tagged("NTDC/block-header/v1", rfc8785.dumps(header)).hex()
        assert parent == block["header_hash_hex"] == block["certificate"]["digest"]
    assert [v["node_key"] for v in data["validators"]] == [
        v["node_key"] for v in data["genesis"]["validators"]]


def test_block_certificates_with_the_project_code() -> None:
    check = make_certificate_check(genesis())
    for block in load()["blocks"]:
        encoded = bytes.fromhex(block["certificate_encoded_hex"])
        cert = decode_stored_certificate(encoded)
        assert cert is not None and certificate_to_json(cert) == block["certificate"]
        assert check(block["header"]["height"], bytes.fromhex(block["header_hash_hex"]), encoded)
        node_keys = {v["index"]: v["node_key"] for v in load()["genesis"]["validators"]}
        assert certificate_ok(block["certificate"], node_keys)


def bundle_ids(vector: dict[str, Any]) -> str:
    receipt = vector["bundle"]["receipt"]
    return f"h{receipt['height']}-i{receipt['index']}-{receipt['kind']}"


@pytest.mark.parametrize("vector", load()["bundles"], ids=bundle_ids)
def test_receipt_bundle_with_the_sdk(vector: dict[str, Any]) -> None:
    bundle = vector["bundle"]
    assert ReceiptBundle.model_validate(bundle).model_dump(mode="json") == bundle
    receipt = verify_receipt(bundle, genesis())
    assert receipt.to_json() == bundle["receipt"] and receipt.tx_id == vector["tx_id"]
    assert compute_receipt_hash(receipt).hex() == vector["receipt_hash_hex"]


@pytest.mark.parametrize("vector", load()["bundles"], ids=bundle_ids)
def test_receipt_bundle_from_the_document(vector: dict[str, Any]) -> None:
    bundle = vector["bundle"]
    doc_verify_bundle(bundle, load()["genesis"])
    assert tagged("NTDC/receipt/v1", rfc8785.dumps(bundle["receipt"])).hex() == \
        vector["receipt_hash_hex"]
    header_hash = tagged("NTDC/block-header/v1", rfc8785.dumps(bundle["header"])).hex()
    assert bundle["block_hash"] == header_hash


def test_list_roots_from_every_receipt_of_a_block() -> None:
    """Padding: a block's roots recomputed from all its leaves, with empty leaves up to 2^k."""
    by_height: dict[int, list[dict[str, Any]]] = {}
    for vector in load()["bundles"]:
        by_height.setdefault(vector["bundle"]["receipt"]["height"], []).append(vector["bundle"])
    sizes = []
    for bundles in by_height.values():
        bundles.sort(key=lambda b: b["receipt"]["index"])
        header = bundles[0]["header"]
        assert [b["receipt"]["index"] for b in bundles] == list(range(header["tx_count"]))
        tx_ids = [bytes.fromhex(b["receipt"]["tx_id"]) for b in bundles]
        hashes = [tagged("NTDC/receipt/v1", rfc8785.dumps(b["receipt"])) for b in bundles]
        assert list_root(tx_ids).hex() == header["tx_root"]
        assert list_root(hashes).hex() == header["receipts_root"]
        sizes.append(header["tx_count"])
    assert sorted(sizes) == [1, 2, 3]  # an empty path, a one-step path and a padded tree
    single = next(b for b in by_height.values() if len(b) == 1)[0]
    assert single["tx_proof"] == [] and single["header"]["tx_root"] == single["receipt"]["tx_id"]
    padded = next(b for b in by_height.values() if len(b) == 3)[2]
    assert padded["tx_proof"][0] == {"hash": EMPTY_LEAF.hex(), "left": False}


@pytest.mark.parametrize("case", load()["invalid_bundles"], ids=lambda c: c["why"])
def test_tampered_bundles_are_refused(case: dict[str, Any]) -> None:
    with pytest.raises(VerificationError):
        verify_receipt(case["bundle"], genesis())
    with pytest.raises(Refused) as refused:
        doc_verify_bundle(case["bundle"], load()["genesis"])
    assert refused.value.step == case["fails_at"]


# --- the live API -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_bundle(
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Receipt, dict[str, Any]]]:
    """A transfer's bundle from GET /v1/transactions/{tx_id} of an in-process certified node."""
    harness = make_node(Path(tmp_path_factory.mktemp("finality")))
    with TestClient(harness.make_apps(), raise_server_exceptions=False) as client:
        alice_key, alice = onboard(client, harness, "BANK-A", ALICE)
        _, bob = onboard(client, harness, "BANK-B", BOB)
        bank_client(client, harness, "BANK-A").mint(
            alice, harness.work.deposit_receipt("BANK-A", 900))
        wallet = wallet_client(client, alice_key)
        signer = wallet.signer(alice_key)
        # Three transfers in one block: a padded tree (width 4) and two-step paths.
        envelopes = [wallet.build_transfer(signer, bob, amount) for amount in (100, 200, 300)]
        harness.service.orderer.batch_max = 3  # type: ignore[union-attr]
        result = wallet.submit_batch(envelopes)
        bundle = wallet.wait_for_finality(result["items"][2]["tx_id"])
        yield harness, verify_receipt(bundle, harness.genesis), bundle


def test_a_bundle_served_by_a_node_verifies_from_the_document(
        live_bundle: tuple[Any, Receipt, dict[str, Any]]) -> None:
    harness, receipt, bundle = live_bundle
    assert bundle["header"]["tx_count"] == 3 and receipt.index == 2
    doc_verify_bundle(bundle, harness.genesis.model_dump(mode="json"))
    tampered = json.loads(json.dumps(bundle))
    tampered["receipt"]["effects"][0]["amount"] = "1"
    with pytest.raises(Refused, match="receipt_path"):
        doc_verify_bundle(tampered, harness.genesis.model_dump(mode="json"))
