"""``ntdc bank``: bank operations over the bank node's API, logged in with the operator key.

onboard a KYC-verified customer, mint against a custodian deposit receipt, list redemptions
awaiting payout and relay the custodian's payout confirmations, read a customer's real name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from api.sdk.client import ApiProblem, BankClient
from ledger.types import AccountKind, RiskTier, format_ntd
from nodes.cli.wallet import API, connect, echo_json, fail_on_problem, load_key


def bank_client(api: str, key_file: Path, bank: str) -> BankClient:
    client = connect(api, load_key(key_file), f"bank:{bank}", cls=BankClient)
    assert isinstance(client, BankClient)
    return client


OPERATOR = click.option("--operator-key", "key_file", envvar="NTDC_OPERATOR_KEY", required=True,
                        type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="The bank's operator key file (or NTDC_OPERATOR_KEY).")
BANK = click.option("--bank", envvar="NTDC_BANK", required=True, help="Bank id, e.g. BANK-A.")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read JSON from {path}: {exc}") from None


@click.group("bank")
def bank_group() -> None:
    """Bank operations (operator key)."""


@bank_group.command("onboard")
@API
@OPERATOR
@BANK
@click.option("--public-key", required=True, help="The customer's public key (ed25519:…).")
@click.option("--name", required=True)
@click.option("--national-id", required=True, help="National ID or company number.")
@click.option("--birth-date", required=True, help="Birth date or registration date.")
@click.option("--address", required=True)
@click.option("--kind", type=click.Choice([k.value for k in AccountKind]), default="individual",
              show_default=True)
@click.option("--risk-tier", type=click.Choice([t.value for t in RiskTier]), default="low",
              show_default=True)
def onboard_command(api: str, key_file: Path, bank: str, public_key: str, name: str,
                    national_id: str, birth_date: str, address: str, kind: str,
                    risk_tier: str) -> None:
    """Register a KYC-verified customer (the dossier is sealed to the regulator and the bank)."""
    dossier = {"name": name, "national_id": national_id, "birth_date": birth_date,
               "address": address, "risk_tier": risk_tier}
    with bank_client(api, key_file, bank) as client:
        try:
            result = client.onboard(public_key, dossier, kind=kind)
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
    click.echo(f"onboarded {result['account']} ({result['status']}, tx {result['tx_id']})")


@bank_group.command("mint")
@API
@OPERATOR
@BANK
@click.option("--account", required=True, help="The customer's account id.")
@click.option("--receipt", "receipt_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The custodian's signed deposit receipt (JSON, from `ntdc custodian receipt`).")
def mint_command(api: str, key_file: Path, bank: str, account: str, receipt_file: Path) -> None:
    """Mint to a customer against a custodian deposit receipt."""
    receipt = read_json(receipt_file)
    with bank_client(api, key_file, bank) as client:
        try:
            result = client.mint(account, receipt)
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
    click.echo(f"minted {format_ntd(int(receipt['amount']))} to {account} "
               f"({result['status']}, tx {result['tx_id']})")


@bank_group.group("payouts")
def payouts_group() -> None:
    """Redemptions awaiting the custodian's payout."""


@payouts_group.command("list")
@API
@OPERATOR
@BANK
@click.option("--json", "as_json", is_flag=True)
def payouts_list_command(api: str, key_file: Path, bank: str, as_json: bool) -> None:
    """Your customers' redemptions awaiting payout."""
    with bank_client(api, key_file, bank) as client:
        try:
            pending = client.redemptions()
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
    if as_json:
        echo_json(pending)
        return
    for item in pending["items"]:
        click.echo(f"{item['redemption_id']}  {item['account']}  {format_ntd(int(item['amount']))}")
    click.echo(f"total pending {format_ntd(int(pending['total_pending']))}")


@payouts_group.command("submit")
@API
@OPERATOR
@BANK
@click.argument("confirmations_file", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path))
def payouts_submit_command(api: str, key_file: Path, bank: str, confirmations_file: Path) -> None:
    """Relay the custodian's signed payout confirmations (a JSON envelope or a list of them)."""
    data = read_json(confirmations_file)
    confirmations = data if isinstance(data, list) else [data]
    with bank_client(api, key_file, bank) as client:
        try:
            result = client.submit_payouts(confirmations)
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
    for item in result["items"]:
        outcome = f"accepted {item['tx_id']}" if item["accepted"] else (
            f"refused {item['code']}: {item['detail']}")
        click.echo(f"#{item['index']}: {outcome}")
    if result["refused"]:
        raise click.ClickException(f"{result['refused']} confirmation(s) refused")


@bank_group.command("customer")
@API
@OPERATOR
@BANK
@click.argument("account")
def customer_command(api: str, key_file: Path, bank: str, account: str) -> None:
    """A customer's real-name record and account (your customers only)."""
    with bank_client(api, key_file, bank) as client:
        try:
            echo_json(client.customer(account))
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
