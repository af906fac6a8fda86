"""Valuation maths and reads (ledger/collateral/valuation.py)."""

import random

from ledger.collateral.valuation import (
    DEFAULT_HAIRCUT_SOURCE,
    compute_haircut_value,
    compute_liquidation_amount,
    compute_required_pledge,
    get_ccp_account_id,
    get_haircut,
)
from ledger.crypto.keys import compute_account_id
from nodes.clearing.margin.haircut import compute_haircut_value as clearing_haircut_value
from tests.support.chain import Chain


def test_value_rounds_down_in_the_ccps_favour():
    assert compute_haircut_value(100_000, 200) == 98_000
    assert compute_haircut_value(100_001, 200) == 98_000  # 98_000.98
    assert compute_haircut_value(49, 200) == 48  # 48.02
    assert compute_haircut_value(1, 200) == 0
    assert compute_haircut_value(0, 200) == 0
    assert compute_haircut_value(12_345, 0) == 12_345
    assert compute_haircut_value(10**15, 9_999) == 10**11


def test_value_matches_the_clearing_house_formula():
    rng = random.Random(5)
    for _ in range(2_000):
        pledged, bps = rng.randrange(0, 10**15), rng.randrange(0, 10_000)
        assert compute_haircut_value(pledged, bps) == clearing_haircut_value(pledged, bps)


def test_required_pledge_is_the_smallest_that_covers():
    rng = random.Random(6)
    for _ in range(2_000):
        requirement, bps = rng.randrange(1, 10**14), rng.randrange(0, 10_000)
        needed = compute_required_pledge(requirement, bps)
        assert compute_haircut_value(needed, bps) >= requirement
        assert compute_haircut_value(needed - 1, bps) < requirement
    assert compute_required_pledge(0, 200) == 0
    assert compute_required_pledge(200_000, 200) == 204_082


def test_liquidation_amount_is_shortfall_or_all_collateral():
    assert compute_liquidation_amount(100_000, 22_000) == 22_000
    assert compute_liquidation_amount(10_000, 40_200) == 10_000
    assert compute_liquidation_amount(10_000, 0) == 0


def test_default_haircut_and_ccp_account_come_from_genesis():
    chain = Chain.create(seed=3)
    haircut = get_haircut(chain.state)
    assert (haircut.bps, haircut.source, haircut.time_ms) == (200, DEFAULT_HAIRCUT_SOURCE, 0)
    assert get_haircut(Chain.create(seed=3, collateral_default_haircut_bps=350).state).bps == 350
    ccp_key = chain.keys.roles["ccp"].public_key()
    assert get_ccp_account_id(chain.state) == compute_account_id(ccp_key)
