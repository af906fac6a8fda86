"""``ntdc aml-replay``: parsing, the same flags as the chain, outputs and counts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.types import ntd
from nodes.cli.main import cli
from nodes.regulator.analytics import Transfer
from nodes.tools.aml_replay import parse_ntd_amount, parse_timestamp_ms, replay_rules
from tests.ledger.aml.helpers import make_funded


def test_timestamps_are_iso_8601_to_integer_ms():
    assert parse_timestamp_ms("2026-01-01T00:00:00Z") == 1_767_225_600_000
    assert parse_timestamp_ms("2026-01-01T08:00:00+08:00") == 1_767_225_600_000
    assert parse_timestamp_ms("2026-01-01T00:00:00") == 1_767_225_600_000  # no zone: UTC
    assert parse_timestamp_ms("2026-01-01T00:00:00.123Z") == 1_767_225_600_123


def test_amounts_are_whole_ntd_to_minor_units_without_floats():
    assert parse_ntd_amount("1500") == 150_000
    assert parse_ntd_amount("1500.5") == 150_050
    assert parse_ntd_amount("1500.05") == 150_005
    assert parse_ntd_amount("9007199254740") == 900_719_925_474_000
    for bad in ("-1", "1e3", "1.234", "", "NT$5"):
        with pytest.raises(ValueError):
            parse_ntd_amount(bad)


def test_replay_gives_the_chain_s_flags_for_the_same_transfers():
    chain, holders = make_funded(13)
    hub, *others = holders
    script = [(o, hub, ntd(1_000)) for o in others[:10]]                 # FAN_IN on the 10th
    script += [(hub, others[0], ntd(450_000)), (hub, others[1], ntd(450_000))]  # STRUCTURING
    script += [(others[2], others[3], ntd(2_000))] * 3                  # pair VELOCITY
    script += [(others[4], hub, ntd(600_000)), (hub, others[5], ntd(560_000))]  # PASS_THROUGH
    transfers, receipts = [], []
    for i, (a, b, amount) in enumerate(script):
        receipt = chain.one(chain.work.transfer(a, b, amount), advance_ms=60_000)
        assert receipt.applied, receipt.message
        receipts.append(receipt)
        transfers.append(Transfer(str(i), chain.time_ms, a.account, b.account, amount))
    result = replay_rules(transfers, run_analytics=False)
    assert [result.tx_flags[str(i)] for i in range(len(script))] == [
        list(r.flags) for r in receipts]
    assert {f for r in receipts for f in r.flags} == {
        "FAN_IN", "STRUCTURING", "VELOCITY", "LARGE_VALUE", "PASS_THROUGH"}
    assert result.implicated[hub.account] == {"FAN_IN", "STRUCTURING", "PASS_THROUGH"}


def _write(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("tx_id", "timestamp", "sender", "receiver", "amount_ntd"))
        writer.writerows(rows)
    return path


def test_cli_writes_flags_in_input_order_and_prints_counts(tmp_path: Path):
    rows = [("3", "2026-01-01T02:00:00Z", "X", "Y", "100"),
            ("1", "2026-01-01T00:00:00Z", "X", "Y", "100"),   # out of time order
            ("2", "2026-01-01T01:00:00Z", "X", "Y", "100"),
            ("4", "2026-01-01T03:00:00Z", "Z", "Z", "100"),   # pays itself: no flags
            ("5", "2026-01-01T04:00:00Z", "Z", "Y", "500000")]
    source = _write(tmp_path / "in.csv", rows)
    out, accounts = tmp_path / "flags.csv", tmp_path / "accounts.csv"
    run = CliRunner().invoke(cli, ["aml-replay", "--input", str(source), "--output", str(out),
                                   "--accounts-output", str(accounts)])
    assert run.exit_code == 0, run.output
    with out.open() as handle:
        assert [tuple(r) for r in csv.reader(handle)] == [
            ("tx_id", "flags"), ("3", "VELOCITY"), ("1", ""), ("2", ""), ("4", ""),
            ("5", "LARGE_VALUE")]
    with accounts.open() as handle:
        assert [tuple(r) for r in csv.reader(handle)] == [
            ("account", "flags"), ("X", "VELOCITY"), ("Y", "VELOCITY")]
    assert "VELOCITY" in run.output and "self-payments skipped: 1" in run.output
    assert "not in time order" in run.output


def test_cli_names_the_bad_row(tmp_path: Path):
    source = _write(tmp_path / "in.csv", [("1", "2026-01-01T00:00:00Z", "X", "Y", "12.345")])
    run = CliRunner().invoke(cli, ["aml-replay", "--input", str(source), "--output",
                                   str(tmp_path / "o.csv")])
    assert run.exit_code != 0
    assert "line 2" in run.output and "12.345" in run.output


def test_param_overrides_are_checked_and_used(tmp_path: Path):
    from nodes.tools.aml_replay import parse_param_overrides

    assert parse_param_overrides(["aml_velocity_pair_count=5", "aml_large_value=100",
                                  "aml_volume_exempt_kinds=ccp,bank"]) == {
        "aml_velocity_pair_count": 5, "aml_large_value": 100,
        "aml_volume_exempt_kinds": ["bank", "ccp"]}
    for bad in ("aml_velocity_pair_count=1", "nonsense=3", "aml_fan_in_count=ten"):
        with pytest.raises(ValueError):
            parse_param_overrides([bad])
    rows = [(str(i), f"2026-01-01T0{i}:00:00Z", "X", "Y", "100") for i in range(3)]
    source = _write(tmp_path / "in.csv", rows)
    run = CliRunner().invoke(cli, ["aml-replay", "--input", str(source), "--output",
                                   str(tmp_path / "o.csv"), "--param",
                                   "aml_velocity_pair_count=4"])
    assert run.exit_code == 0, run.output
    assert "VELOCITY" not in (tmp_path / "o.csv").read_text()
