"""docs/protocol.md §15 "Proofs of reserves" and "Liabilities inclusion proofs", checked against
tests/vectors/por_proofs.json by a verifier written from the document alone.

Nothing here imports the ledger: hashing is hashlib, JCS is the few lines of §2.1, signatures
are raw Ed25519 (cryptography). If the document, the vectors or the code drift apart, these
tests fail: the leaf, the fold, the state root, the meta root, the certificate, the attestation
and the reserves rule are each recomputed from the text, and every forgery in the vector file
must fail at the check the document names for it.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FILE = Path(__file__).resolve().parents[2] / "vectors" / "por_proofs.json"
MAX = 2**53 - 1
EMPTY_LEAF = hashlib.sha256(b"NTDC/empty-leaf/v1\x00").digest()
_HEX32 = re.compile(r"^[0-9a-f]{64}$")
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)$")


@cache
def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FILE.read_text(encoding="utf-8"))
    return data


class Fail(Exception):
    """The first check (§15 verification step name) that failed."""

    def __init__(self, check: str, why: str) -> None:
        super().__init__(f"{check}: {why}")
        self.check = check


# -- §1-§3 primitives ---------------------------------------------------------------------------


def jcs(value: Any) -> bytes:
    """RFC 8785 for the values NTDC uses (§2.1)."""
    return _jcs(value).encode("utf-8")


def _jcs(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ch in "\b\t\n\f\r":
                out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[ch])
            elif ord(ch) < 0x20:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, list):
        return "[" + ",".join(_jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        names = sorted(value, key=lambda name: name.encode("utf-16-be"))
        return "{" + ",".join(_jcs(n) + ":" + _jcs(value[n]) for n in names) + "}"
    raise TypeError(f"not canonicalisable: {value!r}")


def tagged(tag: str, data: bytes) -> bytes:
    """H(tag, data) = SHA-256(tag || 0x00 || data) (§2.2)."""
    return hashlib.sha256(tag.encode() + b"\x00" + data).digest()


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def unb64u(text: str) -> bytes:
    """Canonical base64url without padding (§1)."""
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != text:
        raise ValueError("non-canonical base64url")
    return raw


def is_ed25519_valid(public_key: str, signature: str, message: bytes) -> bool:
    """Tagged Ed25519 verification (§3)."""
    alg, _, key_text = public_key.partition(":")
    sig_alg, _, sig_text = signature.partition(":")
    if alg != "ed25519" or sig_alg != "ed25519":
        return False
    try:
        key, sig = unb64u(key_text), unb64u(sig_text)
        if len(key) != 32 or len(sig) != 64:
            return False
        Ed25519PublicKey.from_public_bytes(key).verify(sig, message)
    except (ValueError, InvalidSignature):
        return False
    return True


# -- §11, §12 and §15 structures ----------------------------------------------------------------


def sum_node(left: bytes, left_sum: int, right: bytes, right_sum: int) -> bytes:
    return hashlib.sha256(b"NTDC/sum-node/v1\x00" + left + u64(left_sum) + right
                          + u64(right_sum)).digest()


def depth(size: int) -> int:
    return (size - 1).bit_length() if size > 1 else 0


def compute_leaf_preimage(leaf: dict[str, Any]) -> bytes:
    """The account leaf preimage of "Liabilities inclusion proofs"."""
    account = leaf["account"].encode("ascii")
    return (b"NTDC/account-leaf/v1\x00" + bytes.fromhex(leaf["salt"])
            + len(account).to_bytes(1, "big") + account
            + u64(int(leaf["available"])) + u64(int(leaf["pledged"])) + u64(int(leaf["held"]))
            + bytes.fromhex(leaf["record_hash"]))


def fold(leaf_hash: bytes, value: int, index: int, size: int,
         path: list[dict[str, str]]) -> tuple[bytes, int]:
    """The fold with range checks; raises Fail("path")."""
    if not 0 <= index < size or len(path) != depth(size):
        raise Fail("path", "index outside the tree or wrong path length")
    if not 0 <= value <= MAX:
        raise Fail("path", "leaf value out of range")
    node, total, pos = leaf_hash, value, index
    for entry in path:
        if entry["side"] != ("L" if pos & 1 else "R"):
            raise Fail("path", "side does not match the index")
        sibling, sibling_sum = bytes.fromhex(entry["hash"]), int(entry["sum"])
        if not 0 <= sibling_sum <= MAX:
            raise Fail("path", "sibling sum out of range")
        if entry["side"] == "L":
            node = sum_node(sibling, sibling_sum, node, total)
        else:
            node = sum_node(node, total, sibling, sibling_sum)
        total += sibling_sum
        if total > MAX:
            raise Fail("path", "running total out of range")
        pos >>= 1
    return node, total


def compute_tree_root(size: int, leaves: dict[int, tuple[bytes, int]]) -> tuple[bytes, int]:
    """§11 root over ``size`` slots; slots not in ``leaves`` hold the empty leaf."""
    width = 1 << depth(size)
    level = [leaves.get(i, (EMPTY_LEAF, 0)) for i in range(width)]
    while len(level) > 1:
        level = [(sum_node(lh, ls, rh, rs), ls + rs)
                 for (lh, ls), (rh, rs) in zip(level[0::2], level[1::2], strict=True)]
    return level[0]


def compute_state_root_preimage(tables: list[dict[str, Any]]) -> bytes:
    return b"".join(len(t["name"]).to_bytes(1, "big") + t["name"].encode("ascii")
                    + bytes.fromhex(t["root"]) + u64(int(t["total"])) + u64(t["size"])
                    for t in tables)


def compute_meta_leaf(key: str, value: int | str) -> bytes:
    return tagged("NTDC/kv-leaf/v1", jcs(["meta", key, value]))


# -- the ten checks ------------------------------------------------------------------------------


def _members(obj: Any, names: set[str]) -> None:
    if not isinstance(obj, dict) or set(obj) != names:
        raise Fail("documents", f"expected exactly {sorted(names)}")


def _is_uint(value: Any) -> bool:
    return type(value) is int and 0 <= value < 2**63


def _check_documents(checkpoint: Any, inclusion: Any) -> None:
    _members(checkpoint, {"type", "v", "chain_id", "height", "state_root", "tables", "meta",
                          "certificate", "attestation"})
    _members(inclusion, {"type", "v", "chain_id", "height", "state_root", "liabilities", "leaf",
                         "path"})
    for doc, doc_type in ((checkpoint, "ntdc-por-checkpoint"), (inclusion, "ntdc-por-inclusion")):
        if doc["type"] != doc_type or type(doc["v"]) is not int or doc["v"] != 1:
            raise Fail("documents", "wrong type or version")
        if not _is_uint(doc["height"]) or not _HEX32.match(str(doc["state_root"])):
            raise Fail("documents", "height or state_root")
    for table in checkpoint["tables"]:
        _members(table, {"name", "root", "total", "size"})
        if not (_HEX32.match(table["root"]) and _DECIMAL.match(table["total"])
                and 0 <= int(table["total"]) < 2**64 and _is_uint(table["size"])):
            raise Fail("documents", "table entry")
    for row in checkpoint["meta"]:
        _members(row, {"index", "key", "value"})
        value = row["value"]
        if not _is_uint(row["index"]) or not (
                isinstance(value, str) or (type(value) is int and abs(value) < 2**53)):
            raise Fail("documents", "meta row")
    _members(checkpoint["certificate"], {"seq", "state_digest", "endorsements"})
    for endorsement in checkpoint["certificate"]["endorsements"]:
        _members(endorsement, {"replica", "signature"})
    _members(inclusion["liabilities"], {"root", "total", "size"})
    _members(inclusion["leaf"], {"index", "account", "salt", "available", "pledged", "held",
                                 "record_hash"})
    leaf = inclusion["leaf"]
    if not all(_DECIMAL.match(leaf[n]) for n in ("available", "pledged", "held")):
        raise Fail("documents", "leaf balances")
    for entry in inclusion["path"]:
        _members(entry, {"hash", "sum", "side"})
        if entry["side"] not in ("L", "R") or not _DECIMAL.match(entry["sum"]):
            raise Fail("documents", "path entry")


def _table(checkpoint: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((t for t in checkpoint["tables"] if t["name"] == name), None)


def _liabilities_total(checkpoint: dict[str, Any]) -> int:
    accounts = _table(checkpoint, "accounts")
    if accounts is None:
        raise Fail("binding", "no accounts table")
    return int(accounts["total"])


def verify(bundle: dict[str, Any], genesis: dict[str, Any]) -> dict[str, int]:
    """The ten checks of §15, in order; returns the verified figures or raises Fail."""
    checkpoint, inclusion = bundle["checkpoint"], bundle["inclusion"]
    _check_documents(checkpoint, inclusion)  # 1
    point = ("chain_id", "height", "state_root")  # 2
    accounts = _table(checkpoint, "accounts")
    if [inclusion[k] for k in point] != [checkpoint[k] for k in point] or accounts is None:
        raise Fail("binding", "another checkpoint")
    liabilities = inclusion["liabilities"]
    if (liabilities["root"], int(liabilities["total"]), liabilities["size"]) != (
            accounts["root"], int(accounts["total"]), accounts["size"]):
        raise Fail("binding", "liabilities differ from the accounts entry")
    leaf = inclusion["leaf"]  # 3
    balances = [int(leaf[n]) for n in ("available", "pledged", "held")]
    if not all(0 <= b <= MAX for b in balances) or sum(balances) > MAX:
        raise Fail("leaf", "balance out of range")
    root, total = fold(hashlib.sha256(compute_leaf_preimage(leaf)).digest(), sum(balances),
                       leaf["index"], accounts["size"], inclusion["path"])  # 4
    if root.hex() != accounts["root"] or total != int(accounts["total"]):  # 5
        raise Fail("root", "the path does not reach the liabilities root and total")
    verify_checkpoint(checkpoint, genesis)
    return {"available": balances[0], **compute_figures(checkpoint)}


def verify_checkpoint(checkpoint: dict[str, Any], genesis: dict[str, Any]) -> None:
    """Checks 6 to 10: a checkpoint document on its own."""
    names = [t["name"] for t in checkpoint["tables"]]  # 6
    if checkpoint["chain_id"] != genesis["chain_id"] or names != sorted(set(names)):
        raise Fail("state-root", "chain or table order")
    state_root = tagged("NTDC/state/v1", compute_state_root_preimage(checkpoint["tables"]))
    if state_root.hex() != checkpoint["state_root"]:
        raise Fail("state-root", "the table entries do not hash to the state root")
    _check_certificate(checkpoint, genesis)  # 7
    meta_entry = _table(checkpoint, "meta")  # 8
    rows = checkpoint["meta"]
    if meta_entry is None or len({r["index"] for r in rows}) != len(rows) or len(
            {r["key"] for r in rows}) != len(rows):
        raise Fail("meta", "no meta table, or a repeated index or key")
    if any(r["index"] >= meta_entry["size"] for r in rows):
        raise Fail("meta", "row outside the table")
    leaves = {r["index"]: (compute_meta_leaf(r["key"], r["value"]), 0) for r in rows}
    meta_root, meta_total = compute_tree_root(meta_entry["size"], leaves)
    if (meta_root.hex(), meta_total) != (meta_entry["root"], int(meta_entry["total"])):
        raise Fail("meta", "the rows do not rebuild the meta root")
    meta = {r["key"]: r["value"] for r in rows}
    if meta.get("height") != checkpoint["height"]:
        raise Fail("meta", "height")
    if any(not isinstance(meta.get(k, 0), int) for k in (
            "supply", "pending_payouts", "attested_reserves", "reserve_adjustment")):
        raise Fail("meta", "a reserves figure is not an integer")
    if meta.get("supply", 0) != _liabilities_total(checkpoint):
        raise Fail("meta", "supply differs from the liabilities total")
    _check_attestation(checkpoint, meta, genesis)  # 9
    figures = compute_figures(checkpoint)  # 10
    if figures["reserves"] < figures["liabilities_due"]:
        raise Fail("reserves", f"{figures}")


def _check_certificate(checkpoint: dict[str, Any], genesis: dict[str, Any]) -> None:
    cert = checkpoint["certificate"]
    if cert["seq"] != checkpoint["height"] or cert["state_digest"] != checkpoint["state_root"]:
        raise Fail("certificate", "another height or state root")
    keys = {v["index"]: v["node_key"] for v in genesis["validators"]}
    n = len(keys)
    f = (n - 1) // 3
    quorum = (n + f) // 2 + 1
    seen: set[int] = set()
    for endorsement in cert["endorsements"]:
        replica = endorsement["replica"]
        if replica not in keys or replica in seen:
            raise Fail("certificate", f"replica {replica} is not a validator or repeats")
        seen.add(replica)
        signed = (b"NTDC/pbft/checkpoint/v1\x00" + u64(cert["seq"]) + (32).to_bytes(4, "big")
                  + bytes.fromhex(cert["state_digest"]) + replica.to_bytes(4, "big"))
        if not is_ed25519_valid(keys[replica], endorsement["signature"], signed):
            raise Fail("certificate", f"replica {replica}'s signature")
    if len(seen) < quorum:
        raise Fail("certificate", f"{len(seen)} of the {quorum} signatures needed")


def _check_attestation(checkpoint: dict[str, Any], meta: dict[str, Any],
                       genesis: dict[str, Any]) -> None:
    envelope = checkpoint["attestation"]
    if "attestation_tx" not in meta or not isinstance(envelope, dict):
        raise Fail("attestation", "none recorded, or none carried")
    _members(envelope, {"v", "chain_id", "kind", "signer", "nonce", "body", "public_key",
                        "signature"})
    if (envelope["kind"], envelope["signer"], envelope["chain_id"]) != (
            "reserve_attestation", "custodian", genesis["chain_id"]):
        raise Fail("attestation", "not a custodian attestation of this chain")
    if envelope["public_key"] != genesis["roles"]["custodian"]:
        raise Fail("attestation", "not the genesis custodian key")
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    signing_bytes = b"NTDC/tx/v1\x00" + jcs(unsigned)
    if not is_ed25519_valid(envelope["public_key"], envelope["signature"], signing_bytes):
        raise Fail("attestation", "signature")
    if hashlib.sha256(signing_bytes).hexdigest() != meta["attestation_tx"]:
        raise Fail("attestation", "not the attestation the chain recorded")
    if int(envelope["body"]["reserve_balance"]) != meta.get("attested_reserves", 0):
        raise Fail("attestation", "balance differs from meta attested_reserves")


def compute_figures(checkpoint: dict[str, Any]) -> dict[str, int]:
    """The reserves rule's two sides, from the meta rows (absent rows are 0)."""
    meta = {r["key"]: r["value"] for r in checkpoint["meta"]}
    total = _liabilities_total(checkpoint)
    return {
        "liabilities_total": total,
        "pending_payouts": meta.get("pending_payouts", 0),
        "liabilities_due": total + meta.get("pending_payouts", 0),
        "reserves": meta.get("attested_reserves", 0) + meta.get("reserve_adjustment", 0),
    }


