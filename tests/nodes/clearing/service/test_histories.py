"""HS-ES histories: seeded paths are reproducible; the shipped WTI series can stand in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nodes.clearing.margin import MTX, TX, InvalidMarginInput
from nodes.clearing.service.histories import compute_seeded_histories, load_histories


def test_seeded_histories_are_reproducible() -> None:
    histories = compute_seeded_histories(1_252)
    assert histories == compute_seeded_histories(1_252)
    assert set(histories.by_underlying) == {"TAIEX", "BTC"}
    assert histories.by_underlying["TAIEX"][0] == Decimal(17_000)
    assert all(len(s) == 1_252 for s in histories.by_underlying.values())
    contracts = histories.get_contract_histories()
    assert contracts[TX.code] is contracts[MTX.code]  # one underlying, one path


def test_wti_history() -> None:
    histories = load_histories("wti", 1_252)
    assert histories.source == "wti" and "2019-01-03" in histories.description
    assert histories.get_contract_histories()[TX.code][-1] == Decimal("46.92")
    with pytest.raises(InvalidMarginInput):
        load_histories("wti", 5_000)
    with pytest.raises(InvalidMarginInput):
        load_histories("yahoo", 1_252)
