"""Real public daily series: loading them offline and running HS-ES over 1,250+ days of them."""

from datetime import date
from decimal import Decimal
from importlib import metadata

import pytest

from nodes.clearing.margin import (
    ContractCode,
    PriceDataUnavailable,
    compute_hs_es_requirement,
    load_arch_sp500_closes,
    load_wti_daily_closes,
)

from .reference_es import reference_requirement


def test_wti_series_loads_from_the_shipped_file() -> None:
    closes = load_wti_daily_closes()
    assert len(closes) == 2_013
    assert (closes[0].day, closes[0].close) == (date(2011, 1, 3), Decimal("91.59"))
    assert (closes[-1].day, closes[-1].close) == (date(2019, 1, 3), Decimal("46.92"))
    by_day = {c.day: c.close for c in closes}
    assert by_day[date(2016, 2, 11)] == Decimal("26.19")  # the low of the 2014-16 oil crash
    assert all(a.day < b.day for a, b in zip(closes, closes[1:], strict=False))


def test_hs_es_on_real_wti_history_matches_the_reference() -> None:
    closes = load_wti_daily_closes()
    # The 1,252 business days ending 2016-02-11: the whole collapse from US$107 to US$26.
    end = next(i for i, c in enumerate(closes) if c.day == date(2016, 2, 11)) + 1
    window = [c.close for c in closes[end - 1_252 : end]]
    assert len(window) == 1_252
    code = ContractCode("CL")
    # A 1,000-barrel contract: US$1 a barrel moves it by 100,000 minor units.
    args = ({code: window}, {code: window[-1]}, {code: 100_000})
    for position in (1, -1):
        got = compute_hs_es_requirement({code: position}, *args)
        assert got == reference_requirement({code: position}, *args)
    long_es = compute_hs_es_requirement({code: 1}, *args)
    # 2-day 99% ES of crude oil in a crash: between 5% and 20% of the US$26,190 notional.
    assert 26_190 * 100 * 5 // 100 < long_es < 26_190 * 100 * 20 // 100


def _arch_installed() -> bool:
    try:
        metadata.distribution("arch")
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _arch_installed(), reason="arch==8.0.0 (S&P 500 data) not installed")
def test_hs_es_on_the_sp500_bundled_in_arch() -> None:
    closes = load_arch_sp500_closes()
    assert len(closes) == 5_031
    by_day = {c.day: c.close for c in closes}
    assert by_day[date(2008, 10, 15)] == Decimal("907.84")
    assert (closes[-1].day, closes[-1].close) == (date(2018, 12, 31), Decimal("2506.85"))
    code = ContractCode("SPX")
    # Priced like TX: NT$200 (20,000 minor units) per index point.
    for last_day in (date(2008, 12, 31), date(2018, 12, 31)):
        end = next(i for i, c in enumerate(closes) if c.day == last_day) + 1
        window = [c.close for c in closes[end - 1_300 : end]]
        args = ({code: window}, {code: window[-1]}, {code: 20_000})
        for position in (2, -1):
            got = compute_hs_es_requirement({code: position}, *args)
            assert got == reference_requirement({code: position}, *args)
        notional = window[-1] * 20_000
        long_es = compute_hs_es_requirement({code: 1}, *args)
        assert notional * 3 / 100 < long_es < notional * 15 / 100


def test_missing_arch_is_reported_with_the_remedy(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", not_installed)
    with pytest.raises(PriceDataUnavailable, match=r"pip install arch==8\.0\.0"):
        load_arch_sp500_closes()