# -- tests ---------------------------------------------------------------------------------------


def test_the_leaf_hash_follows_the_documented_layout():
    data = load()
    leaf = data["bundle"]["inclusion"]["leaf"]
    preimage = compute_leaf_preimage(leaf)
    assert preimage.hex() == data["bytes"]["leaf_preimage_hex"]
    assert len(preimage) == 153
    assert hashlib.sha256(preimage).hexdigest() == data["bytes"]["leaf_hex"]
    value = int(leaf["available"]) + int(leaf["pledged"]) + int(leaf["held"])
    assert str(value) == data["bytes"]["leaf_sum"]


def test_the_path_folds_to_the_liabilities_root_and_total():
    data = load()
    inclusion = data["bundle"]["inclusion"]
    leaf = inclusion["leaf"]
    accounts = _table(data["bundle"]["checkpoint"], "accounts")
    assert accounts is not None
    root, total = fold(bytes.fromhex(data["bytes"]["leaf_hex"]), int(data["bytes"]["leaf_sum"]),
                       leaf["index"], accounts["size"], inclusion["path"])
    assert (root.hex(), str(total)) == (accounts["root"], accounts["total"])
    assert inclusion["liabilities"] == {k: accounts[k] for k in ("root", "total", "size")}
    # The binary form spells the same path.
    raw = bytes.fromhex(data["bytes"]["path_binary_hex"])
    steps = len(inclusion["path"])
    assert len(raw) == 17 + 41 * steps
    assert int.from_bytes(raw[0:8], "big") == leaf["index"]
    assert int.from_bytes(raw[8:16], "big") == accounts["size"] and raw[16] == steps
    for k, entry in enumerate(inclusion["path"]):
        step = raw[17 + 41 * k: 17 + 41 * (k + 1)]
        assert step[0] == (1 if entry["side"] == "L" else 0)
        assert (step[1:33].hex(), str(int.from_bytes(step[33:], "big"))) == (
            entry["hash"], entry["sum"])


