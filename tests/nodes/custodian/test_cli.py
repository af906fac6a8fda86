"""nodes/custodian/cli.py: ``ntdc custodian run --once`` against a node API, books kept on disk."""

from __future__ import annotations

import json

import httpx
from click.testing import CliRunner

from nodes.custodian import cli as custodian_cli
from nodes.custodian.cli import load_books
from nodes.custodian.runner import HttpNode
from nodes.devnet import make_devnet
from tests.nodes.custodian.test_runner import fake_api


def test_one_round_against_the_api_saves_the_books(tmp_path, monkeypatch):
    genesis, keys = make_devnet(b"\x02" * 32)
    (tmp_path / "genesis.json").write_text(json.dumps(genesis.model_dump(mode="json")))
    (tmp_path / "custodian.key").write_text(keys.roles["custodian"].export() + "\n")
    books = tmp_path / "books.json"
    books.write_text(json.dumps({"balance": "5000", "seq": 3, "nonce": 0, "payouts": {}}))
    seen: list = []
    tokens: list[str] = []
    transport = fake_api(seen, tokens)
    monkeypatch.setattr(custodian_cli, "HttpNode", lambda url, key: HttpNode(
        url, key, http=httpx.Client(transport=transport)))
    result = CliRunner().invoke(custodian_cli.custodian_command, [
        "--genesis", str(tmp_path / "genesis.json"), "--key-file", str(tmp_path / "custodian.key"),
        "--api", "http://node", "--books", str(books), "--once"])
    assert result.exit_code == 0, result.output
    assert "submitted 2 transaction(s): confirm_payout, reserve_attestation" in result.output
    assert tokens == ["t0"]  # logged in once, as the custodian
    posted = [body for method, path, body in seen if path == "/v1/transactions"]
    assert [p["kind"] for p in posted] == ["confirm_payout", "reserve_attestation"]
    assert posted[0]["body"]["redemption_id"] == "ab" * 32
    assert posted[1]["body"]["reserve_balance"] == "4300"
    saved = load_books(books)
    assert (saved.balance, saved.seq, saved.nonce) == (4300, 4, 6)
    assert saved.payouts == {"ab" * 32: (4, 700)}
