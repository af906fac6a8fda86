"""The PBFT vectors docs/protocol.md §14 publishes (tests/vectors/consensus_*.json), recomputed.

Every message frame, signing bytes, signature, commit certificate and checkpoint proof is checked
twice: with the project's code (``consensus.wire``, ``consensus.certificates``,
``consensus.viewchange``, ``nodes.validator.certificates``, ``ledger.por.certificate``) and with
a small independent implementation of what the document says, written here with ``struct``,
``hashlib`` and the ``cryptography`` Ed25519 primitives only. So the document, the vectors and
the code cannot drift apart. Regenerate with ``python -m nodes.tools.vectors`` after a deliberate
change.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from functools import cache
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from api.sdk.certificate import certificate_from_json
from consensus.certificates import verify_certificate, verify_checkpoint_proof
from consensus.config import PbftConfig
from consensus.messages import (
    BlockReply,
    CheckpointProof,
    Endorsement,
    NewView,
    PrePrepare,
    Status,
    ViewChange,
)
from consensus.quorums import Quorums
from consensus.viewchange import is_valid_view_change, validate_new_view
from consensus.wire import decode_message, encode_message, requests_hash, signing_bytes
from ledger.crypto.keys import PublicKey
from ledger.genesis import Genesis, Validator
from ledger.por.certificate import (
    CertificateError,
    decode_certificate,
    decode_certificate_bytes,
    verify_checkpoint_certificate,
)
from nodes.tools import vectors as generator
from nodes.validator.certificates import decode_certificate as decode_commit_certificate
from nodes.validator.certificates import encode_certificate

FILES = ("consensus_messages.json", "consensus_certificates.json")


@cache
def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((generator.VECTORS_DIR / name).read_text(encoding="utf-8"))
    return data


def h(text: str) -> bytes:
    return bytes.fromhex(text)


class KeysVerifier:
    """``consensus.signing.Verifier`` over the vectors' validator node keys."""

    def __init__(self, validators: list[dict[str, Any]]) -> None:
        self.keys = {v["index"]: PublicKey.parse(v["node_key"]) for v in validators}

    def verify(self, node_index: int, signature: str, data: bytes) -> bool:
        key = self.keys.get(node_index)
        return key is not None and key.verify(signature, data)


def project_verifier() -> KeysVerifier:
    return KeysVerifier(load("consensus_messages.json")["validators"])


def vector_genesis() -> Genesis:
    """A genesis naming just the vectors' validators (what checkpoint verification reads)."""
    validators = [Validator(index=v["index"], bank_id=v["bank_id"], node_key=v["node_key"],
                            endpoint="")
                  for v in load("consensus_certificates.json")["validators"]]
    return Genesis(chain_id=load("consensus_certificates.json")["chain_id"], genesis_time_ms=0,
                   validators=validators, banks=[], roles={}, sealing_keys={})


# --- an independent implementation of docs/protocol.md §14 -----------------------------------

KIND_TAGS = {1: "forward", 2: "pre-prepare", 3: "prepare", 4: "commit", 5: "checkpoint",
             6: "view-change", 7: "new-view", 8: "status", 9: "fetch", 10: "block"}


def u8(x: int) -> bytes:
    return struct.pack(">B", x)


def u32(x: int) -> bytes:
    return struct.pack(">I", x)


def u64(x: int) -> bytes:
    return struct.pack(">Q", x)


def blob(data: bytes) -> bytes:
    return u32(len(data)) + data


def text(value: str) -> bytes:
    return blob(value.encode("ascii"))


def seq_of(items: list[bytes]) -> bytes:
    return u32(len(items)) + b"".join(items)


def tag(kind: int) -> bytes:
    return f"NTDC/pbft/{KIND_TAGS[kind]}/v1".encode() + b"\x00"


def doc_endorsements(items: list[dict[str, Any]]) -> bytes:
    return seq_of([u32(e["replica"]) + text(e["signature"]) for e in items])


def doc_checkpoint_proof(p: dict[str, Any]) -> bytes:
    return u64(p["seq"]) + blob(h(p["state_digest"])) + doc_endorsements(p["endorsements"])


def doc_prepared_certificate(c: dict[str, Any]) -> bytes:
    return (u64(c["view"]) + u64(c["seq"]) + blob(h(c["digest"])) + blob(h(c["requests_hash"]))
            + text(c["primary_signature"]) + doc_endorsements(c["prepares"]))


