"""Checkpoint certificates: the PBFT stable-checkpoint proof, checked with messages that say why.

A certificate is ``consensus.messages.CheckpointProof``: (seq = height, state_digest = state
root, endorsements = [(replica index, signature)]). Replica i signs
``consensus.wire.checkpoint_signing_bytes(seq, state_digest, i)``:

    "NTDC/pbft/checkpoint/v1" 0x00 || u64be(seq) || u32be(32) || state_root[32] || u32be(i)

with the node key genesis lists for validator i. A certificate holds when it has at least
``Quorums(n).quorum`` (2f + 1 for n = 3f + 1) endorsements, every one from a distinct genesis
validator and every signature valid. A single bad endorsement rejects the whole certificate: a
real one never contains one, so it can only be tampering.

JSON form: {"seq": int, "state_digest": hex, "endorsements": [{"replica": int, "signature": str}]}
"""

from __future__ import annotations

from typing import Any

from consensus.codec import DecodeError, Reader
from consensus.messages import CheckpointProof, Endorsement
from consensus.quorums import Quorums
from consensus.wire import checkpoint_signing_bytes, read_checkpoint_proof
from ledger.crypto.keys import KeyError_, PrivateKey, PublicKey
from ledger.genesis import Genesis


class CertificateError(ValueError):
    """A checkpoint certificate that does not prove its checkpoint; the message says why."""


def encode_certificate(proof: CheckpointProof) -> dict[str, Any]:
    """JSON form of a checkpoint proof."""
    return {
        "seq": proof.seq,
        "state_digest": proof.state_digest.hex(),
        "endorsements": [{"replica": e.replica, "signature": e.signature}
                         for e in proof.endorsements],
    }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def decode_certificate(data: Any) -> CheckpointProof:
    """Parse the JSON form; raises CertificateError on anything malformed."""
    if not isinstance(data, dict) or set(data) != {"seq", "state_digest", "endorsements"}:
        raise CertificateError("certificate must have exactly seq, state_digest, endorsements")
    if not _is_int(data["seq"]):
        raise CertificateError("certificate seq must be a non-negative integer")
    try:
        digest = bytes.fromhex(data["state_digest"])
    except (TypeError, ValueError):
        raise CertificateError("certificate state_digest must be hex") from None
    items = data["endorsements"]
    if not isinstance(items, list) or len(items) > 1024:
        raise CertificateError("certificate endorsements must be a list")
    endorsements = []
    for item in items:
        if (not isinstance(item, dict) or set(item) != {"replica", "signature"}
                or not _is_int(item["replica"]) or not isinstance(item["signature"], str)):
            raise CertificateError("each endorsement is {replica: int, signature: str}")
        endorsements.append(Endorsement(item["replica"], item["signature"]))
    return CheckpointProof(data["seq"], digest, tuple(endorsements))


def decode_certificate_bytes(data: bytes) -> CheckpointProof:
    """Parse the consensus binary form (``consensus.wire.write_checkpoint_proof``)."""
    reader = Reader(data)
    try:
        proof = read_checkpoint_proof(reader)
        reader.done()
    except DecodeError as exc:
        raise CertificateError(f"malformed checkpoint proof: {exc}") from None
    return proof


def sign_checkpoint(key: PrivateKey, height: int, state_root: bytes, replica: int) -> Endorsement:
    """Validator ``replica``'s endorsement of the state root at ``height`` (tools and tests)."""
    return Endorsement(replica, key.sign(checkpoint_signing_bytes(height, state_root, replica)))


def compute_quorum(genesis: Genesis) -> int:
    """Endorsements a certificate needs (2f + 1 when n = 3f + 1)."""
    return Quorums(genesis.n).quorum


def verify_checkpoint_certificate(
    proof: CheckpointProof, genesis: Genesis, *, height: int, state_root: bytes
) -> int:
    """Check ``proof`` certifies ``state_root`` at ``height``; returns its endorsement count."""
    if proof.seq != height:
        raise CertificateError(f"certificate is for height {proof.seq}, not {height}")
    if proof.state_digest != state_root:
        raise CertificateError(
            f"certificate signs state root {proof.state_digest.hex()}, not {state_root.hex()}"
        )
    validators = {v.index: v for v in genesis.validators}
    quorums = Quorums(len(validators))
    seen: set[int] = set()
    for endorsement in proof.endorsements:
        validator = validators.get(endorsement.replica)
        # Only genesis validators may sign a checkpoint.
        if validator is None:
            raise CertificateError(
                f"endorsement by replica {endorsement.replica}, which is not a validator "
                f"(genesis has validators {sorted(validators)})"
            )
        if endorsement.replica in seen:
            raise CertificateError(f"validator {endorsement.replica} endorses twice")
        seen.add(endorsement.replica)
        try:
            key = PublicKey.parse(validator.node_key)
        except KeyError_ as exc:
            raise CertificateError(f"genesis node key of validator {validator.index}: {exc}") \
                from None
        message = checkpoint_signing_bytes(proof.seq, proof.state_digest, endorsement.replica)
        if not key.verify(endorsement.signature, message):
            raise CertificateError(
                f"signature of validator {validator.index} ({validator.bank_id}) does not verify"
            )
    if len(seen) < quorums.quorum:
        raise CertificateError(
            f"{len(seen)} valid validator signature(s); a checkpoint needs {quorums.quorum} "
            f"of the {quorums.n} validators (2f+1 for n=3f+1; here f={quorums.f})"
        )
    return len(seen)
