"""``ntdc aml-eval`` on small slices, checked against metrics computed by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from nodes.cli.main import cli
from nodes.regulator.analytics import Transfer
from nodes.tools.aml_eval import compute_metrics, infer_patterns, run_evaluation

AMLSIM = Path("/work/shared/data/amlsim")


def test_metric_arithmetic():
    m = compute_metrics({"a", "b", "c", "x"}, {"a", "b", "d"}, {"a", "b", "c", "d", "e"})
    # "x" is outside the universe; TP = a, b; FP = c; FN = d.
    assert (m.predicted, m.tp, m.fp, m.fn) == (3, 2, 1, 1)
    assert m.precision == pytest.approx(2 / 3) and m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)
    empty = compute_metrics(set(), {"a"}, {"a", "b"})
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


def _slice(tmp_path: Path, with_pattern: bool = True) -> Path:
    """15 accounts: H is paid by P0..P9 within a day (FAN_IN); X pays Y three times (VELOCITY);
    Z pays W once. Laundering: H, P0, P1 (fan_in) and X (cycle)."""
    tx = [(f"f{i}", f"2026-01-01T{i:02d}:00:00Z", f"P{i}", "H", "1000") for i in range(10)]
    tx += [(f"v{i}", f"2026-01-02T0{i}:00:00Z", "X", "Y", "1000") for i in range(3)]
    tx += [("n1", "2026-01-03T00:00:00Z", "Z", "W", "1000")]
    with (tmp_path / "transactions.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("tx_id", "timestamp", "sender", "receiver", "amount_ntd"))
        writer.writerows(tx)
    patterns = {"H": "fan_in", "P0": "fan_in", "P1": "fan_in", "X": "cycle"}
    accounts = ["H", *(f"P{i}" for i in range(10)), "X", "Y", "Z", "W"]
    with (tmp_path / "accounts.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("account", "is_laundering", "initial_balance_ntd")
                        + (("pattern",) if with_pattern else ()))
        for a in accounts:
            writer.writerow((a, int(a in patterns), 0) + ((patterns.get(a, ""),)
                                                          if with_pattern else ()))
    return tmp_path


def test_small_slice_against_hand_computation(tmp_path: Path):
    evaluation = run_evaluation(_slice(tmp_path))
    s = evaluation.scores

    def prf(name: str, scope: str = "overall") -> tuple[float, float, float]:
        m = s[name][scope]
        return m.precision, m.recall, m.f1

    # Rules implicate H (FAN_IN hub), X and Y (pair VELOCITY): TP {H, X}, FP {Y}, FN {P0, P1}.
    assert prf("rules") == pytest.approx((2 / 3, 2 / 4, 4 / 7))
    # FAN_IN_LONG names H: P = 1, R = 1/4, F1 = 2·0.25/1.25.
    assert prf("analytics") == pytest.approx((1.0, 0.25, 0.4))
    assert prf("rules+analytics") == prf("rules")
    # README convention: both parties of the two flagged transfers (P9→H, X→Y): {P9, H, X, Y}.
    assert prf("rules (party)") == pytest.approx((0.5, 0.5, 0.5))
    # Baselines: all 15 accounts; the top 10% (floor(1.5) = 1 account) is H with 10 transfers.
    assert prf("baseline: every account") == pytest.approx((4 / 15, 1.0, 8 / 19))
    assert prf("baseline: top 10% by transfers") == pytest.approx((1.0, 0.25, 0.4))
    # Per pattern: the other pattern's positives leave the universe.
    # fan_in: universe = 11 normal + {H, P0, P1}; predicted {H, Y}: P = 1/2, R = 1/3, F1 = 0.4.
    assert prf("rules", "fan_in") == pytest.approx((0.5, 1 / 3, 0.4))
    # cycle: universe = 11 normal + {X}; predicted {X, Y}: P = 1/2, R = 1, F1 = 2/3.
    assert prf("rules", "cycle") == pytest.approx((0.5, 1.0, 2 / 3))
    assert not evaluation.labels.inferred


def test_cli_prints_the_table_and_writes_json(tmp_path: Path):
    data = _slice(tmp_path)
    run = CliRunner().invoke(cli, ["aml-eval", "--data", str(data), "--json",
                                   str(tmp_path / "eval.json")])
    assert run.exit_code == 0, run.output
    assert "baseline: top 10% by transfers" in run.output
    assert '"laundering_accounts": 4' in (tmp_path / "eval.json").read_text()


def test_pattern_inference_from_repeated_pairs():
    def t(n: int, a: str, b: str) -> Transfer:
        return Transfer(str(n), n, a, b, 100)

    transfers = [t(1, "A", "H"), t(2, "A", "H"), t(3, "B", "H"), t(4, "B", "H"),  # fan-in
                 t(5, "C", "D"), t(6, "C", "D"), t(7, "D", "E"), t(8, "D", "E"),  # chain
                 t(9, "F", "G"), t(10, "N", "F"), t(11, "N", "F")]                # N normal
    groups = infer_patterns(transfers, frozenset("ABHCDEFG"))
    assert groups == {"fan_in": frozenset("ABH"), "cycle": frozenset("CDE"),
                      "unattributed": frozenset("FG")}


@pytest.mark.skipif(not AMLSIM.exists(), reason="needs the AMLSim sample")
def test_amlsim_slice_counts_are_consistent(tmp_path: Path):
    with (AMLSIM / "transactions.csv").open() as src:
        head = [next(src) for _ in range(3001)]
    (tmp_path / "transactions.csv").write_text("".join(head))
    (tmp_path / "accounts.csv").write_text((AMLSIM / "accounts.csv").read_text())
    evaluation = run_evaluation(tmp_path)
    positives = len(evaluation.labels.positives)
    for by_scope in evaluation.scores.values():
        m = by_scope["overall"]
        assert m.tp + m.fp == m.predicted and m.tp + m.fn == positives
        if m.predicted:
            assert m.precision == pytest.approx(m.tp / m.predicted)
    assert evaluation.scores["baseline: every account"]["overall"].predicted == 20_000
