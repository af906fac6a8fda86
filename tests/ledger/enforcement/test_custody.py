"""The court-custody system account exists from genesis and is part of the liabilities."""

from __future__ import annotations

import hashlib

import bech32

from ledger.crypto.keys import PrivateKey, is_account_id
from ledger.enforcement.custody import COURT_CUSTODY_ACCOUNT, compute_system_account_id
from ledger.genesis import create_genesis_state
from ledger.types import AccountKind, AccountStatus
from tests.ledger.enforcement.helpers import apply_ok, assert_sound, expect_rejected, make_funded
from tests.support.chain import Chain


def test_court_custody_exists_at_genesis_with_a_documented_id():
    chain = Chain.create(seed=3)
    custody = chain.state.accounts[COURT_CUSTODY_ACCOUNT]
    assert chain.state.height == 0
    assert custody.kind is AccountKind.SYSTEM and custody.status is AccountStatus.ACTIVE
    assert custody.total == 0 and custody.home_bank == ""
    digest = hashlib.sha256(b"NTDC/system-account/v1\x00court-custody").digest()[:20]
    expected = bech32.bech32_encode("ntdc", bech32.convertbits(digest, 8, 5))
    assert COURT_CUSTODY_ACCOUNT == compute_system_account_id("court-custody") == expected
    assert is_account_id(COURT_CUSTODY_ACCOUNT)
    # Same id and same genesis state root on every node.
    other = create_genesis_state(chain.genesis)
    assert other.compute_state_root() == chain.state.compute_state_root()
    assert_sound(chain)


def test_custody_balance_is_in_the_liabilities_tree():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))
    apply_ok(chain, w.seize(f.alice, order_id="FSC-2"))
    state = chain.state
    index = state.accounts.index_of(COURT_CUSTODY_ACCOUNT)
    assert index == 0  # the first row of the accounts tree
    root, total = state.compute_liabilities()
    assert total == state.supply == 150_000
    proof = state.accounts.tree.proof(index)
    assert proof  # an inclusion proof exists like for any holder


def test_nobody_can_sign_for_court_custody():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.freeze(f.alice, order_id="FSC-1"))
    apply_ok(chain, w.seize(f.alice, order_id="FSC-2"))
    from api.sdk.builders import Signer

    thief = Signer(PrivateKey.from_seed(b"\x01" * 32), COURT_CUSTODY_ACCOUNT,
                   chain.genesis.chain_id)
    env = thief.sign("transfer", {"to": f.bob.account, "amount": "1"})
    expect_rejected(chain, env, "WRONG_SIGNER", rewind=False)
