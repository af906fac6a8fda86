"""``ntdc bench-storage``: milliseconds per block spent in durable storage (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click


@click.command("bench-storage")
@click.option("--url", default=None,
              help="Empty database to write to (default: a new SQLite file in a temp dir), "
                   "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench.")
@click.option("--holders", default=4_000, show_default=True, help="Accounts to register.")
@click.option("--transfers", default=1_000, show_default=True, help="Transfers per block.")
@click.option("--blocks", default=10, show_default=True, help="Timed blocks.")
@click.option("--seed", default=1, show_default=True)
@click.option("--json", "json_file", type=click.Path(path_type=Path), default=None,
              help="Also write the result to this file.")
def bench_storage_command(url: str | None, holders: int, transfers: int, blocks: int, seed: int,
                          json_file: Path | None) -> None:
    """Time save_block (block, receipts, history and state diff in one durable commit)."""
    from nodes.storage.bench import run_storage_bench

    with tempfile.TemporaryDirectory() as tmp:
        result = run_storage_bench(url or f"sqlite:///{Path(tmp) / 'bench.db'}", holders=holders,
                                   transfers_per_block=transfers, blocks=blocks, seed=seed)
    summary = result.to_json()
    click.echo(f"{summary['backend']}: {transfers} transfers/block, "
               f"~{summary['mean_state_rows']} state rows/block: p50 {summary['p50_ms']} ms, "
               f"mean {summary['mean_ms']} ms, max {summary['max_ms']} ms per block "
               f"(p50 CPU in this process {summary['p50_cpu_ms']} ms)")
    if json_file is not None:
        json_file.write_text(json.dumps(summary, indent=2))
