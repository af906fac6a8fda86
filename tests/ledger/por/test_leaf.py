"""ledger/por/leaf.py and ledger/por/records.py: the verifier's hashing is the ledger's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ledger.chain_state import compute_account_leaf
from ledger.por.leaf import MAX_BALANCE, LeafError, LeafPreimage
from ledger.por.records import compute_meta_root, compute_state_root_from_entries
from tests.ledger.por.support import make_por_chain


@pytest.fixture(scope="module")
def por():
    return make_por_chain(holders=3)


def test_leaf_preimage_hashes_exactly_like_the_ledger(por):
    for _, account in por.chain.state.accounts.items():
        changed = replace(account, pledged=7, held=3)
        for a in (account, changed):
            preimage = LeafPreimage.from_account(a)
            preimage.check()
            assert preimage.compute_hash() == compute_account_leaf(a)
            assert preimage.total == a.total


def test_leaf_check_refuses_what_no_account_can_have(por):
    _, account = next(por.chain.state.accounts.items())
    leaf = LeafPreimage.from_account(account)
    for bad, message in [
        (replace(leaf, available=-1), "available is negative"),
        (replace(leaf, held=MAX_BALANCE + 1), "held .* exceeds the bound"),
        (replace(leaf, available=MAX_BALANCE, pledged=1), "leaf total"),
        (replace(leaf, salt=b"\x00" * 31), "salt must be 32 bytes"),
        (replace(leaf, account=""), "account id"),
    ]:
        with pytest.raises(LeafError, match=message):
            bad.check()


def test_records_rebuild_the_state_root_and_the_meta_root(por):
    state = por.chain.state
    record = por.archive.get_record(state.height)
    assert compute_state_root_from_entries(record.tables) == state.compute_state_root()
    meta = record.get_table("meta")
    assert meta is not None
    assert compute_meta_root(record.meta, meta.size) == (meta.root, meta.total)
    assert record.get_meta_int("supply") == record.liabilities.total == state.supply
    assert record.get_meta_int("no-such-row") == 0
