"""tests/vectors/por_proofs.json: replayed through the verifier, with every hashed and signed byte
string recomputed independently of ledger/por (hashlib, struct, rfc8785, raw Ed25519)."""

from __future__ import annotations

import copy
import hashlib
import json
import struct
from functools import cache
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.encoding import unb64u
from ledger.genesis import Genesis
from ledger.por.verify import PorFailure, verify_por
from tests.ledger.por import vectors as generator

FILE = generator.VECTORS_DIR / "por_proofs.json"


@cache
def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FILE.read_text(encoding="utf-8"))
    return data


def genesis() -> Genesis:
    return Genesis.model_validate(load()["genesis"])


def test_the_generator_still_writes_the_file_byte_for_byte():
    assert generator.build_files()["por_proofs.json"] == FILE.read_text(encoding="utf-8")


def test_the_bundle_verifies_to_the_expected_figures():
    data = load()
    report = verify_por(data["bundle"], data["bundle"], genesis())
    expected = data["expected"]
    assert report.account == expected["account"]
    assert report.checkpoint.height == expected["height"]
    assert str(report.available) == expected["available"]
    assert str(report.checkpoint.liabilities_total) == expected["liabilities_total"]
    assert str(report.checkpoint.reserves) == expected["reserves"]
    assert report.checkpoint.endorsements == expected["endorsements"]


@pytest.mark.parametrize("forgery", load()["forgeries"], ids=lambda f: f["name"])
def test_each_forgery_fails_at_its_check(forgery):
    bundle = copy.deepcopy(load()["bundle"])
    for edit in forgery["edits"]:
        target = bundle
        for step in edit["path"][:-1]:
            target = target[step]
        target[edit["path"][-1]] = copy.deepcopy(edit["value"])
    with pytest.raises(PorFailure) as info:
        verify_por(bundle, bundle, genesis())
    assert info.value.check == forgery["check"], info.value.message


def test_the_shortfall_checkpoint_fails_at_reserves():
    short = load()["shortfall"]
    with pytest.raises(PorFailure) as info:
        verify_por(short, short, genesis())
    assert info.value.check == "reserves"


def node(left: bytes, left_sum: int, right: bytes, right_sum: int) -> bytes:
    return hashlib.sha256(b"NTDC/sum-node/v1\x00" + left + struct.pack(">Q", left_sum) + right
                          + struct.pack(">Q", right_sum)).digest()


def test_bytes_recomputed_from_the_document_alone():
    data = load()
    raw = data["bytes"]
    bundle = data["bundle"]
    leaf = bundle["inclusion"]["leaf"]
    ident = leaf["account"].encode()
    preimage = (b"NTDC/account-leaf/v1\x00" + bytes.fromhex(leaf["salt"]) + bytes([len(ident)])
                + ident + struct.pack(">QQQ", int(leaf["available"]), int(leaf["pledged"]),
                                      int(leaf["held"])) + bytes.fromhex(leaf["record_hash"]))
    assert preimage.hex() == raw["leaf_preimage_hex"]
    assert hashlib.sha256(preimage).hexdigest() == raw["leaf_hex"]
    # Fold the binary path by hand up to the liabilities root.
    path = bytes.fromhex(raw["path_binary_hex"])
    index, size, depth = struct.unpack_from(">QQB", path)
    assert (index, size) == (leaf["index"], bundle["inclusion"]["liabilities"]["size"])
    current, total = hashlib.sha256(preimage).digest(), int(raw["leaf_sum"])
    for level in range(depth):
        side, sibling, sibling_sum = struct.unpack_from(">B32sQ", path, 17 + 41 * level)
        assert side == (index >> level) & 1
        current = (node(sibling, sibling_sum, current, total) if side
                   else node(current, total, sibling, sibling_sum))
        total += sibling_sum
    liabilities = bundle["inclusion"]["liabilities"]
    assert (current.hex(), str(total)) == (liabilities["root"], liabilities["total"])
    # The state root preimage lists every table in name order, accounts with the same root.
    tables = bundle["checkpoint"]["tables"]
    preimage = b"".join(bytes([len(t["name"])]) + t["name"].encode() + bytes.fromhex(t["root"])
                        + struct.pack(">QQ", int(t["total"]), t["size"]) for t in tables)
    assert preimage.hex() == raw["state_root_preimage_hex"]
    state_root = hashlib.sha256(b"NTDC/state/v1\x00" + preimage).hexdigest()
    assert state_root == raw["state_root_hex"] == bundle["checkpoint"]["state_root"]
    # A checkpoint endorsement is Ed25519 over the PBFT CHECKPOINT signed bytes.
    endorsement = raw["checkpoint_endorsement"]
    signed = (b"NTDC/pbft/checkpoint/v1\x00" + struct.pack(">QI", 4, 32)
              + bytes.fromhex(state_root) + struct.pack(">I", endorsement["replica"]))
    assert signed.hex() == endorsement["signing_bytes_hex"]
    node_key = Ed25519PublicKey.from_public_bytes(unb64u(endorsement["node_key"].split(":")[1]))
    node_key.verify(unb64u(endorsement["signature"].split(":")[1]), signed)
    # The attestation is an ordinary signed transaction: its id is SHA-256 of its signed bytes.
    envelope = dict(bundle["checkpoint"]["attestation"])
    signature = envelope.pop("signature")
    signed = b"NTDC/tx/v1\x00" + rfc8785.dumps(envelope)
    assert signed.hex() == raw["attestation"]["signing_bytes_hex"]
    assert hashlib.sha256(signed).hexdigest() == raw["attestation"]["tx_id"]
    custodian = Ed25519PublicKey.from_public_bytes(
        unb64u(data["genesis"]["roles"]["custodian"].split(":")[1]))
    custodian.verify(unb64u(signature.split(":")[1]), signed)
    meta = {row["key"]: row["value"] for row in bundle["checkpoint"]["meta"]}
    assert meta["attestation_tx"] == raw["attestation"]["tx_id"]
