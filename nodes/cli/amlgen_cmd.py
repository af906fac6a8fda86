"""``ntdc aml-gen``: write an independent synthetic AML evaluation data set (for ``aml-eval``)."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command("aml-gen")
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, writable=True, path_type=Path),
              help="Directory to write transactions.csv, accounts.csv and README.md into.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Random seed; the same seed and sizes give identical files.")
@click.option("--accounts", default=10_000, show_default=True, type=click.IntRange(min=500),
              help="Number of accounts.")
@click.option("--days", default=90, show_default=True, type=click.IntRange(min=14),
              help="Length of the window in days, from 2026-01-01.")
def aml_gen_command(out_dir: Path, seed: int, accounts: int, days: int) -> None:
    """Generate labelled synthetic transfers (normal behaviour plus 14 laundering typologies)."""
    from nodes.tools.amlgen import generate

    started = time.perf_counter()
    try:
        counts = generate(out_dir, seed=seed, accounts=accounts, days=days)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{counts['accounts']} accounts, {counts['laundering_accounts']} laundering, "
               f"{counts['transfers']} transfers ({counts['laundering_transfers']} laundering)")
    for key, value in counts.items():
        if key.startswith("accounts."):
            name = key.removeprefix("accounts.")
            click.echo(f"  {name:<20} {value:>5} accounts {counts['transfers.' + name]:>6} transfers")
    click.echo(f"wrote {out_dir} in {time.perf_counter() - started:.1f} s")
