"""``ntdc custodian``: the reserve custodian's signing commands, with the custodian key file.

``receipt`` signs a deposit receipt for a bank (offline; hand the JSON to the bank),
``payout`` signs a payout confirmation for a redemption, ``attest`` signs a reserve attestation.
``payout`` and ``attest`` are transactions: with ``--api`` the node supplies the custodian's next
nonce and the signed envelope is submitted; without it pass ``--nonce`` and the envelope is
printed. ``run`` is the automatic custodian service (``nodes.custodian.cli``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from api.sdk.builders import Signer, sign_deposit_receipt
from api.sdk.client import ApiProblem
from ledger.crypto.keys import PrivateKey
from ledger.genesis import Genesis
from nodes.cli.wallet import connect, echo_json, fail_on_problem, load_genesis, load_key
from nodes.custodian.cli import custodian_command

KEY = click.option("--key-file", "key_file", envvar="NTDC_CUSTODIAN_KEY", required=True,
                   type=click.Path(exists=True, dir_okay=False, path_type=Path),
                   help="The custodian's private key (or NTDC_CUSTODIAN_KEY).")
GENESIS = click.option("--genesis", "genesis_file", required=True,
                       type=click.Path(exists=True, dir_okay=False, path_type=Path))
SEQ = click.option("--seq", type=click.IntRange(1, 2**53), required=True,
                   help="The custodian's next sequence number (from its books).")
NOW = click.option("--at-ms", "at_ms", type=click.IntRange(0, 2**53), default=None,
                   help="Time in ms since the epoch (default: now).")
API = click.option("--api", default=None, help="Submit through this node's API.")
NONCE = click.option("--nonce", type=click.IntRange(1, 2**53), default=None,
                     help="Transaction nonce (needed without --api).")


def custodian_key(key_file: Path, genesis: Genesis) -> PrivateKey:
    key = load_key(key_file)
    if str(key.public_key()) != genesis.roles.get("custodian"):
        raise click.ClickException("this key is not the custodian key named in the genesis")
    return key


def sign_and_maybe_submit(key: PrivateKey, genesis: Genesis, kind: str, body: dict[str, Any],
                          api: str | None, nonce: int | None) -> None:
    """Sign ``kind`` with the next nonce; submit it when ``api`` is given, else print it."""
    if api is None:
        if nonce is None:
            raise click.UsageError("pass --nonce, or --api to take it from the node")
        echo_json(Signer(key, "custodian", genesis.chain_id, nonce).sign(kind, body))
        return
    with connect(api, key, "custodian") as client:
        try:
            chain_nonce = int(client.request("GET", "/v1/custodian/status")["nonce"])
            envelope = Signer(key, "custodian", genesis.chain_id, nonce or chain_nonce + 1).sign(
                kind, body)
            result = client.submit(envelope, wait_s=10)
        except ApiProblem as exc:
            raise fail_on_problem(exc) from None
    receipt = result["receipt"]
    if receipt is None:
        click.echo(f"submitted {result['tx_id']} (not final yet)")
    elif receipt["status"] != "applied":
        raise click.ClickException(f"{kind} rejected ({receipt['reason']}): {receipt['message']}")
    else:
        click.echo(f"{kind} final at height {receipt['height']}, tx {result['tx_id']}")


@click.group("custodian")
def custodian_group() -> None:
    """Reserve custodian: sign deposit receipts, payouts, attestations; or run the service."""


custodian_group.add_command(custodian_command, "run")


@custodian_group.command("receipt")
@KEY
@GENESIS
@click.option("--bank", required=True, help="The bank that deposited NT$.")
@click.option("--amount", "amount", required=True, type=click.IntRange(1, 10**15),
              help="Minor units (1 = NT$0.01).")
@SEQ
@click.option("--receipt-id", default=None, help="Default: DR-<seq>.")
@NOW
def receipt_command(key_file: Path, genesis_file: Path, bank: str, amount: int, seq: int,
                    receipt_id: str | None, at_ms: int | None) -> None:
    """Sign a deposit receipt (JSON on stdout) for the bank to mint against."""
    genesis = load_genesis(genesis_file)
    echo_json(sign_deposit_receipt(
        custodian_key(key_file, genesis), chain_id=genesis.chain_id,
        receipt_id=receipt_id or f"DR-{seq:010d}", bank=bank, amount=amount,
        issued_at_ms=at_ms if at_ms is not None else int(time.time() * 1000), custodian_seq=seq))


@custodian_group.command("payout")
@KEY
@GENESIS
@click.option("--redemption-id", required=True, help="The redeem transaction id.")
@SEQ
@NOW
@API
@NONCE
def payout_command(key_file: Path, genesis_file: Path, redemption_id: str, seq: int,
                   at_ms: int | None, api: str | None, nonce: int | None) -> None:
    """Confirm that a redemption was paid out of the reserve."""
    genesis = load_genesis(genesis_file)
    body = {"redemption_id": redemption_id, "custodian_seq": seq,
            "paid_at_ms": at_ms if at_ms is not None else int(time.time() * 1000)}
    sign_and_maybe_submit(custodian_key(key_file, genesis), genesis, "confirm_payout", body,
                          api, nonce)


@custodian_group.command("attest")
@KEY
@GENESIS
@click.option("--balance", required=True, type=click.IntRange(0, 2**53),
              help="Reserve balance in minor units.")
@click.option("--through-seq", required=True, type=click.IntRange(0, 2**53),
              help="Last custodian sequence number the balance reflects.")
@NOW
@click.option("--attestation-id", default=None)
@API
@NONCE
def attest_command(key_file: Path, genesis_file: Path, balance: int, through_seq: int,
                   at_ms: int | None, attestation_id: str | None, api: str | None,
                   nonce: int | None) -> None:
    """Attest the reserve balance as of now."""
    genesis = load_genesis(genesis_file)
    as_of = at_ms if at_ms is not None else int(time.time() * 1000)
    body = {"attestation_id": attestation_id or f"ATT-{through_seq:010d}-{as_of}",
            "reserve_balance": str(balance), "through_seq": through_seq, "as_of_ms": as_of}
    sign_and_maybe_submit(custodian_key(key_file, genesis), genesis, "reserve_attestation",
                          body, api, nonce)
