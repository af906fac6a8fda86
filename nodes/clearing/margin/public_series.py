"""Loaders for real public daily price series, read from local files only (no network).

- ``load_wti_daily_closes``: WTI crude at Cushing, 2011-2019, shipped in ``nodes/clearing/data``
  (U.S. EIA data, public domain; see that folder's README).
- ``load_arch_sp500_closes``: the S&P 500 index closes of January 1999 to December 2018 bundled
  in the ``arch`` package (``arch/data/sp500/sp500.csv.gz``, originally from Yahoo! Finance).
  It locates the file through the installed distribution's metadata and never imports ``arch``,
  so numpy and pandas are not needed at run time. Closes are rounded half-even to the index's
  published two decimals (the file carries binary-float noise such as 1228.099976).
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from importlib import metadata, resources
from pathlib import Path

from nodes.clearing.margin.arithmetic import MARGIN_CONTEXT
from nodes.clearing.margin.errors import PriceDataUnavailable

WTI_FILE = "wti_cushing_daily_2011_2019.csv"
ARCH_SP500_FILE = "arch/data/sp500/sp500.csv.gz"
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class DailyClose:
    """One business day's closing price."""

    day: date
    close: Decimal


def _parse_price(text: str, series: str, line: int) -> Decimal:
    try:
        with localcontext(MARGIN_CONTEXT):
            price = Decimal(text).quantize(_CENT, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        raise PriceDataUnavailable(
            series, f"line {line}: {text!r} is not a price", "reinstall the data file"
        ) from None
    if price <= 0:
        raise PriceDataUnavailable(
            series, f"line {line}: non-positive price {text}", "reinstall the data file"
        )
    return price


def load_wti_daily_closes() -> list[DailyClose]:
    """WTI Cushing spot closes in US$ per barrel, oldest first, from the shipped CSV."""
    source = resources.files("nodes.clearing").joinpath("data").joinpath(WTI_FILE)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise PriceDataUnavailable(
            "WTI", f"cannot read {WTI_FILE}: {exc}", "restore nodes/clearing/data from git"
        ) from None
    rows = list(csv.DictReader(io.StringIO(text)))
    return [
        DailyClose(date.fromisoformat(row["date"]), _parse_price(row["usd_per_barrel"], "WTI", n))
        for n, row in enumerate(rows, start=2)
    ]


def _us_date(text: str) -> date:
    month, day, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def load_arch_sp500_closes() -> list[DailyClose]:
    """S&P 500 index closes, oldest first, from the installed ``arch`` package's data file."""
    remedy = "install the pinned arch package (pip install arch==8.0.0)"
    try:
        located = metadata.distribution("arch").locate_file(ARCH_SP500_FILE)
        raw = Path(str(located)).read_bytes()
    except (metadata.PackageNotFoundError, OSError) as exc:
        raise PriceDataUnavailable(
            "S&P 500 (arch)", f"cannot read {ARCH_SP500_FILE}: {exc}", remedy
        ) from None
    reader = csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8")))
    return [
        DailyClose(_us_date(row["Date"]), _parse_price(row["Close"], "S&P 500 (arch)", n))
        for n, row in enumerate(reader, start=2)
    ]
