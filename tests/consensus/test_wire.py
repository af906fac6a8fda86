"""Wire format: every message round-trips, signed bytes are domain-separated and pinned, and
decoding hostile bytes raises DecodeError and nothing else."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consensus.codec import DecodeError
from consensus.messages import (
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
from consensus.wire import (
    MAX_FRAME_BYTES,
    commit_signing_bytes,
    decode_message,
    encode_message,
    requests_hash,
    signing_bytes,
)

D = hashlib.sha256(b"block").digest()
E = (Endorsement(0, "hmac:aa"), Endorsement(2, "ed25519:bb"))
PROOF = CheckpointProof(8, hashlib.sha256(b"state").digest(), E)
CERT = PreparedCertificate(3, 9, D, requests_hash((b"t1",)), "sig:pp", E)
PP = PrePrepare(3, 9, D, (b"t1", b"t2"), b"payload-bytes", "sig:p")
VC = ViewChange(4, PROOF, (CERT,), 1, "sig:vc")


def sample_messages() -> list[Message]:
    return [
        Forward(1, (ClientRequest(b"id1", b"tx1"), ClientRequest(b"id2", b"")), "s:f"),
        PP,
        Prepare(3, 9, D, 1, "s:prep"),
        Commit(3, 9, D, 2, "s:com"),
        Checkpoint(8, D, 3, "s:ck"),
        VC,
        NewView(4, (VC,), (PP,), "s:nv"),
        Status(4, True, 17, PROOF, 2, "s:st"),
        Fetch(5, 9, 1, "s:fe"),
        BlockReply(9, D, b"block", (b"t1",), CommitCertificate(3, 9, D, E), 0, "s:b"),
        BlockReply(10, D, b"block", (), None, 0, "s:b"),
    ]


@pytest.mark.parametrize("msg", sample_messages(), ids=lambda m: type(m).__name__)
def test_every_message_round_trips(msg: Message) -> None:
    frame = msg.encode()
    assert frame == encode_message(msg)
    assert frame.startswith(b"NTPB\x01")
    assert decode_message(frame) == msg


@pytest.mark.parametrize("msg", sample_messages(), ids=lambda m: type(m).__name__)
def test_every_prefix_and_extension_of_a_frame_is_rejected(msg: Message) -> None:
    frame = msg.encode()
    for cut in range(len(frame)):
        with pytest.raises(DecodeError):
            decode_message(frame[:cut])
    with pytest.raises(DecodeError, match="trailing"):
        decode_message(frame + b"\x00")


def test_signed_bytes_are_domain_separated_by_kind() -> None:
    prepare = Prepare(3, 9, D, 1)
    commit = Commit(3, 9, D, 1)
    assert signing_bytes(prepare).startswith(b"NTDC/pbft/prepare/v1\x00")
    assert signing_bytes(commit).startswith(b"NTDC/pbft/commit/v1\x00")
    assert signing_bytes(prepare)[21:] == signing_bytes(commit)[20:]
    assert signing_bytes(commit) == commit_signing_bytes(3, 9, D, 1)
    assert signing_bytes(dataclasses.replace(commit, signature="x")) == signing_bytes(commit)


def test_commit_signed_bytes_are_pinned() -> None:
    # Test vector for docs/protocol.md: COMMIT(view=1, seq=2, digest=0x11*32, replica=3).
    data = commit_signing_bytes(1, 2, b"\x11" * 32, 3)
    assert data.hex() == (
        b"NTDC/pbft/commit/v1\x00".hex()
        + "0000000000000001"
        + "0000000000000002"
        + "00000020"
        + "11" * 32
        + "00000003"
    )


def test_pre_prepare_signs_its_header_and_request_ids_but_not_the_payload() -> None:
    other_payload = dataclasses.replace(PP, payload=b"something else")
    assert signing_bytes(other_payload) == signing_bytes(PP)
    other_ids = dataclasses.replace(PP, tx_ids=(b"t1",))
    assert signing_bytes(other_ids) != signing_bytes(PP)
    other_digest = dataclasses.replace(PP, digest=b"\x01" * 32)
    assert signing_bytes(other_digest) != signing_bytes(PP)


def test_new_view_signature_survives_stripping_payloads() -> None:
    nv = NewView(4, (VC,), (PP,))
    stripped = dataclasses.replace(nv, pre_prepares=(dataclasses.replace(PP, payload=b""),))
    assert signing_bytes(stripped) == signing_bytes(nv)
    reordered = dataclasses.replace(nv, view=5)
    assert signing_bytes(reordered) != signing_bytes(nv)


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"NTPB",
        b"XXXX\x01\x03",
        b"NTPB\x02\x03",  # unknown version
        b"NTPB\x01\x63",  # unknown kind
        b"NTPB\x01\x00",  # kind zero
    ],
)
def test_bad_headers_are_rejected(frame: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_message(frame)


def test_oversized_fields_and_frames_are_rejected() -> None:
    good = Prepare(1, 1, D, 1, "sig").encode()
    huge_len = good[:22] + b"\xff\xff\xff\xff" + good[26:]  # digest length 4 GiB
    with pytest.raises(DecodeError):
        decode_message(huge_len)
    too_long_digest = Prepare(1, 1, b"\x01" * 65, 1, "sig").encode()
    with pytest.raises(DecodeError, match="length"):
        decode_message(too_long_digest)
    with pytest.raises(DecodeError, match="exceeds"):
        decode_message(b"NTPB\x01\x03" + bytes(MAX_FRAME_BYTES))
    many = Fetch(1, 2, 1, "s").encode()
    assert decode_message(many) == Fetch(1, 2, 1, "s")


def test_semantic_bounds_are_enforced_while_decoding() -> None:
    with pytest.raises(DecodeError, match="replica"):
        decode_message(Prepare(1, 1, D, 5000, "sig").encode())
    with pytest.raises(DecodeError, match="exceeds"):
        decode_message(Prepare(2**63, 1, D, 1, "sig").encode())
    with pytest.raises(DecodeError, match="ASCII"):
        decode_message(Prepare(1, 1, D, 1, "sig with space").encode())
    with pytest.raises(DecodeError):
        decode_message(Prepare(1, 1, b"", 1, "sig").encode())  # an empty digest
    nested_wrong = NewView(4, (VC,), (PP,)).encode().replace(b"NTPB\x01\x06", b"NTPB\x01\x03", 1)
    with pytest.raises(DecodeError):
        decode_message(nested_wrong)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_only_ever_raise_decode_error(data: bytes) -> None:
    for candidate in (data, b"NTPB\x01" + data, b"NTPB\x01\x07" + data):
        try:
            decode_message(candidate)
        except DecodeError:
            pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sample_messages()),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
)
def test_mutated_frames_decode_to_a_message_or_raise_decode_error(
    msg: Message, flips: list[tuple[int, int]]
) -> None:
    frame = bytearray(msg.encode())
    for position, value in flips:
        frame[position % len(frame)] = value
    try:
        decoded = decode_message(bytes(frame))
    except DecodeError:
        return
    assert decode_message(decoded.encode()) == decoded
