"""``ntdc verify-por`` (stand-alone proof-of-reserves verifier) and ``ntdc bench-por``.

``verify-por`` needs no node and no database: a checkpoint document, an inclusion proof (either
may be the wallet API's bundle) and the genesis file. It exits 0 only if every check holds; on
the first failure it prints which check failed and why and exits 1 (2: files unreadable).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ledger.genesis import Genesis
from ledger.types import format_ntd

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _load_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        click.echo(f"cannot read the {what} file {path}: {exc}", err=True)
        sys.exit(2)


@click.command("verify-por")
@click.option("--checkpoint", "checkpoint_file", required=True, type=_FILE,
              help="Checkpoint document (or a proof bundle) as JSON.")
@click.option("--proof", "proof_file", required=True, type=_FILE,
              help="Inclusion proof (or a proof bundle) as JSON.")
@click.option("--genesis", "genesis_file", required=True, type=_FILE,
              help="The chain's genesis file (validator and custodian keys).")
@click.option("--account", default=None, help="Also require the proof to be for this account.")
@click.option("--json", "as_json", is_flag=True, help="Print the verified figures as JSON.")
def verify_por_command(checkpoint_file: Path, proof_file: Path, genesis_file: Path,
                       account: str | None, as_json: bool) -> None:
    """Verify an account's proof of reserves offline: leaf, path and sums, liabilities root,
    the validators' checkpoint signatures, the custodian's attestation and reserve coverage."""
    from pydantic import ValidationError

    from ledger.por.verify import PorFailure, verify_por

    checkpoint = _load_json(checkpoint_file, "checkpoint")
    proof = _load_json(proof_file, "proof")
    try:
        genesis = Genesis.model_validate(_load_json(genesis_file, "genesis"))
    except ValidationError as exc:
        click.echo(f"the genesis file {genesis_file} is not a valid genesis: {exc}", err=True)
        sys.exit(2)
    try:
        report = verify_por(checkpoint, proof, genesis)
        if account is not None and report.account != account:
            raise PorFailure("account", f"the proof is for {report.account}, not {account}")
    except PorFailure as exc:
        click.echo(f"FAILED [{exc.check}]: {exc.message}", err=True)
        sys.exit(1)
    figures = report.checkpoint
    if as_json:
        click.echo(json.dumps({
            "ok": True, "chain_id": figures.chain_id, "height": figures.height,
            "state_root": figures.state_root, "account": report.account,
            "available": str(report.available), "pledged": str(report.pledged),
            "held": str(report.held), "liabilities_total": str(figures.liabilities_total),
            "pending_payouts": str(figures.pending_payouts),
            "reserves": str(figures.reserves), "attestation_id": figures.attestation_id,
            "endorsements": figures.endorsements, "quorum": figures.quorum,
        }, indent=2))
        return
    click.echo(f"OK: account {report.account} is in the liabilities of checkpoint "
               f"{figures.height} ({figures.chain_id})")
    click.echo(f"  balance        {format_ntd(report.balance)} (available "
               f"{format_ntd(report.available)}, pledged {format_ntd(report.pledged)}, held "
               f"{format_ntd(report.held)}); leaf {report.index} of {figures.accounts}")
    click.echo(f"  state root     {figures.state_root}, signed by {figures.endorsements} "
               f"validators (quorum {figures.quorum})")
    click.echo(f"  liabilities    {format_ntd(figures.liabilities_total)} + pending payouts "
               f"{format_ntd(figures.pending_payouts)} = {format_ntd(figures.liabilities_due)}")
    click.echo(f"  reserves       {format_ntd(figures.reserves)} (custodian attestation "
               f"{figures.attestation_id}: {format_ntd(figures.attested_reserves)}, "
               f"{'+' if figures.reserve_adjustment >= 0 else '-'}"
               f"{format_ntd(abs(figures.reserve_adjustment))} since)")


@click.command("bench-por")
@click.option("--accounts", type=click.IntRange(min=2), default=10_000, show_default=True)
@click.option("--changes", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Accounts changed between consecutive checkpoints.")
@click.option("--checkpoints", type=click.IntRange(min=2), default=8, show_default=True)
@click.option("--proofs", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--verifies", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--retain", type=click.IntRange(min=1), default=16, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the full results as JSON.")
def bench_por_command(accounts: int, changes: int, checkpoints: int, proofs: int, verifies: int,
                      retain: int, seed: int, as_json: bool) -> None:
    """Measure liabilities-tree updates per checkpoint, proof generation, sizes, verification."""
    from nodes.tools.bench_por import run_bench

    result = run_bench(accounts, changes=changes, checkpoints=checkpoints, proofs=proofs,
                       verifies=verifies, retain=retain, seed=seed).to_json()
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"proof of reserves: {accounts:,} accounts (depth {result['depth']}), "
               f"{changes:,} changed per checkpoint, {checkpoints} checkpoints "
               f"(set-up {result['setup_s']} s)")
    units = {"tree_update_ms": "ms", "record_checkpoint_ms": "ms"}
    for name in result["cpu"]:
        cpu, wall = result["cpu"][name], result["wall"][name]
        unit = units.get(name, "µs")
        click.echo(f"  {name:22s} cpu mean {cpu['mean']:>10} p50 {cpu['p50']:>10} p99 "
                   f"{cpu['p99']:>10} {unit} | wall mean {wall['mean']} p99 {wall['p99']}")
    history = result["history_nodes_per_checkpoint"]
    click.echo(f"  history nodes per checkpoint (mean) {history.get('mean')}")
    click.echo(f"  sizes: inclusion {result['inclusion_json_bytes']} B JSON, bundle "
               f"{result['bundle_json_bytes']} B JSON, path {result['path_binary_bytes']} B "
               f"binary")
