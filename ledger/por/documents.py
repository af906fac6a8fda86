"""The JSON documents of proofs of reserves: building them from the archive and parsing them.

Three documents (byte-level meaning in docs/protocol.md, "Proofs of reserves"):

* checkpoint (public): the state root at a height, its preimage (every table's root, total and
  size), every ``meta`` row, the stable-checkpoint certificate and the custodian's signed
  attestation envelope;
* inclusion (only for the account's owner): one account's leaf preimage and its Merkle sum path
  at that checkpoint;
* bundle: both, as the wallet API returns them.

Amounts are decimal strings of minor units; hashes are lowercase hex. ``meta`` values keep the
JSON type they have in state (integer or string), because the meta leaves hash them as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from consensus.messages import CheckpointProof
from ledger.commitment.merkle_sum import ProofStep
from ledger.commitment.proofs import (
    ProofError,
    decode_path,
    encode_path,
    parse_decimal,
    parse_hex32,
)
from ledger.por.archive import ProofArchive, ProofUnavailable
from ledger.por.certificate import CertificateError, decode_certificate, encode_certificate
from ledger.por.leaf import LeafPreimage
from ledger.por.records import CheckpointRecord, MetaRow, TableEntry

CHECKPOINT_TYPE = "ntdc-por-checkpoint"
INCLUSION_TYPE = "ntdc-por-inclusion"
BUNDLE_TYPE = "ntdc-por-bundle"
VERSION = 1
MAX_TABLES = 256
MAX_META_ROWS = 100_000
MAX_PATH = 64


class DocumentError(ValueError):
    """A document that is not well formed; the message names the field."""


# -- building -------------------------------------------------------------------------------


def build_checkpoint_document(
    record: CheckpointRecord, certificate: CheckpointProof,
    attestation: dict[str, Any] | None,
) -> dict[str, Any]:
    """The public checkpoint document."""
    return {
        "type": CHECKPOINT_TYPE,
        "v": VERSION,
        "chain_id": record.chain_id,
        "height": record.height,
        "state_root": record.state_root.hex(),
        "tables": [{"name": t.name, "root": t.root.hex(), "total": str(t.total),
                    "size": t.size} for t in record.tables],
        "meta": [{"index": m.index, "key": m.key, "value": m.value} for m in record.meta],
        "certificate": encode_certificate(certificate),
        "attestation": attestation,
    }


def build_inclusion_document(
    record: CheckpointRecord, index: int, leaf: LeafPreimage, steps: tuple[ProofStep, ...],
) -> dict[str, Any]:
    """One account's inclusion proof at ``record``'s checkpoint."""
    liabilities = record.liabilities
    return {
        "type": INCLUSION_TYPE,
        "v": VERSION,
        "chain_id": record.chain_id,
        "height": record.height,
        "state_root": record.state_root.hex(),
        "liabilities": {"root": liabilities.root.hex(), "total": str(liabilities.total),
                        "size": liabilities.size},
        "leaf": {
            "index": index,
            "account": leaf.account,
            "salt": leaf.salt.hex(),
            "available": str(leaf.available),
            "pledged": str(leaf.pledged),
            "held": str(leaf.held),
            "record_hash": leaf.record_hash.hex(),
        },
        "path": encode_path(steps),
    }


def build_checkpoint_export(
    archive: ProofArchive, height: int | None = None, *,
    certificate: CheckpointProof | None = None, attestation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The public checkpoint document at ``height`` (None: the latest certified checkpoint)."""
    if height is None:
        height = certificate.seq if certificate is not None else archive.get_certified_height()
        if height is None:
            raise ProofUnavailable("no retained checkpoint is certified yet")
    record = archive.get_record(height)
    certificate = certificate or archive.get_certificate(height)
    if certificate is None:
        raise ProofUnavailable(f"checkpoint {height} is not stable yet (no certificate)")
    if attestation is None:
        attestation = archive.get_attestation(height)
    return build_checkpoint_document(record, certificate, attestation)


