"""The ``ntdc`` wallet, bank and custodian commands (nodes/cli/wallet.py, bank.py, custodian.py)
against the in-process apps, end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from nodes.cli import wallet as wallet_cli
from nodes.cli.main import cli
from tests.api.helpers import wallet_client
from tests.api.node import NodeHarness


def run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code != 0, result.output
    return result.output


def test_parse_ntd_is_exact() -> None:
    assert wallet_cli.parse_ntd("1,500.25") == 150_025
    assert wallet_cli.parse_ntd("NT$0.1") == 10
    assert wallet_cli.parse_ntd("20") == 2_000
    for bad in ("1.234", "-5", "1e3", "0x10", "", "1,50"):
        with pytest.raises(click.BadParameter):
            wallet_cli.parse_ntd(bad)


def test_wallet_bank_and_custodian_commands(client: TestClient, node: NodeHarness,
                                            tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wallet_cli, "open_http", lambda: client)
    genesis = tmp_path / "genesis.json"
    genesis.write_text(node.genesis.model_dump_json())
    custodian, operator_a, operator_b = (tmp_path / n for n in ("cust.key", "a.key", "b.key"))
    custodian.write_text(node.keys.roles["custodian"].export())
    operator_a.write_text(node.keys.bank_operator["BANK-A"].export())
    operator_b.write_text(node.keys.bank_operator["BANK-B"].export())
    a, b = "http://testserver/a", "http://testserver/b"

    accounts = {}
    for who, api, bank, operator in (("alice", a, "BANK-A", operator_a),
                                     ("bob", b, "BANK-B", operator_b)):
        out = run("keygen", "--out", str(tmp_path / f"{who}.key"))
        public_key = re.search(r"public key  (\S+)", out).group(1)  # type: ignore[union-attr]
        accounts[who] = re.search(r"account id  (\S+)", out).group(1)  # type: ignore[union-attr]
        assert "secret" not in out.replace("keep it secret", "")
        out = run("bank", "onboard", "--api", api, "--operator-key", str(operator), "--bank", bank,
                  "--public-key", public_key, "--name", who.title(), "--national-id",
                  f"{who[0].upper()}123456789", "--birth-date", "1990-01-01", "--address", "Taipei")
        assert f"onboarded {accounts[who]} (final" in out
    run("keygen", "--out", str(tmp_path / "alice.key"), ok=False)  # never overwrites a key

    receipt = tmp_path / "deposit.json"
    receipt.write_text(run("custodian", "receipt", "--key-file", str(custodian), "--genesis",
                           str(genesis), "--bank", "BANK-A", "--amount", "100000", "--seq", "1"))
    out = run("bank", "mint", "--api", a, "--operator-key", str(operator_a), "--bank", "BANK-A",
              "--account", accounts["alice"], "--receipt", str(receipt))
    assert "minted NT$1,000.00" in out
    alice_key = ["--api", a, "--key", str(tmp_path / "alice.key")]
    assert "available  NT$1,000.00" in run("balance", *alice_key)

    out = run("send", *alice_key, "--to", accounts["bob"], "--amount", "250.50", "--genesis",
              str(genesis))
    assert "sent NT$250.50" in out and "(receipt verified)" in out
    tx_id = out.split("tx ")[1].split()[0]
    assert "insufficient" not in run("history", *alice_key)
    assert "transfer" in run("history", *alice_key, "--limit", "1")
    out = run("send", *alice_key, "--to", accounts["bob"], "--amount", "5000", ok=False)
    assert "transfer rejected (INSUFFICIENT_FUNDS)" in out

    bundle = tmp_path / "bundle.json"
    bundle.write_text(run("receipt", "get", *alice_key, tx_id))
    assert "verified: transfer" in run("receipt", "verify", "--genesis", str(genesis), str(bundle))
    tampered = json.loads(bundle.read_text())
    tampered["receipt"]["effects"][0]["amount"] = "1"
    bundle.write_text(json.dumps(tampered))
    out = run("receipt", "verify", "--genesis", str(genesis), str(bundle), ok=False)
    assert "NOT VERIFIED" in out and "receipts_root" in out

    # Alice redeems NT$100 (SDK); her bank sees it pending; the custodian pays it.
    alice = wallet_cli.load_key(tmp_path / "alice.key")
    wallet = wallet_client(client, alice)
    redeem = wallet.send(wallet.build_redeem(wallet.signer(alice), 10_000))
    bank_a = ["--api", a, "--operator-key", str(operator_a), "--bank", "BANK-A"]
    assert f"{redeem.tx_id}  {accounts['alice']}  NT$100.00" in run("bank", "payouts", "list",
                                                                    *bank_a)
    custodian_args = ["--key-file", str(custodian), "--genesis", str(genesis)]
    out = run("custodian", "payout", *custodian_args, "--redemption-id", redeem.tx_id,
              "--seq", "2", "--api", a)
    assert "confirm_payout final at height" in out
    assert "total pending NT$0.00" in run("bank", "payouts", "list", *bank_a)
    out = run("custodian", "attest", *custodian_args, "--balance", "90000", "--through-seq", "2",
              "--api", a)
    assert "reserve_attestation final" in out
    offline = json.loads(run("custodian", "attest", *custodian_args, "--balance", "90000",
                             "--through-seq", "2", "--nonce", "9"))
    assert (offline["kind"], offline["nonce"], offline["signer"]) == (
        "reserve_attestation", 9, "custodian")
    assert json.loads(run("bank", "customer", *bank_a, accounts["alice"]))[
        "identity"]["name"] == "Alice"
    out = run("bank", "customer", *bank_a, accounts["bob"], ok=False)
    assert "FORBIDDEN" in out
    out = run("custodian", "receipt", "--key-file", str(operator_a), "--genesis", str(genesis),
              "--bank", "BANK-A", "--amount", "1", "--seq", "3", ok=False)
    assert "not the custodian key" in out
