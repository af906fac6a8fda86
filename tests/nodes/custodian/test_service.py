"""nodes/custodian/service.py: the custodian signs from its own books, and the chain agrees."""

from __future__ import annotations

import pytest

from ledger.crypto.keys import PrivateKey
from ledger.invariants import check_invariants
from ledger.rules.reserves import compute_reserves
from nodes.custodian.service import Custodian, CustodianBooks, CustodianError
from tests.support.chain import Chain


@pytest.fixture
def chain() -> Chain:
    return Chain.create(seed=5)


@pytest.fixture
def custodian(chain: Chain) -> Custodian:
    return Custodian.from_genesis(chain.genesis, chain.keys.roles["custodian"])


def mint(chain: Chain, custodian: Custodian, holder, amount: int):
    receipt = custodian.sign_deposit_receipt(holder.bank, amount, chain.time_ms)
    return chain.work.banks[holder.bank].sign("mint", {"to": holder.account, "receipt": receipt})


def test_receipts_payouts_and_attestations_keep_chain_and_books_in_step(chain, custodian):
    work = chain.work
    alice, reg = work.new_holder("BANK-A")
    assert chain.one(reg).applied
    assert chain.one(mint(chain, custodian, alice, 50_000)).applied
    assert chain.one(mint(chain, custodian, alice, 20_000)).applied
    assert custodian.books.balance == 70_000 == compute_reserves(chain.state)
    assert chain.one(custodian.attest(chain.time_ms)).applied
    assert chain.state.get_meta_int("attested_reserves") == 70_000
    redemption = chain.one(work.redeem(alice, 15_000))
    assert chain.one(custodian.confirm_payout(redemption.tx_id, 15_000, chain.time_ms)).applied
    assert custodian.books.balance == 55_000 == compute_reserves(chain.state)
    assert chain.one(custodian.attest(chain.time_ms)).applied
    assert chain.state.get_meta_int("attested_through_seq") == custodian.books.seq == 3
    assert compute_reserves(chain.state) == 55_000
    assert check_invariants(chain.state) == []


def test_a_payout_is_made_once_and_re_signed_with_its_number(custodian):
    with pytest.raises(CustodianError, match="exceeds the reserve balance 0"):
        custodian.confirm_payout("ab" * 32, 1, 1)
    custodian.sign_deposit_receipt("BANK-A", 1_000, 1)
    with pytest.raises(CustodianError, match="exceeds the reserve balance"):
        custodian.confirm_payout("ab" * 32, 5_000, 2)
    once = custodian.confirm_payout("ab" * 32, 400, 2)
    again = custodian.confirm_payout("ab" * 32, 400, 3)
    assert once["body"]["custodian_seq"] == again["body"]["custodian_seq"] == 2
    assert again["nonce"] == once["nonce"] + 1
    assert custodian.books.balance == 600
    with pytest.raises(CustodianError, match="was paid 400"):
        custodian.confirm_payout("ab" * 32, 401, 4)


def test_books_survive_a_restart_and_only_the_genesis_key_may_serve(chain, custodian):
    custodian.sign_deposit_receipt("BANK-A", 1_000, 1)
    custodian.confirm_payout("cd" * 32, 250, 2)
    custodian.attest(5)
    restored = CustodianBooks.from_json(custodian.books.to_json())
    assert restored == custodian.books
    with pytest.raises(CustodianError, match="not the custodian key"):
        Custodian.from_genesis(chain.genesis, PrivateKey.from_seed(b"\x03" * 32))
    with pytest.raises(CustodianError, match="between 1 and"):
        custodian.sign_deposit_receipt("BANK-A", 0, 1)


def test_attestation_time_never_goes_back(custodian):
    late = custodian.attest(2_000)
    early = custodian.attest(1_000)
    assert late["body"]["as_of_ms"] == early["body"]["as_of_ms"] == 2_000