def test_the_state_root_is_recomputed_from_the_table_entries():
    data = load()
    checkpoint = data["bundle"]["checkpoint"]
    preimage = compute_state_root_preimage(checkpoint["tables"])
    assert preimage.hex() == data["bytes"]["state_root_preimage_hex"]
    state_root = tagged("NTDC/state/v1", preimage).hex()
    assert state_root == checkpoint["state_root"] == data["bytes"]["state_root_hex"]
    assert state_root == checkpoint["certificate"]["state_digest"]
    assert state_root == data["bundle"]["inclusion"]["state_root"]


def test_the_meta_rows_rebuild_the_meta_root():
    checkpoint = load()["bundle"]["checkpoint"]
    meta = _table(checkpoint, "meta")
    assert meta is not None
    assert compute_meta_leaf("height", 4).hex() == (
        "abae71860a9fb89eac7d6edd9a115c27bb5ee288466c44085c2bc5d7e6d28100")
    leaves = {r["index"]: (compute_meta_leaf(r["key"], r["value"]), 0) for r in checkpoint["meta"]}
    root, total = compute_tree_root(meta["size"], leaves)
    assert (root.hex(), total) == (meta["root"], 0)


def test_the_signed_bytes_match_the_vectors():
    data = load()
    endorsement = data["bytes"]["checkpoint_endorsement"]
    signed = bytes.fromhex(endorsement["signing_bytes_hex"])
    assert signed == (b"NTDC/pbft/checkpoint/v1\x00" + u64(4) + (32).to_bytes(4, "big")
                      + bytes.fromhex(data["bytes"]["state_root_hex"])
                      + endorsement["replica"].to_bytes(4, "big"))
    assert is_ed25519_valid(endorsement["node_key"], endorsement["signature"], signed)
    envelope = data["bundle"]["checkpoint"]["attestation"]
    unsigned = {k: v for k, v in envelope.items() if k != "signature"}
    attested = data["bytes"]["attestation"]
    assert (b"NTDC/tx/v1\x00" + jcs(unsigned)).hex() == attested["signing_bytes_hex"]


