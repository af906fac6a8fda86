"""``verify_receipt`` and ``verify_liabilities_proof`` accept genuine proofs and reject every
forgery: bad, missing, duplicated, foreign or too few certificate signatures, tampered
receipts, paths and headers."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.sdk.verify import VerificationError, verify_liabilities_proof, verify_receipt
from ledger.crypto.keys import PrivateKey
from nodes.devnet import make_devnet
from tests.api.helpers import ALICE, BOB, bank_client, onboard, wallet_client
from tests.api.node import NodeHarness, make_certificate, make_node


@pytest.fixture(scope="module")
def proofs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A genuine transfer receipt bundle and liabilities proof from a certified node."""
    node = make_node(tmp_path_factory.mktemp("verify"))
    with TestClient(node.make_apps(), raise_server_exceptions=False) as client:
        alice_key, alice = onboard(client, node, "BANK-A", ALICE)
        _, bob = onboard(client, node, "BANK-B", BOB)
        bank_client(client, node, "BANK-A").mint(alice, node.work.deposit_receipt("BANK-A", 900))
        wallet = wallet_client(client, alice_key)
        signer = wallet.signer(alice_key)
        # Three transfers in one batch so the block has a real Merkle path (tx_count > 1).
        envelopes = [wallet.build_transfer(signer, bob, amount) for amount in (100, 200, 300)]
        node.service.orderer.batch_max = 3  # type: ignore[union-attr]
        result = wallet.submit_batch(envelopes)
        bundle = wallet.wait_for_finality(result["items"][1]["tx_id"])
        yield {"node": node, "bundle": bundle, "liabilities": wallet.liabilities_proof()}


def rejects(bundle: dict[str, Any], node: NodeHarness, words: str) -> None:
    with pytest.raises(VerificationError, match=words):
        verify_receipt(bundle, node.genesis)


def test_a_genuine_receipt_verifies(proofs: dict[str, Any]) -> None:
    bundle, node = proofs["bundle"], proofs["node"]
    receipt = verify_receipt(bundle, node.genesis)
    assert receipt.applied and receipt.kind == "transfer"
    assert bundle["header"]["tx_count"] == 3 and len(bundle["tx_proof"]) == 2


@pytest.mark.parametrize(("signers", "words"), [
    ((0, 1), "only 2 validator signatures; 3 of 4"),
    ((0, 0, 1, 2), r"validator\(s\) \[0\] signed more than once"),
    ((0, 1, 2, 7), r"signer\(s\) \[7\] are not genesis validators"),
])
def test_certificate_signer_sets_are_checked(proofs: dict[str, Any], signers: tuple[int, ...],
                                            words: str) -> None:
    bundle, node = copy.deepcopy(proofs["bundle"]), proofs["node"]
    cert = bundle["certificate"]
    by_replica = {c["replica"]: c["signature"] for c in cert["commits"]}
    stranger = PrivateKey.generate().sign(b"x")
    cert["commits"] = [{"replica": r, "signature": by_replica.get(r, stranger)} for r in signers]
    rejects(bundle, node, words)


def test_a_forged_or_missing_signature_is_rejected(proofs: dict[str, Any]) -> None:
    bundle, node = copy.deepcopy(proofs["bundle"]), proofs["node"]
    commits = bundle["certificate"]["commits"]
    commits[1]["signature"] = commits[0]["signature"]
    rejects(bundle, node, "validator 1's COMMIT signature does not verify")
    commits[1]["signature"] = ""
    rejects(bundle, node, "validator 1's COMMIT signature does not verify")
    del bundle["certificate"]
    rejects(bundle, node, "no commit certificate")


def test_a_certificate_from_other_validators_is_rejected(proofs: dict[str, Any]) -> None:
    bundle, node = copy.deepcopy(proofs["bundle"]), proofs["node"]
    _, other_keys = make_devnet(b"\x09" * 32)
    digest = bytes.fromhex(bundle["certificate"]["digest"])
    forged = make_certificate(other_keys, bundle["header"]["height"], digest)
    bundle["certificate"]["commits"] = [{"replica": e.replica, "signature": e.signature}
                                        for e in forged.commits]
    rejects(bundle, node, "COMMIT signature does not verify")


def test_a_tampered_receipt_is_rejected(proofs: dict[str, Any]) -> None:
    node = proofs["node"]
    flipped = copy.deepcopy(proofs["bundle"])
    flipped["receipt"]["status"] = "rejected"
    rejects(flipped, node, "receipts_root mismatch")
    inflated = copy.deepcopy(proofs["bundle"])
    inflated["receipt"]["effects"][0]["amount"] = "1000000"
    rejects(inflated, node, "receipts_root mismatch")
    moved = copy.deepcopy(proofs["bundle"])
    moved["receipt"]["index"] = 0
    rejects(moved, node, "path does not lead to index 0")


def test_tampered_headers_and_paths_are_rejected(proofs: dict[str, Any]) -> None:
    node = proofs["node"]
    header = copy.deepcopy(proofs["bundle"])
    header["header"]["receipts_root"] = "00" * 32
    rejects(header, node, "certificate is for another block")
    path = copy.deepcopy(proofs["bundle"])
    path["tx_proof"][0]["hash"] = "11" * 32
    rejects(path, node, "tx_root mismatch")
    short = copy.deepcopy(proofs["bundle"])
    short["receipt_proof"] = short["receipt_proof"][:1]
    rejects(short, node, "wrong length")
    swapped = copy.deepcopy(proofs["bundle"])
    swapped["transaction"]["body"]["amount"] = "1"
    rejects(swapped, node, "not the one with this id")


def test_another_chain_is_rejected(proofs: dict[str, Any]) -> None:
    other, _ = make_devnet(b"\x07" * 32, chain_id="ntdc-other")
    with pytest.raises(VerificationError, match="is from chain"):
        verify_receipt(proofs["bundle"], other)


def test_liabilities_proof(proofs: dict[str, Any]) -> None:
    proof, node = proofs["liabilities"], proofs["node"]
    account = verify_liabilities_proof(proof, node.genesis)
    assert account.available == 300
    richer = copy.deepcopy(proof)
    richer["account"]["available"] = 10**6
    with pytest.raises(VerificationError, match="does not match its leaf"):
        verify_liabilities_proof(richer, node.genesis)
    table = copy.deepcopy(proof)
    next(t for t in table["tables"] if t["name"] == "accounts")["total"] = "1"
    with pytest.raises(VerificationError, match="certified state root"):
        verify_liabilities_proof(table, node.genesis)
    sums = copy.deepcopy(proof)
    if sums["steps"]:
        sums["steps"][0]["sum"] = str(int(sums["steps"][0]["sum"]) + 1)
        with pytest.raises(VerificationError, match="not in the liabilities tree"):
            verify_liabilities_proof(sums, node.genesis)
