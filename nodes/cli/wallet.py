"""Wallet commands on top of the SDK: ``ntdc keygen``, ``balance``, ``send``, ``history``,
``receipt get|verify``.

Amounts are typed in NT$ (``1500``, ``1,500.25``) and parsed exactly into minor units; no float
is involved. Keys live in files written owner-only; they are never printed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click
import httpx

from api.sdk.client import ApiProblem, TransactionRejected, WalletClient
from api.sdk.verify import VerificationError, verify_receipt
from ledger.crypto.keys import Algorithm, KeyError_, PrivateKey, compute_account_id
from ledger.genesis import Genesis
from ledger.types import format_ntd
from nodes.config import read_secret, write_secret

_NTD = re.compile(r"^([0-9]{1,3}(,[0-9]{3})*|[0-9]+)(\.[0-9]{1,2})?$")


def parse_ntd(text: str) -> int:
    """'1,500.25' -> 150025 minor units (exact; at most two decimals, never negative)."""
    cleaned = text.strip().removeprefix("NT$")
    if not _NTD.match(cleaned):
        raise click.BadParameter(f"{text!r} is not an NT$ amount like 1500 or 1,500.25")
    whole, _, cents = cleaned.replace(",", "").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def open_http() -> httpx.Client | None:
    """The HTTP client the SDK uses (None: its own). Tests substitute an in-process one."""
    return None


def load_key(path: Path) -> PrivateKey:
    try:
        return PrivateKey.parse(read_secret(path))
    except (OSError, KeyError_) as exc:
        raise click.ClickException(f"cannot read a private key from {path}: {exc}") from None


def load_genesis(path: Path) -> Genesis:
    return Genesis.model_validate(json.loads(path.read_text(encoding="utf-8")))


def connect(api: str, key: PrivateKey, subject: str | None = None,
            cls: type[WalletClient] = WalletClient) -> WalletClient:
    """An SDK client logged in with ``key``."""
    client = cls(api, http=open_http())
    try:
        client.login(key, subject)
    except ApiProblem as exc:
        raise click.ClickException(f"login refused ({exc.code}): {exc.detail}") from None
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach {api}: {exc}") from None
    return client


def fail_on_problem(exc: ApiProblem) -> click.ClickException:
    return click.ClickException(f"{exc.code}: {exc.detail}")


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


API = click.option("--api", envvar="NTDC_API", required=True,
                   help="Base URL of your bank node's API (or NTDC_API).")
KEY = click.option("--key", "key_file", envvar="NTDC_KEY", required=True,
                   type=click.Path(exists=True, dir_okay=False, path_type=Path),
                   help="Your private key file (or NTDC_KEY).")


@click.command("keygen")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the private key (owner-only file).")
@click.option("--alg", type=click.Choice([a.value for a in Algorithm]), default="ed25519",
              show_default=True)
@click.option("--force", is_flag=True, help="Overwrite an existing key file.")
def keygen_command(out_file: Path, alg: str, force: bool) -> None:
    """Generate a key; prints its public key and account id."""
    if out_file.exists() and not force:
        raise click.ClickException(f"{out_file} exists; pass --force to overwrite it")
    key = PrivateKey.generate(Algorithm(alg))
    write_secret(out_file, key.export())
    click.echo(f"public key  {key.public_key()}")
    click.echo(f"account id  {compute_account_id(key.public_key())}")
    click.echo(f"private key written to {out_file} (keep it secret)")


@click.command("balance")
@API
@KEY
@click.option("--json", "as_json", is_flag=True, help="Print the whole account as JSON.")
def balance_command(api: str, key_file: Path, as_json: bool) -> None:
    """Your account's balances."""
    with connect(api, load_key(key_file)) as client:
        try:
            account = client.get_account()
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
    if as_json:
        echo_json(account)
        return
    balance = account["balance"]
    click.echo(f"account    {account['account']} ({account['status']}, {account['home_bank']})")
    for name in ("available", "pledged", "held", "total"):
        click.echo(f"{name:<10} {format_ntd(int(balance[name]))}")