def doc_commit_certificate(c: dict[str, Any]) -> bytes:
    return (u64(c["view"]) + u64(c["height"]) + blob(h(c["digest"]))
            + doc_endorsements(c["commits"]))


def doc_body(kind: int, f: dict[str, Any], strip_payloads: bool = False) -> bytes:
    """The body of a message without its final signature (§14 frame table)."""
    if kind == 1:
        return u32(f["replica"]) + seq_of([blob(h(r["tx_id"])) + blob(h(r["tx"]))
                                           for r in f["requests"]])
    if kind == 2:
        return (u64(f["view"]) + u64(f["seq"]) + blob(h(f["digest"]))
                + seq_of([blob(h(t)) for t in f["tx_ids"]]) + blob(h(f["payload"])))
    if kind in (3, 4):
        return u64(f["view"]) + u64(f["seq"]) + blob(h(f["digest"])) + u32(f["replica"])
    if kind == 5:
        return u64(f["seq"]) + blob(h(f["state_digest"])) + u32(f["replica"])
    if kind == 6:
        return (u64(f["new_view"]) + doc_checkpoint_proof(f["checkpoint"])
                + seq_of([doc_prepared_certificate(c) for c in f["prepared"]])
                + u32(f["replica"]))
    if kind == 7:
        pps = [{**pp, "payload": ""} if strip_payloads else pp for pp in f["pre_prepares"]]
        return (u64(f["view"]) + seq_of([blob(doc_frame(6, vc)) for vc in f["view_changes"]])
                + seq_of([blob(doc_frame(2, pp)) for pp in pps]))
    if kind == 8:
        return (u64(f["view"]) + u8(1 if f["view_change"] else 0) + u64(f["committed_height"])
                + doc_checkpoint_proof(f["checkpoint"]) + u32(f["replica"]))
    if kind == 9:
        return u64(f["from_height"]) + u64(f["to_height"]) + u32(f["replica"])
    assert kind == 10
    cert = f["certificate"]
    return (u64(f["height"]) + blob(h(f["digest"])) + blob(h(f["payload"]))
            + seq_of([blob(h(t)) for t in f["tx_ids"]])
            + (u8(1) + doc_commit_certificate(cert) if cert is not None else u8(0))
            + u32(f["replica"]))


def doc_frame(kind: int, f: dict[str, Any]) -> bytes:
    return b"NTPB" + u8(1) + u8(kind) + doc_body(kind, f) + text(f["signature"])


def doc_requests_hash(tx_ids: list[str]) -> bytes:
    return hashlib.sha256(b"NTDC/pbft/requests/v1\x00"
                          + seq_of([blob(h(t)) for t in tx_ids])).digest()


def doc_signing_bytes(kind: int, f: dict[str, Any]) -> bytes:
    if kind == 2:
        return (tag(2) + u64(f["view"]) + u64(f["seq"]) + blob(h(f["digest"]))
                + blob(doc_requests_hash(f["tx_ids"])))
    return tag(kind) + doc_body(kind, f, strip_payloads=True)


def doc_commit_signing_bytes(view: int, height: int, digest: bytes, replica: int) -> bytes:
    return tag(4) + u64(view) + u64(height) + blob(digest) + u32(replica)


def doc_checkpoint_signing_bytes(seq: int, digest: bytes, replica: int) -> bytes:
    return tag(5) + u64(seq) + blob(digest) + u32(replica)


def b64u_decode(value: str) -> bytes:
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != value:
        raise ValueError("not canonical unpadded base64url")
    return raw


def doc_verify(public_key: str, signature: str, message: bytes) -> bool:
    """§3: "ed25519:<base64url>" on both sides, a 64-byte signature valid over the bytes."""
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


def doc_quorum(n: int) -> int:
    f = (n - 1) // 3
    return (n + f) // 2 + 1


def doc_endorsers_ok(items: list[dict[str, Any]], n: int) -> bool:
    replicas = [e["replica"] for e in items]
    return (len(items) >= doc_quorum(n) and len(set(replicas)) == len(replicas)
            and all(0 <= r < n for r in replicas))


def doc_verify_commit_certificate(cert: dict[str, Any], node_keys: list[str]) -> bool:
    """§14 "Verifying a commit certificate"."""
    n = len(node_keys)
    digest = h(cert["digest"])
    if n < 4 or cert["height"] < 1 or not digest or not doc_endorsers_ok(cert["commits"], n):
        return False
    return all(doc_verify(node_keys[e["replica"]], e["signature"], doc_commit_signing_bytes(
        cert["view"], cert["height"], digest, e["replica"])) for e in cert["commits"])


