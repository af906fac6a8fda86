"""ledger/crypto: tagged keys and signatures, account ids, HPKE sealing, secrecy of private keys."""

from __future__ import annotations

import hashlib

import bech32
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.crypto.keys import (
    Algorithm,
    KeyError_,
    PrivateKey,
    PublicKey,
    compute_account_id,
    is_account_id,
)
from ledger.crypto.sealing import (
    SUITE_NAME,
    SealingError,
    SealingPrivateKey,
    SealingPublicKey,
    open_sealed,
    seal,
)
from ledger.encoding import b64u, unb64u

ED = PrivateKey.from_seed(bytes(range(32)))
ML = PrivateKey.from_seed(bytes(range(32, 64)), Algorithm.ML_DSA_65)
MESSAGE = b"NTDC/test/v1\x00hello"


def _tamper(signature: str) -> str:
    alg, _, data = signature.partition(":")
    raw = bytearray(unb64u(data))
    raw[len(raw) // 2] ^= 0x01
    return f"{alg}:{b64u(bytes(raw))}"


@pytest.mark.parametrize(("key", "pub_size", "sig_size"), [(ED, 32, 64), (ML, 1952, 3309)])
def test_sign_verify_and_reject(key: PrivateKey, pub_size: int, sig_size: int) -> None:
    public = key.public_key()
    signature = key.sign(MESSAGE)
    assert len(public.raw) == pub_size
    assert signature.startswith(f"{key.alg}:")
    assert len(unb64u(signature.partition(":")[2])) == sig_size
    assert public.verify(signature, MESSAGE)
    assert not public.verify(signature, MESSAGE + b"!")
    assert not public.verify(_tamper(signature), MESSAGE)
    other = PrivateKey.from_seed(b"\x07" * 32, key.alg)
    assert not other.public_key().verify(signature, MESSAGE)
    assert not public.verify(other.sign(MESSAGE), MESSAGE)


def test_signatures_of_one_algorithm_never_verify_under_another() -> None:
    ed_sig, ml_sig = ED.sign(MESSAGE), ML.sign(MESSAGE)
    assert not ED.public_key().verify(ml_sig, MESSAGE)
    assert not ML.public_key().verify(ed_sig, MESSAGE)
    # Same bytes, wrong tag.
    assert not ED.public_key().verify("ml-dsa-65:" + ed_sig.partition(":")[2], MESSAGE)


@pytest.mark.parametrize("bad", [
    "", "ed25519", "ed25519:", "rsa:AAAA", "ed25519:!!!!", "ED25519:" + "A" * 86,
    "ed25519:" + b64u(b"\x00" * 63),
])
def test_malformed_signatures_do_not_verify(bad: str) -> None:
    assert not ED.public_key().verify(bad, MESSAGE)


def test_ed25519_signatures_are_deterministic() -> None:
    assert ED.sign(MESSAGE) == ED.sign(MESSAGE)


def test_public_key_text_round_trip_and_sizes() -> None:
    for key in (ED, ML):
        public = key.public_key()
        text = str(public)
        assert text == f"{key.alg}:{b64u(public.raw)}"
        assert PublicKey.parse(text) == public


@pytest.mark.parametrize("bad", [
    "ed25519:" + b64u(b"\x01" * 31),                   # wrong length
    "ml-dsa-65:" + b64u(b"\x01" * 32),                 # an Ed25519-sized ML-DSA key
    "x448:" + b64u(b"\x01" * 32),                      # unsupported algorithm
    "ed25519" + b64u(b"\x01" * 32),                    # no tag
    "ed25519:" + b64u(b"\x01" * 32) + "=",             # padded
    "ed25519:" + b64u(b"\x01" * 32)[:-1] + "B",        # non-canonical trailing bits
    "ed25519:" + b64u(b"\x01" * 32).replace("A", "+"),  # standard, not url-safe, alphabet
])
def test_public_key_parse_rejects_malformed_text(bad: str) -> None:
    with pytest.raises(KeyError_):
        PublicKey.parse(bad)


def test_public_key_parse_rejects_non_strings_without_crashing() -> None:
    for bad in (None, 7, ["ed25519:AAAA"], {"k": 1}):
        with pytest.raises(KeyError_):
            PublicKey.parse(bad)  # type: ignore[arg-type]
    assert not is_account_id(["ntdc1"])  # type: ignore[arg-type]


def test_private_key_text_round_trip() -> None:
    for key in (ED, ML):
        assert PrivateKey.parse(key.export()) == key
        assert PrivateKey.parse(key.export()).public_key() == key.public_key()
    sealing = SealingPrivateKey.generate()
    assert SealingPrivateKey.parse(sealing.export()) == sealing
    assert SealingPublicKey.parse(str(sealing.public_key())) == sealing.public_key()


def test_private_keys_never_appear_in_repr_or_str() -> None:
    sealing = SealingPrivateKey.generate()
    for key, secrets in [
        (ED, [ED.export(), b64u(ED.raw), ED.raw.hex()]),
        (ML, [ML.export(), b64u(ML.raw), ML.raw.hex()]),
        (sealing, [sealing.export(), b64u(sealing.mlkem_seed), b64u(sealing.x25519),
                   sealing.x25519.hex()]),
    ]:
        for text in (repr(key), str(key), f"{key}", f"{key!r}", repr([key]), repr({"k": key})):
            assert "redacted" in text
            for secret in secrets:
                assert secret not in text
                assert secret[8:24] not in text


def test_key_seeds_must_be_32_bytes() -> None:
    with pytest.raises(KeyError_):
        PrivateKey.from_seed(b"\x00" * 31)


def test_account_id_derivation() -> None:
    """bech32('ntdc', SHA-256('NTDC/account/v1' 0x00 alg ':' raw)[:20]) with the reference
    BIP 173 implementation."""
    for key in (ED, ML):
        public = key.public_key()
        digest = hashlib.sha256(
            b"NTDC/account/v1\x00" + public.alg.value.encode() + b":" + public.raw
        ).digest()[:20]
        expected = bech32.bech32_encode("ntdc", bech32.convertbits(digest, 8, 5))
        account = compute_account_id(public)
        assert account == expected
        assert len(account) == 43 and account.startswith("ntdc1")
        assert is_account_id(account)
        assert is_account_id(account.upper())  # BIP 173 allows all upper case
    assert compute_account_id(ED.public_key()) != compute_account_id(ML.public_key())


def _reference_is_account_id(text: str) -> bool:
    """The check as the bech32 reference library makes it."""
    if len(text) > 90:
        return False
    hrp, data = bech32.bech32_decode(text)
    if hrp != "ntdc" or data is None:
        return False
    decoded = bech32.convertbits(data, 5, 8, False)
    return decoded is not None and len(decoded) == 20


@settings(deadline=None, max_examples=300)
@given(st.binary(min_size=32, max_size=32), st.integers(0, 60), st.sampled_from(
    ["", "q", "1", "A", "b", "o", "ntdc1", "\u00e9", " ", "qqqqqq"]),
    st.sampled_from(["same", "upper", "mixed", "truncate", "substitute", "insert"]))
def test_is_account_id_agrees_with_the_reference_library(
    raw: bytes, position: int, extra: str, mutation: str
) -> None:
    account = compute_account_id(PublicKey(Algorithm.ED25519, raw))
    digest = hashlib.sha256(b"NTDC/account/v1\x00ed25519:" + raw).digest()[:20]
    assert account == bech32.bech32_encode("ntdc", bech32.convertbits(digest, 8, 5))
    position %= len(account)
    text = {
        "same": account,
        "upper": account.upper(),
        "mixed": account[:position] + account[position:].upper(),
        "truncate": account[:position],
        "substitute": account[:position] + extra[:1] + account[position + 1:],
        "insert": account[:position] + extra + account[position:],
    }[mutation]
    assert is_account_id(text) == _reference_is_account_id(text)


def test_seal_and_open_for_each_recipient() -> None:
    regulator, bank = SealingPrivateKey.generate(), SealingPrivateKey.generate()
    record = seal(b'{"name":"Lin"}', {"regulator": regulator.public_key(),
                                      "bank:BANK-A": bank.public_key()}, "kyc-dossier")
    assert record["suite"] == SUITE_NAME and record["purpose"] == "kyc-dossier"
    assert list(record["recipients"]) == ["bank:BANK-A", "regulator"]  # type: ignore[call-overload]
    assert open_sealed(record, "regulator", regulator) == b'{"name":"Lin"}'
    assert open_sealed(record, "bank:BANK-A", bank) == b'{"name":"Lin"}'
    ciphertext = unb64u(record["recipients"]["regulator"])  # type: ignore[index]
    assert len(ciphertext) == 1120 + len(b'{"name":"Lin"}') + 16


def test_sealed_records_refuse_wrong_key_tampering_purpose_and_recipient() -> None:
    regulator, other = SealingPrivateKey.generate(), SealingPrivateKey.generate()
    record = seal(b"secret", {"regulator": regulator.public_key()}, "kyc-dossier")
    with pytest.raises(SealingError):
        open_sealed(record, "regulator", other)
    with pytest.raises(SealingError):
        open_sealed(record, "bank:BANK-A", regulator)
    with pytest.raises(SealingError):
        open_sealed({**record, "purpose": "travel-rule"}, "regulator", regulator)
    with pytest.raises(SealingError):
        open_sealed({**record, "suite": "something-else"}, "regulator", regulator)
    tampered = {**record, "recipients": {"regulator": _tamper("x:" + record["recipients"][
        "regulator"]).partition(":")[2]}}  # type: ignore[index]
    with pytest.raises(SealingError):
        open_sealed(tampered, "regulator", regulator)


def test_sealing_is_randomized() -> None:
    key = SealingPrivateKey.generate().public_key()
    assert seal(b"x", {"r": key}, "p") != seal(b"x", {"r": key}, "p")


@pytest.mark.parametrize("bad", ["", "mlkem768x25519:AAAA", "x25519:" + "A" * 43])
def test_sealing_key_parse_rejects_malformed_text(bad: str) -> None:
    with pytest.raises(SealingError):
        SealingPublicKey.parse(bad)
    with pytest.raises(SealingError):
        SealingPrivateKey.parse(bad)
