"""nodes/cli/por.py: ``ntdc verify-por`` exit codes and messages, ``ntdc bench-por`` runs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nodes.cli.main import cli
from tests.ledger.por.support import make_por_chain


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    por = make_por_chain(holders=3)
    directory = tmp_path_factory.mktemp("por")
    bundle = por.bundle(por.holders[1])
    paths = {
        "bundle": directory / "bundle.json",
        "checkpoint": directory / "checkpoint.json",
        "proof": directory / "proof.json",
        "genesis": directory / "genesis.json",
    }
    paths["bundle"].write_text(json.dumps(bundle))
    paths["checkpoint"].write_text(json.dumps(bundle["checkpoint"]))
    paths["proof"].write_text(json.dumps(bundle["inclusion"]))
    paths["genesis"].write_text(json.dumps(por.genesis.model_dump(mode="json")))
    return {"paths": paths, "bundle": bundle, "account": por.holders[1].account}


def verify(checkpoint: Path, proof: Path, genesis: Path, *extra: str):
    return CliRunner().invoke(cli, ["verify-por", "--checkpoint", str(checkpoint), "--proof",
                                    str(proof), "--genesis", str(genesis), *extra])


def test_a_valid_proof_exits_zero(files):
    paths = files["paths"]
    result = verify(paths["checkpoint"], paths["proof"], paths["genesis"])
    assert result.exit_code == 0, result.output
    assert f"OK: account {files['account']}" in result.stdout
    assert "signed by 3 validators (quorum 3)" in result.stdout
    bundled = verify(paths["bundle"], paths["bundle"], paths["genesis"], "--json",
                     "--account", files["account"])
    assert bundled.exit_code == 0
    assert json.loads(bundled.stdout)["ok"] is True


def test_the_first_failure_is_named_and_exits_one(files, tmp_path):
    paths = files["paths"]
    tampered = copy.deepcopy(files["bundle"]["inclusion"])
    tampered["leaf"]["held"] = "-1"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tampered))
    result = verify(paths["checkpoint"], bad, paths["genesis"])
    assert result.exit_code == 1
    assert "FAILED [leaf]: leaf balance held is negative (-1)" in result.stderr
    other = verify(paths["checkpoint"], paths["proof"], paths["genesis"], "--account", "ntdc1x")
    assert other.exit_code == 1 and "FAILED [account]" in other.stderr


def test_unreadable_files_exit_two(files, tmp_path):
    paths = files["paths"]
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    result = verify(junk, paths["proof"], paths["genesis"])
    assert result.exit_code == 2 and "cannot read the checkpoint file" in result.stderr


def test_bench_por_runs_small():
    result = CliRunner().invoke(cli, ["bench-por", "--accounts", "64", "--changes", "4",
                                      "--checkpoints", "2", "--proofs", "5", "--verifies", "2",
                                      "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["accounts"] == 64 and data["depth"] == 6
    assert data["cpu"]["proof_us"]["mean"] > 0 and data["bundle_json_bytes"] > 0