def doc_verify_checkpoint_proof(proof: dict[str, Any], node_keys: list[str],
                                interval: int | None) -> bool:
    """§14 "Verifying a checkpoint proof" (``interval`` None: an auditor that does not know K)."""
    n = len(node_keys)
    digest = h(proof["state_digest"])
    if proof["seq"] == 0:
        return not digest and not proof["endorsements"]
    if interval is not None and proof["seq"] % interval != 0:
        return False
    if not digest or not doc_endorsers_ok(proof["endorsements"], n):
        return False
    return all(doc_verify(node_keys[e["replica"]], e["signature"], doc_checkpoint_signing_bytes(
        proof["seq"], digest, e["replica"])) for e in proof["endorsements"])


def doc_parse_endorsed(data: bytes, int_fields: tuple[str, ...]) -> dict[str, Any]:
    """Parse a commit-cert or checkpoint-proof: u64 fields | digest blob | list(u32 | text)."""
    out: dict[str, Any] = {}
    pos = 0

    def take(size: int) -> bytes:
        nonlocal pos
        chunk = data[pos:pos + size]
        assert len(chunk) == size, "truncated"
        pos += size
        return chunk

    for name in int_fields:
        out[name] = struct.unpack(">Q", take(8))[0]
    (length,) = struct.unpack(">I", take(4))
    out["digest"] = take(length).hex()
    (count,) = struct.unpack(">I", take(4))
    items = []
    for _ in range(count):
        (replica,) = struct.unpack(">I", take(4))
        (size,) = struct.unpack(">I", take(4))
        items.append({"replica": replica, "signature": take(size).decode("ascii")})
    out["endorsements"] = items
    assert pos == len(data), "trailing bytes"
    return out


# --- files are current ------------------------------------------------------------------------

def test_vector_files_are_what_the_generator_writes() -> None:
    """Run ``python -m nodes.tools.vectors`` after a deliberate change to the protocol."""
    documents = generator.build_consensus_and_finality()
    for name in FILES:
        text_now = (generator.VECTORS_DIR / name).read_text(encoding="utf-8")
        assert text_now == generator.render(documents[name]), name


def test_validator_keys_come_from_their_seeds() -> None:
    for v in load("consensus_messages.json")["validators"]:
        public = Ed25519PrivateKey.from_private_bytes(h(v["seed_hex"])).public_key()
        raw = public.public_bytes_raw()
        assert raw.hex() == v["public_key_hex"]
        assert v["node_key"] == "ed25519:" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- messages ---------------------------------------------------------------------------------

def message_vectors() -> list[dict[str, Any]]:
    return list(load("consensus_messages.json")["messages"])


def test_every_message_kind_has_a_vector() -> None:
    assert {m["kind"] for m in message_vectors()} == set(KIND_TAGS)


@pytest.mark.parametrize("vector", message_vectors(), ids=lambda v: v["name"])
def test_message_vector_with_the_project_code(vector: dict[str, Any]) -> None:
    frame = h(vector["frame_hex"])
    msg = decode_message(frame)
    assert int(msg.KIND) == vector["kind"]
    assert encode_message(msg) == frame
    assert signing_bytes(msg) == h(vector["signing_bytes_hex"])
    assert msg.signature == vector["signature"]
    assert project_verifier().verify(vector["author"], msg.signature, signing_bytes(msg))
    if isinstance(msg, PrePrepare):
        assert requests_hash(msg.tx_ids) == h(vector["requests_hash_hex"])


@pytest.mark.parametrize("vector", message_vectors(), ids=lambda v: v["name"])
def test_message_vector_from_the_document(vector: dict[str, Any]) -> None:
    kind, fields = vector["kind"], vector["fields"]
    assert doc_frame(kind, fields) == h(vector["frame_hex"])
    message = doc_signing_bytes(kind, fields)
    assert message == h(vector["signing_bytes_hex"])
    author = next(v for v in load("consensus_messages.json")["validators"]
                  if v["index"] == vector["author"])
    # Ed25519 is deterministic: the signature is recomputed from the author's seed.
    raw = Ed25519PrivateKey.from_private_bytes(h(author["seed_hex"])).sign(message)
    assert vector["signature"] == "ed25519:" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert doc_verify(author["node_key"], vector["signature"], message)
    if kind == 2:
        assert doc_requests_hash(fields["tx_ids"]).hex() == vector["requests_hash_hex"]


