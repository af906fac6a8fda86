"""``ntdc``: the command-line entry point. Each command lives in its own module."""

from __future__ import annotations

import importlib

import click

# (module, attribute) of every command or group; a module is imported only when listed here.
COMMANDS: list[tuple[str, str]] = [
    ("nodes.cli.genesis_cmd", "genesis_command"),
    ("nodes.cli.network_cmd", "network_group"),
    ("nodes.cli.node_cmd", "node_group"),
    ("nodes.cli.demo_cmd", "demo_command"),
    ("nodes.cli.storage_cmd", "bench_storage_command"),
    ("nodes.cli.por", "verify_por_command"),
    ("nodes.cli.por", "bench_por_command"),
    ("nodes.custodian.cli", "custodian_command"),
    ("nodes.cli.aml", "aml_replay_command"),
    ("nodes.cli.aml", "aml_eval_command"),
    ("nodes.cli.amlgen_cmd", "aml_gen_command"),
    ("nodes.cli.bench_ledger", "bench_ledger_command"),
    ("nodes.cli.wallet", "keygen_command"),
    ("nodes.cli.wallet", "balance_command"),
    ("nodes.cli.wallet", "send_command"),
    ("nodes.cli.wallet", "history_command"),
    ("nodes.cli.wallet", "receipt_group"),
    ("nodes.cli.bank", "bank_group"),
    # Replaces the plain `custodian` command above by a group: `ntdc custodian run` is that
    # service; receipt|payout|attest sign single documents.
    ("nodes.cli.custodian", "custodian_group"),
    ("nodes.cli.clearing", "clearing_group"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ntdc")
def cli() -> None:
    """NTDC: the New Taiwan Dollar stablecoin ledger run by a consortium of banks."""


for module_name, attribute in COMMANDS:
    cli.add_command(getattr(importlib.import_module(module_name), attribute))


if __name__ == "__main__":
    cli()