def test_the_bundle_verifies_to_the_expected_figures():
    data = load()
    figures = verify(copy.deepcopy(data["bundle"]), data["genesis"])
    expected = data["expected"]
    assert data["bundle"]["inclusion"]["leaf"]["account"] == expected["account"]
    assert data["bundle"]["checkpoint"]["height"] == expected["height"]
    assert str(figures["available"]) == expected["available"]
    assert str(figures["liabilities_total"]) == expected["liabilities_total"]
    assert str(figures["reserves"]) == expected["reserves"]
    assert str(figures["pending_payouts"]) == expected["pending_payouts"]
    assert len(data["bundle"]["checkpoint"]["certificate"]["endorsements"]) == (
        expected["endorsements"])


@pytest.mark.parametrize("forgery", load()["forgeries"], ids=lambda f: f["name"])
def test_each_forgery_fails_at_the_documented_check(forgery):
    bundle = copy.deepcopy(load()["bundle"])
    for edit in forgery["edits"]:
        target = bundle
        for step in edit["path"][:-1]:
            target = target[step]
        target[edit["path"][-1]] = copy.deepcopy(edit["value"])
    with pytest.raises(Fail) as info:
        verify(bundle, load()["genesis"])
    assert info.value.check == forgery["check"], str(info.value)


def test_the_shortfall_fails_at_reserves():
    with pytest.raises(Fail) as info:
        verify(copy.deepcopy(load()["shortfall"]), load()["genesis"])
    assert info.value.check == "reserves"