def test_a_tampered_frame_no_longer_verifies() -> None:
    vector = next(m for m in message_vectors() if m["kind"] == 4)
    fields = {**vector["fields"], "view": vector["fields"]["view"] + 1}
    author = load("consensus_messages.json")["validators"][vector["author"]]
    assert not doc_verify(author["node_key"], vector["signature"], doc_signing_bytes(4, fields))


def test_new_view_signing_bytes_leave_out_the_payloads() -> None:
    vector = next(m for m in message_vectors() if m["kind"] == 7)
    msg = decode_message(h(vector["frame_hex"]))
    assert isinstance(msg, NewView) and msg.pre_prepares[0].payload
    signed_part = h(vector["signing_bytes_hex"])
    assert msg.pre_prepares[0].payload not in signed_part
    assert len(signed_part) < len(h(vector["frame_hex"]))


def test_view_change_and_new_view_vectors_are_valid_protocol_messages() -> None:
    data = load("consensus_messages.json")
    config = PbftConfig(**data["pbft_config"])
    verifier = project_verifier()
    by_kind = {m["kind"]: decode_message(h(m["frame_hex"])) for m in data["messages"]}
    vc, nv = by_kind[6], by_kind[7]
    assert isinstance(vc, ViewChange) and isinstance(nv, NewView)
    assert is_valid_view_change(vc, verifier, config)
    plan = validate_new_view(nv, verifier, config, {})
    assert plan is not None
    pp = by_kind[2]
    assert isinstance(pp, PrePrepare)
    # The new view re-proposes the block prepared in view 0, above the stable checkpoint.
    assert plan.checkpoint == vc.checkpoint and plan.entries == ((pp.seq, pp.digest),)
    status = by_kind[8]
    assert isinstance(status, Status)
    assert verify_checkpoint_proof(status.checkpoint, verifier, config.quorums,
                                   config.checkpoint_interval)
    block = next(decode_message(h(m["frame_hex"])) for m in data["messages"]
                 if m["kind"] == 10 and m["fields"]["certificate"] is not None)
    assert isinstance(block, BlockReply) and block.certificate is not None
    assert verify_certificate(block.certificate, verifier, config.n)


# --- quorums ----------------------------------------------------------------------------------

def test_quorum_table() -> None:
    for row in load("consensus_certificates.json")["quorums"]:
        q = Quorums(row["n"])
        assert (q.f, q.quorum, q.prepares_needed, q.weak) == (
            row["f"], row["quorum"], row["prepares_needed"], row["weak"])
        assert doc_quorum(row["n"]) == row["quorum"]
        if row["n"] % 3 == 1:
            assert row["quorum"] == 2 * row["f"] + 1
        # Any two quorums share at least f + 1 replicas, so at least one honest one.
        assert 2 * row["quorum"] - row["n"] >= row["f"] + 1


# --- commit certificates ----------------------------------------------------------------------

def node_keys() -> list[str]:
    validators = sorted(load("consensus_certificates.json")["validators"],
                        key=lambda v: v["index"])
    return [v["node_key"] for v in validators]


def test_commit_certificate_vector() -> None:
    vector = load("consensus_certificates.json")["commit_certificate"]
    encoded = h(vector["encoded_hex"])
    cert = decode_commit_certificate(encoded)
    assert cert is not None and encode_certificate(cert) == encoded
    assert certificate_from_json(vector["json"]) == cert
    assert verify_certificate(cert, project_verifier(), len(node_keys()))
    # Independently: layout, signing bytes, signatures, quorum.
    parsed = doc_parse_endorsed(encoded, ("view", "height"))
    assert parsed == {"view": vector["view"], "height": vector["height"],
                      "digest": vector["digest_hex"],
                      "endorsements": vector["json"]["commits"]}
    assert vector["digest_hex"] == vector["header_hash_hex"]
    for e in vector["endorsements"]:
        message = doc_commit_signing_bytes(vector["view"], vector["height"],
                                           h(vector["digest_hex"]), e["replica"])
        assert message == h(e["signing_bytes_hex"])
        assert e["public_key"] == node_keys()[e["replica"]]
        assert doc_verify(e["public_key"], e["signature"], message)
    assert doc_verify_commit_certificate(vector["json"], node_keys())


def test_header_hash_of_the_certified_block() -> None:
    import rfc8785

    vector = load("consensus_certificates.json")["commit_certificate"]
    digest = hashlib.sha256(b"NTDC/block-header/v1\x00" + rfc8785.dumps(vector["header"]))
    assert digest.hexdigest() == vector["header_hash_hex"]


