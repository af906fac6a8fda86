"""The ledger as PBFT's application: speculative blocks, the committed digest, rejection."""

import pytest

from consensus.app import BlockRejected
from ledger.genesis import create_genesis_state
from ledger.tx.envelope import encode_transaction
from nodes.storage.repository import Repository
from nodes.validator.ledger_app import LedgerApp
from nodes.validator.verify_cache import VerifyCache
from tests.support.chain import Chain


@pytest.fixture
def app(tmp_path):
    chain = Chain.create(seed=4)
    store = Repository.open(f"sqlite:///{tmp_path / 'node.db'}")
    state = store.open_state(chain.genesis)
    yield LedgerApp(chain.genesis, state, store, 0, VerifyCache()), chain
    store.close()


def test_state_digest_stays_committed_while_a_block_is_speculative(app):
    ledger_app, chain = app
    genesis_root = create_genesis_state(chain.genesis).compute_state_root()
    assert ledger_app.state_digest() == genesis_root
    _, register = chain.work.new_holder("BANK-A")
    proposal = ledger_app.make_block(1, chain.genesis.genesis_time_ms + 1000,
                                     [encode_transaction(register)])
    assert proposal is not None
    # The core may ask for the committed digest at any time (e.g. a checkpoint turning stable).
    assert ledger_app.state_digest() == genesis_root
    assert ledger_app.committed_height() == 0
    ledger_app.discard_speculative()
    assert ledger_app.state.compute_state_root() == genesis_root


def test_a_block_that_does_not_extend_the_tip_is_refused(app):
    ledger_app, chain = app
    _, register = chain.work.new_holder("BANK-A")
    other = LedgerApp(chain.genesis, create_genesis_state(chain.genesis), None, 1,
                      VerifyCache())
    proposal = other.make_block(1, chain.genesis.genesis_time_ms + 1000,
                                [encode_transaction(register)])
    assert ledger_app.check_block(1, proposal.payload, proposal.digest and 10**15) \
        == proposal.digest
    ledger_app.discard_speculative()
    assert ledger_app.check_block(2, proposal.payload, 10**15) is None  # wrong height
    tampered = proposal.payload.replace(b'"height":1', b'"height":2')
    with pytest.raises(BlockRejected):
        ledger_app.commit_block(1, tampered, None)


def test_committing_a_block_forgets_its_transactions_in_the_cache(app):
    """The decode/verify cache holds what is pending, not the chain's history."""
    ledger_app, chain = app
    cache = ledger_app.cache
    raws = [encode_transaction(chain.work.new_holder("BANK-A")[1]) for _ in range(3)]
    pending = encode_transaction(chain.work.new_holder("BANK-A")[1])
    for raw in [*raws, pending]:
        assert cache.verify(cache.decode(raw))
    assert len(cache) == 4
    proposal = ledger_app.make_block(1, chain.genesis.genesis_time_ms + 1000, raws)
    assert proposal is not None and cache.verified == 4  # execution reused the admissions
    ledger_app.commit_block(1, proposal.payload, None)
    assert len(cache) == 1  # only the transaction still pending
    # A forgotten transaction is verified again if it ever comes back (never trusted blindly).
    assert cache.verify(cache.decode(raws[0])) and cache.verified == 5
