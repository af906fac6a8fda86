"""ledger/por/documents.py: the JSON documents' shape, built and parsed."""

from __future__ import annotations

import copy

import pytest

from ledger.por.documents import (
    BUNDLE_TYPE,
    CHECKPOINT_TYPE,
    INCLUSION_TYPE,
    DocumentError,
    parse_checkpoint_document,
    parse_inclusion_document,
    unwrap_document,
)
from tests.ledger.por.support import make_por_chain


@pytest.fixture(scope="module")
def bundle():
    por = make_por_chain(holders=2)
    return por.bundle(por.holders[0])


def test_a_bundle_holds_both_documents_and_they_parse_back(bundle):
    assert bundle["type"] == BUNDLE_TYPE
    checkpoint = unwrap_document(bundle, "checkpoint")
    inclusion = unwrap_document(bundle, "inclusion")
    assert (checkpoint["type"], inclusion["type"]) == (CHECKPOINT_TYPE, INCLUSION_TYPE)
    parsed = parse_checkpoint_document(checkpoint)
    assert parsed.record.height == checkpoint["height"] == inclusion["height"]
    assert parsed.attestation == checkpoint["attestation"]
    proof = parse_inclusion_document(inclusion)
    assert proof.liabilities == parsed.record.liabilities
    assert all(isinstance(step["sum"], str) for step in inclusion["path"])
    assert isinstance(inclusion["leaf"]["available"], str)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.update(type="ntdc-other"), "expected a ntdc-por-checkpoint document"),
    (lambda d: d.update(v=2), "unsupported"),
    (lambda d: d.update(height=-1), "height must be a non-negative integer"),
    (lambda d: d.update(extra=1), "unexpected \\['extra'\\]"),
    (lambda d: d["meta"][0].update(value=True), "integer or a string"),
    (lambda d: d["tables"][0].update(root="xyz"), "64 lowercase hex"),
    (lambda d: d["certificate"].pop("endorsements"), "certificate"),
    (lambda d: d.update(attestation=[1]), "envelope or null"),
])
def test_malformed_checkpoints_are_named(bundle, edit, message):
    document = copy.deepcopy(bundle["checkpoint"])
    edit(document)
    with pytest.raises(DocumentError, match=message):
        parse_checkpoint_document(document)


def test_a_bundle_is_not_mistaken_for_a_part(bundle):
    with pytest.raises(DocumentError, match="got a bundle"):
        parse_inclusion_document(bundle)
    with pytest.raises(DocumentError, match="no inclusion document"):
        unwrap_document({"type": BUNDLE_TYPE}, "inclusion")
