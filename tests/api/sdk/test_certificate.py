"""Stored certificate bytes round-trip; garbage is refused, not crashed on."""

from __future__ import annotations

import pytest

from api.sdk.certificate import (
    CertificateFormatError,
    certificate_from_json,
    certificate_to_json,
    decode_stored_certificate,
    encode_stored_certificate,
    is_certificate_valid,
)
from nodes.devnet import make_devnet
from tests.api.node import make_certificate


def test_round_trip_and_validity() -> None:
    genesis, keys = make_devnet(b"\x01" * 32)
    cert = make_certificate(keys, 5, b"\xaa" * 32, view=2, signers=(1, 2, 3))
    assert decode_stored_certificate(encode_stored_certificate(cert)) == cert
    assert certificate_from_json(certificate_to_json(cert)) == cert
    assert is_certificate_valid(cert, genesis)
    assert decode_stored_certificate(b"") is None


@pytest.mark.parametrize("data", [b"\x00", b"\xff" * 40, b"garbage" * 3])
def test_garbage_bytes(data: bytes) -> None:
    with pytest.raises(CertificateFormatError):
        decode_stored_certificate(data)


@pytest.mark.parametrize("data", [{}, {"view": -1, "height": 1, "digest": "", "commits": []},
                                  {"view": 0, "height": 1, "digest": "zz", "commits": []}])
def test_garbage_json(data: dict[str, object]) -> None:
    with pytest.raises(CertificateFormatError):
        certificate_from_json(data)