@click.command("send")
@API
@KEY
@click.option("--to", "to_account", required=True, help="Receiver's account id.")
@click.option("--amount", required=True, help="NT$ amount, e.g. 1500 or 1,500.25.")
@click.option("--memo", default="", help="Short note for the receiver (max 140 characters).")
@click.option("--wait", "wait_s", type=click.FloatRange(0, 300), default=10.0, show_default=True,
              help="Seconds to wait for finality.")
@click.option("--genesis", "genesis_file", type=click.Path(exists=True, dir_okay=False,
                                                           path_type=Path),
              help="Verify the final receipt against this genesis.")
def send_command(api: str, key_file: Path, to_account: str, amount: str, memo: str,
                 wait_s: float, genesis_file: Path | None) -> None:
    """Transfer NTDC to another account and wait for finality."""
    minor = parse_ntd(amount)
    key = load_key(key_file)
    with connect(api, key) as client:
        try:
            signer = client.signer(key)
            receipt = client.send(client.build_transfer(signer, to_account, minor, memo), wait_s)
            if genesis_file is not None:
                verify_receipt(client.wait_for_finality(receipt.tx_id), load_genesis(genesis_file))
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
        except TransactionRejected as exc:
            raise click.ClickException(f"transfer rejected ({exc.receipt.reason}): "
                                       f"{exc.receipt.message}") from None
        except (TimeoutError, VerificationError) as exc:
            raise click.ClickException(str(exc)) from None
    checked = " (receipt verified)" if genesis_file else ""
    click.echo(f"sent {format_ntd(minor)} to {to_account}: final at height {receipt.height}, "
               f"tx {receipt.tx_id}{checked}")
    for flag in receipt.flags:
        click.echo(f"flag: {flag}")


@click.command("history")
@API
@KEY
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--before", default=None, help="Cursor printed by the previous page.")
def history_command(api: str, key_file: Path, limit: int, before: str | None) -> None:
    """Your transactions, newest first."""
    with connect(api, load_key(key_file)) as client:
        try:
            page = client.history(limit=limit, before=before)
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
    for item in page["items"]:
        moves = ", ".join(f"{e['op']} {format_ntd(int(e['amount']))}" for e in item["effects"]
                          if e["account"] == page["account"]) or "-"
        outcome = item["status"] if item["status"] == "applied" else f"rejected {item['reason']}"
        click.echo(f"{item['height']:>8}:{item['index']:<5} {item['kind']:<16} {outcome:<10} "
                   f"{moves}  {item['tx_id']}")
    if page["next_before"]:
        click.echo(f"more: --before {page['next_before']}")


@click.group("receipt")
def receipt_group() -> None:
    """Fetch and verify transaction receipts."""


@receipt_group.command("get")
@API
@KEY
@click.argument("tx_id")
@click.option("--wait", "wait_s", type=click.FloatRange(0, 300), default=0.0)
def receipt_get_command(api: str, key_file: Path, tx_id: str, wait_s: float) -> None:
    """Print a receipt bundle (receipt, header, proofs, certificate) as JSON."""
    with connect(api, load_key(key_file)) as client:
        try:
            echo_json(client.get_receipt(tx_id, wait_s))
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None


@receipt_group.command("verify")
@click.option("--genesis", "genesis_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The genesis you trust (validator keys).")
@click.argument("bundle_file", type=click.File("r"), default="-")
def receipt_verify_command(genesis_file: Path, bundle_file: Any) -> None:
    """Verify a receipt bundle offline (file or stdin): commit certificate by the genesis
    validators, inclusion of the transaction and of the receipt. Exit 1 if it does not hold."""
    try:
        bundle = json.load(bundle_file)
        receipt = verify_receipt(bundle, load_genesis(genesis_file))
    except (ValueError, VerificationError) as exc:
        click.echo(f"NOT VERIFIED: {exc}", err=True)
        sys.exit(1)
    click.echo(f"verified: {receipt.kind} {receipt.tx_id} {receipt.status} at height "
               f"{receipt.height} index {receipt.index}, final by "
               f"{len(bundle['certificate']['commits'])} validator signatures")
