"""``nodes.tools.amlgen``: the independent synthetic AML data generator (small sizes, fast)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from nodes.cli.main import cli
from nodes.tools.aml_replay import read_transfers
from nodes.tools.amlgen import PATTERNS, generate

ACCOUNTS = 1_500
DAYS = 45
TX_HEADER = ["tx_id", "timestamp", "sender", "receiver", "amount_ntd"]
ACC_HEADER = ["account", "is_laundering", "initial_balance_ntd", "pattern"]
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ACCOUNT = re.compile(r"^G\d{6}$")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("amlgen")
    return out, generate(out, seed=3, accounts=ACCOUNTS, days=DAYS)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=5, accounts=800, days=30)
    generate(tmp_path / "b", seed=5, accounts=800, days=30)
    generate(tmp_path / "c", seed=6, accounts=800, days=30)
    for name in ("transactions.csv", "accounts.csv", "README.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert ((tmp_path / "a" / "transactions.csv").read_bytes()
            != (tmp_path / "c" / "transactions.csv").read_bytes())


def test_transactions_format(data: tuple[Path, dict[str, int]]) -> None:
    out, counts = data
    header, rows = _rows(out / "transactions.csv")
    assert header == TX_HEADER
    assert len(rows) == counts["transfers"] > 0
    previous = ""
    for n, (tx_id, ts, sender, receiver, amount) in enumerate(rows, start=1):
        assert tx_id == str(n)
        assert TIMESTAMP.match(ts), ts
        assert ts >= previous  # same-width ISO strings sort as times
        previous = ts
        assert ACCOUNT.match(sender) and ACCOUNT.match(receiver)
        assert sender != receiver
        assert amount.isdigit() and int(amount) > 0
    assert rows[0][1] >= "2026-01-01T00:00:00Z"
    assert rows[-1][1] < "2026-02-15T00:00:00Z"  # 45 days


def test_accounts_cover_every_transfer_and_labels_are_consistent(
        data: tuple[Path, dict[str, int]]) -> None:
    out, counts = data
    header, rows = _rows(out / "accounts.csv")
    assert header == ACC_HEADER
    assert len(rows) == ACCOUNTS == len({r[0] for r in rows})
    _, txs = _rows(out / "transactions.csv")
    seen = {a for r in txs for a in (r[2], r[3])}
    accounts = {r[0] for r in rows}
    assert seen <= accounts
    per_pattern: Counter[str] = Counter()
    laundering = 0
    for account, flag, balance, pattern in rows:
        assert ACCOUNT.match(account)
        assert flag in ("0", "1")
        assert balance.isdigit()
        if flag == "1":
            laundering += 1
            names = pattern.split(";")
            assert names and set(names) <= set(PATTERNS)
            assert len(names) == len(set(names))
            per_pattern.update(names)
            assert account in seen  # every laundering account actually transacts
        else:
            assert pattern == ""
    assert laundering == counts["laundering_accounts"]
    assert set(per_pattern) == set(PATTERNS)  # every typology appears
    for name in PATTERNS:
        assert per_pattern[name] == counts[f"accounts.{name}"] >= 2
        assert counts[f"transfers.{name}"] >= 1


def test_no_balance_ever_goes_negative(data: tuple[Path, dict[str, int]]) -> None:
    out, _ = data
    _, accounts = _rows(out / "accounts.csv")
    balance = {r[0]: int(r[2]) for r in accounts}
    _, txs = _rows(out / "transactions.csv")
    for _, _, sender, receiver, amount in txs:
        balance[sender] -= int(amount)
        assert balance[sender] >= 0, sender
        balance[receiver] += int(amount)


def test_the_replay_reader_parses_the_file(data: tuple[Path, dict[str, int]]) -> None:
    out, counts = data
    assert len(read_transfers(out / "transactions.csv")) == counts["transfers"]


def test_laundering_accounts_are_not_just_the_busiest(data: tuple[Path, dict[str, int]]) -> None:
    out, _ = data
    _, txs = _rows(out / "transactions.csv")
    degree: Counter[str] = Counter()
    for r in txs:
        degree[r[2]] += 1
        degree[r[3]] += 1
    _, accounts = _rows(out / "accounts.csv")
    laundering = [r[0] for r in accounts if r[1] == "1"]
    busiest = {a for a, _ in degree.most_common(len(laundering))}
    assert sum(a in busiest for a in laundering) < len(laundering) / 3
    quiet = sorted(degree[a] for a in laundering)[len(laundering) // 4]
    typical = sorted(degree[r[0]] for r in accounts if r[1] == "0")[len(accounts) // 2]
    assert quiet <= typical  # a good share of mules are no busier than a typical customer


def test_cli_writes_the_data_set(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    result = CliRunner().invoke(cli, ["aml-gen", "--out", str(out), "--seed", "9",
                                      "--accounts", "700", "--days", "21"])
    assert result.exit_code == 0, result.output
    assert "laundering" in result.output
    for name in ("transactions.csv", "accounts.csv", "README.md"):
        assert (out / name).is_file()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "Seed: 9" in readme and "amlgen" in readme


def test_too_small_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, accounts=100)
    result = CliRunner().invoke(cli, ["aml-gen", "--out", str(tmp_path), "--days", "3"])
    assert result.exit_code != 0