def build_inclusion_proof(
    archive: ProofArchive, account_id: str, height: int | None = None, *,
    certificate: CheckpointProof | None = None, attestation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Proof bundle for ``account_id`` at checkpoint ``height`` (None: latest certified).

    Only the account's owner may be given this: the leaf reveals its balances. ``certificate``
    and ``attestation`` override what the archive holds (e.g. read from storage after restart).
    """
    checkpoint = build_checkpoint_export(archive, height, certificate=certificate,
                                         attestation=attestation)
    record = archive.get_record(checkpoint["height"])
    proof = archive.compute_account_proof(account_id, record.height)
    leaf = LeafPreimage.from_account(proof.account)
    return {
        "type": BUNDLE_TYPE,
        "v": VERSION,
        "checkpoint": checkpoint,
        "inclusion": build_inclusion_document(record, proof.index, leaf, proof.steps),
    }


# -- parsing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedCheckpoint:
    record: CheckpointRecord
    certificate: CheckpointProof
    attestation: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ParsedInclusion:
    chain_id: str
    height: int
    state_root: bytes
    liabilities: TableEntry
    index: int
    leaf: LeafPreimage
    steps: tuple[ProofStep, ...]


def _require_keys(data: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DocumentError(f"{what} must be a JSON object")
    if set(data) != keys:
        missing, extra = sorted(keys - set(data)), sorted(set(data) - keys)
        raise DocumentError(f"{what} fields: missing {missing}, unexpected {extra}")
    return data


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise DocumentError(f"{what} must be a non-negative integer")
    return value


def _str(value: Any, what: str, max_len: int = 256) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= max_len:
        raise DocumentError(f"{what} must be a string of 1..{max_len} characters")
    return value


def _header(data: Any, keys: set[str], doc_type: str) -> dict[str, Any]:
    if isinstance(data, dict) and data.get("type") == BUNDLE_TYPE:
        raise DocumentError(f"expected a {doc_type} document, got a bundle")
    doc = _require_keys(data, keys, f"{doc_type} document")
    if doc["type"] != doc_type:
        raise DocumentError(f"expected a {doc_type} document, got {doc['type']!r}")
    if doc["v"] != VERSION or isinstance(doc["v"], bool):
        raise DocumentError(f"unsupported {doc_type} version {doc['v']!r}; expected {VERSION}")
    return doc


def _wrap(what: str, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except (ProofError, CertificateError) as exc:
        raise DocumentError(f"{what}: {exc}") from None


def unwrap_document(data: Any, part: str) -> Any:
    """The ``part`` ("checkpoint" or "inclusion") of a bundle, or ``data`` if not a bundle."""
    if isinstance(data, dict) and data.get("type") == BUNDLE_TYPE:
        if part not in data:
            raise DocumentError(f"bundle has no {part} document")
        return data[part]
    return data


def parse_checkpoint_document(data: Any) -> ParsedCheckpoint:
    """Parse a checkpoint document (shape only: ``ledger.por.verify`` checks meaning)."""
    doc = _header(data, {"type", "v", "chain_id", "height", "state_root", "tables", "meta",
                         "certificate", "attestation"}, CHECKPOINT_TYPE)
    chain_id = _str(doc["chain_id"], "chain_id")
    height = _int(doc["height"], "height")
    state_root = _wrap("state_root", parse_hex32, doc["state_root"], "state_root")
    if not isinstance(doc["tables"], list) or not 0 < len(doc["tables"]) <= MAX_TABLES:
        raise DocumentError("tables must be a non-empty list")
    tables = []
    for i, item in enumerate(doc["tables"]):
        entry = _require_keys(item, {"name", "root", "total", "size"}, f"tables[{i}]")
        name = _str(entry["name"], f"tables[{i}].name", 255)
        if not name.isascii():
            raise DocumentError(f"tables[{i}].name must be ASCII")
        total = _wrap(f"tables[{i}]", parse_decimal, entry["total"], "total")
        if not 0 <= total < 2**64:
            raise DocumentError(f"tables[{i}].total is outside the u64 range")
        tables.append(TableEntry(name, _wrap(f"tables[{i}]", parse_hex32, entry["root"], "root"),
                                 total, _int(entry["size"], f"tables[{i}].size")))
    if not isinstance(doc["meta"], list) or len(doc["meta"]) > MAX_META_ROWS:
        raise DocumentError("meta must be a list of rows")
    meta = []
    for i, item in enumerate(doc["meta"]):
        row = _require_keys(item, {"index", "key", "value"}, f"meta[{i}]")
        value = row["value"]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise DocumentError(f"meta[{i}].value must be an integer or a string")
        if isinstance(value, int) and not -(2**53) < value < 2**53:
            raise DocumentError(f"meta[{i}].value is not a safe JSON integer")
        meta.append(MetaRow(_int(row["index"], f"meta[{i}].index"),
                            _str(row["key"], f"meta[{i}].key"), value))
    certificate = _wrap("certificate", decode_certificate, doc["certificate"])
    attestation = doc["attestation"]
    if attestation is not None and not isinstance(attestation, dict):
        raise DocumentError("attestation must be a signed transaction envelope or null")
    record = CheckpointRecord(chain_id, height, state_root, tuple(tables), tuple(meta))
    return ParsedCheckpoint(record, certificate, attestation)


def parse_inclusion_document(data: Any) -> ParsedInclusion:
    """Parse an inclusion document (balances may be negative here; verification rejects them)."""
    doc = _header(data, {"type", "v", "chain_id", "height", "state_root", "liabilities", "leaf",
                         "path"}, INCLUSION_TYPE)
    liabilities = _require_keys(doc["liabilities"], {"root", "total", "size"}, "liabilities")
    leaf = _require_keys(doc["leaf"], {"index", "account", "salt", "available", "pledged",
                                       "held", "record_hash"}, "leaf")
    if not isinstance(doc["path"], list) or len(doc["path"]) > MAX_PATH:
        raise DocumentError(f"path must be a list of at most {MAX_PATH} steps")
    preimage = LeafPreimage(
        account=_str(leaf["account"], "leaf.account", 255),
        salt=_wrap("leaf", parse_hex32, leaf["salt"], "salt"),
        available=_wrap("leaf", parse_decimal, leaf["available"], "available"),
        pledged=_wrap("leaf", parse_decimal, leaf["pledged"], "pledged"),
        held=_wrap("leaf", parse_decimal, leaf["held"], "held"),
        record_hash=_wrap("leaf", parse_hex32, leaf["record_hash"], "record_hash"),
    )
    return ParsedInclusion(
        chain_id=_str(doc["chain_id"], "chain_id"),
        height=_int(doc["height"], "height"),
        state_root=_wrap("state_root", parse_hex32, doc["state_root"], "state_root"),
        liabilities=TableEntry(
            "accounts",
            _wrap("liabilities", parse_hex32, liabilities["root"], "root"),
            _wrap("liabilities", parse_decimal, liabilities["total"], "total"),
            _int(liabilities["size"], "liabilities.size"),
        ),
        index=_int(leaf["index"], "leaf.index"),
        leaf=preimage,
        steps=tuple(_wrap("path", decode_path, doc["path"])),
    )
