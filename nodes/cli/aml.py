"""``ntdc aml-replay`` and ``ntdc aml-eval``: the AML rules offline (SPEC §6)."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command("aml-replay")
@click.option("--input", "input_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with columns tx_id,timestamp,sender,receiver,amount_ntd.")
@click.option("--output", "output_path", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write tx_id,flags.")
@click.option("--accounts-output", "accounts_path", default=None,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write account,flags: what implicates each flagged account.")
@click.option("--no-analytics", is_flag=True,
              help="Only the on-chain rules, not the regulator analytics.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="What-if: override an AML parameter (default: the genesis defaults).")
def aml_replay_command(input_path: Path, output_path: Path, accounts_path: Path | None,
                       no_analytics: bool, params: tuple[str, ...]) -> None:
    """Run the chain's AML rules (and the regulator analytics) over a CSV of transfers."""
    from nodes.tools.aml_replay import (
        ReplayInputError,
        format_counts,
        read_transfers,
        replay_rules,
        write_account_flags,
        write_tx_flags,
    )

    started = time.perf_counter()
    overrides = _overrides(params)
    try:
        transfers = read_transfers(input_path)
    except ReplayInputError as exc:
        raise click.ClickException(str(exc)) from None
    result = replay_rules(transfers, overrides, run_analytics=not no_analytics)
    write_tx_flags(result, output_path)
    if accounts_path is not None:
        write_account_flags(result, accounts_path)
    click.echo(format_counts(result))
    click.echo(f"wrote {output_path}" + (f" and {accounts_path}" if accounts_path else "")
               + f" in {time.perf_counter() - started:.1f} s")


@click.command("aml-eval")
@click.option("--data", "data_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Directory with transactions.csv and accounts.csv "
                   "(account,is_laundering[,pattern]).")
@click.option("--json", "json_path", default=None,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write every figure as JSON.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="What-if: override an AML parameter (default: the genesis defaults).")
def aml_eval_command(data_dir: Path, json_path: Path | None, params: tuple[str, ...]) -> None:
    """Per-account precision, recall and F1 of the AML rules and analytics, with baselines."""
    from nodes.tools.aml_eval import format_evaluation, run_evaluation, write_json
    from nodes.tools.aml_replay import ReplayInputError

    started = time.perf_counter()
    overrides = _overrides(params)
    try:
        evaluation = run_evaluation(data_dir, overrides)
    except (ReplayInputError, KeyError, FileNotFoundError) as exc:
        raise click.ClickException(f"cannot evaluate {data_dir}: {exc}") from None
    click.echo(format_evaluation(evaluation))
    if json_path is not None:
        write_json(evaluation, json_path)
        click.echo(f"wrote {json_path}")
    click.echo(f"done in {time.perf_counter() - started:.1f} s")


def _overrides(items: tuple[str, ...]) -> dict[str, object]:
    from nodes.tools.aml_replay import parse_param_overrides

    try:
        return parse_param_overrides(items)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