def test_valid_commit_certificate_variants() -> None:
    for case in load("consensus_certificates.json")["valid_commit_certificates"]:
        cert = certificate_from_json(case["certificate"])
        assert verify_certificate(cert, project_verifier(), len(node_keys())), case["why"]
        assert doc_verify_commit_certificate(case["certificate"], node_keys()), case["why"]


@pytest.mark.parametrize("case", load("consensus_certificates.json")["invalid_commit_certificates"],
                         ids=lambda c: c["why"])
def test_invalid_commit_certificates_are_refused(case: dict[str, Any]) -> None:
    cert = certificate_from_json(case["certificate"])
    assert not verify_certificate(cert, project_verifier(), len(node_keys()))
    assert not doc_verify_commit_certificate(case["certificate"], node_keys())
    # The binary form round-trips, so the refusal is about signatures and signers, not syntax.
    assert decode_commit_certificate(encode_certificate(cert)) == cert


# --- checkpoint proofs ------------------------------------------------------------------------

def test_checkpoint_proof_vector() -> None:
    data = load("consensus_certificates.json")
    vector = data["checkpoint_proof"]
    interval = data["pbft_config"]["checkpoint_interval"]
    encoded = h(vector["encoded_hex"])
    proof = decode_certificate_bytes(encoded)
    assert proof == decode_certificate(vector["json"])
    assert verify_checkpoint_proof(proof, project_verifier(), Quorums(len(node_keys())), interval)
    count = verify_checkpoint_certificate(proof, vector_genesis(), height=vector["seq"],
                                          state_root=h(vector["state_digest_hex"]))
    assert count == len(vector["endorsements"])
    parsed = doc_parse_endorsed(encoded, ("seq",))
    assert parsed == {"seq": vector["seq"], "digest": vector["state_digest_hex"],
                      "endorsements": vector["json"]["endorsements"]}
    for e in vector["endorsements"]:
        message = doc_checkpoint_signing_bytes(vector["seq"], h(vector["state_digest_hex"]),
                                               e["replica"])
        assert message == h(e["signing_bytes_hex"])
        assert doc_verify(e["public_key"], e["signature"], message)
    assert doc_verify_checkpoint_proof(vector["json"], node_keys(), interval)


def test_genesis_checkpoint() -> None:
    vector = load("consensus_certificates.json")["genesis_checkpoint"]
    proof = decode_certificate_bytes(h(vector["encoded_hex"]))
    assert proof == CheckpointProof(0, b"", ()) == decode_certificate(vector["json"])
    assert h(vector["encoded_hex"]) == u64(0) + blob(b"") + seq_of([])
    assert verify_checkpoint_proof(proof, project_verifier(), Quorums(4), 2)
    assert doc_verify_checkpoint_proof(vector["json"], node_keys(), 2)
    forged = {**vector["json"], "endorsements": [{"replica": 0, "signature": "ed25519:AA"}]}
    assert not doc_verify_checkpoint_proof(forged, node_keys(), 2)
    assert not verify_checkpoint_proof(
        CheckpointProof(0, b"", (Endorsement(0, "ed25519:AA"),)), project_verifier(),
        Quorums(4), 2)


@pytest.mark.parametrize("case", load("consensus_certificates.json")["invalid_checkpoint_proofs"],
                         ids=lambda c: c["why"])
def test_invalid_checkpoint_proofs_are_refused(case: dict[str, Any]) -> None:
    interval = load("consensus_certificates.json")["pbft_config"]["checkpoint_interval"]
    proof = decode_certificate(case["checkpoint"])
    assert not verify_checkpoint_proof(proof, project_verifier(), Quorums(4), interval)
    assert not doc_verify_checkpoint_proof(case["checkpoint"], node_keys(), interval)
    expected = load("consensus_certificates.json")["checkpoint_proof"]
    if case["needs_interval"]:
        # Validly signed at a height where the network takes no checkpoint: only K refuses it.
        assert doc_verify_checkpoint_proof(case["checkpoint"], node_keys(), None)
        return
    assert not doc_verify_checkpoint_proof(case["checkpoint"], node_keys(), None)
    # An auditor checking "the state root at height h" (ledger.por) refuses it too.
    with pytest.raises(CertificateError):
        verify_checkpoint_certificate(proof, vector_genesis(), height=expected["seq"],
                                      state_root=h(expected["state_digest_hex"]))
