from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from nodes.cli.storage_cmd import bench_storage_command
from nodes.storage.bench import run_storage_bench


def test_bench_times_every_block_and_reports_json(sqlite_url: str) -> None:
    result = run_storage_bench(sqlite_url, holders=8, transfers_per_block=6, blocks=2)
    summary = result.to_json()
    assert summary["backend"] == "sqlite" and len(summary["save_ms"]) == 2
    assert all(rows > 0 for rows in summary["state_rows"])


def test_bench_command_writes_its_result(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    run = CliRunner().invoke(bench_storage_command, [
        "--holders", "8", "--transfers", "4", "--blocks", "1", "--json", str(out)])
    assert run.exit_code == 0, run.output
    assert "transfers/block" in run.output
    assert json.loads(out.read_text())["transfers_per_block"] == 4
