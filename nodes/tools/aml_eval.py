"""Evaluation of the AML rules and analytics against per-account labels (``ntdc aml-eval``).

Reads ``transactions.csv`` (the replay format) and ``accounts.csv``
(``account,is_laundering[,pattern]``) from one directory, replays them with
``nodes.tools.aml_replay`` and scores account-level predictions. Definitions (docs/aml.md,
"Evaluation"):

- universe: the accounts listed in ``accounts.csv``; positives: ``is_laundering == 1``;
- an account is predicted suspicious by a rule when a suspicion flag (every flag but
  LARGE_VALUE) implicates it: the role the rule describes (the structuring holder or
  beneficiary, the pass-through account, the fan hub, the fast or reactivated or probing
  account). By an analytic when an alert names it among its ``accounts``. The README convention
  ("party": both parties of every flagged transfer) is reported beside it;
- precision = TP/(TP+FP) (0 when nothing is predicted), recall = TP/(TP+FN),
  F1 = 2PR/(P+R) (0 when P+R = 0);
- baselines scored the same way: every account; the 10% of accounts (floor) with the most
  transfers sent plus received, ties broken by account id;
- per pattern: positives are that pattern's accounts, negatives the non-laundering accounts;
  other patterns' accounts are left out. Patterns come from a ``pattern`` column when the data
  has one (``a;b`` puts an account in both); otherwise they are inferred (``infer_patterns``)
  and reported as inferred.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ledger.aml.engine import FLAG_ORDER, SUSPICION_FLAGS
from nodes.regulator.analytics import ALERT_KINDS, AnalyticsParams, Transfer
from nodes.tools.aml_replay import ReplayResult, read_transfers, replay_rules

UNATTRIBUTED = "unattributed"


@dataclass(frozen=True, slots=True)
class Metrics:
    predicted: int
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class Labels:
    universe: frozenset[str]
    positives: frozenset[str]
    patterns: dict[str, frozenset[str]]
    """pattern name -> its positive accounts."""
    inferred: bool


def compute_metrics(predicted: Iterable[str], positives: Iterable[str],
                    universe: Iterable[str]) -> Metrics:
    """Precision, recall and F1 of ``predicted`` within ``universe`` (see the module docstring)."""
    scope = set(universe)
    guessed = set(predicted) & scope
    actual = set(positives) & scope
    tp = len(guessed & actual)
    fp = len(guessed) - tp
    fn = len(actual) - tp
    precision = tp / len(guessed) if guessed else 0.0
    recall = tp / len(actual) if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metrics(len(guessed), tp, fp, fn, precision, recall, f1)


def read_labels(path: Path, transfers: Sequence[Transfer]) -> Labels:
    """Labels from ``accounts.csv``; patterns from its ``pattern`` column or inferred."""
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    universe = frozenset(r["account"] for r in rows)
    positives = frozenset(r["account"] for r in rows if r["is_laundering"].strip() == "1")
    if rows and "pattern" in rows[0]:
        groups: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            if r["account"] in positives:
                # An account in several patterns ("a;b") is a positive of each of them.
                names = [n.strip() for n in r["pattern"].split(";") if n.strip()]
                for name in names or [UNATTRIBUTED]:
                    groups[name].add(r["account"])
        return Labels(universe, positives, {k: frozenset(v) for k, v in groups.items()}, False)
    return Labels(universe, positives, infer_patterns(transfers, positives), True)


def infer_patterns(transfers: Sequence[Transfer],
                   positives: frozenset[str]) -> dict[str, frozenset[str]]:
    """Best-effort pattern membership when the labels do not name it (AMLSim fan-in/cycle).

    Pattern transfers are taken to be the repeated ones between two laundering accounts (the
    same payer paid the same payee at least twice: the generator executes each pattern edge on
    several days). Their weakly connected components are fan-in when some account in the
    component is paid by two or more distinct members, else cycle (paths and rings). Laundering
    accounts in no component are "unattributed". Only used to split the evaluation by pattern,
    never by the rules.
    """
    pair_counts = Counter((t.sender, t.receiver) for t in transfers
                          if t.sender != t.receiver and t.sender in positives
                          and t.receiver in positives)
    edges = [pair for pair, count in pair_counts.items() if count >= 2]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    components: dict[str, set[str]] = defaultdict(set)
    payers: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        components[find(a)].update((a, b))
        payers[b].add(a)
    groups: dict[str, set[str]] = {"fan_in": set(), "cycle": set(), UNATTRIBUTED: set()}
    for members in components.values():
        is_fan = any(len(payers[m]) >= 2 for m in members)
        groups["fan_in" if is_fan else "cycle"].update(members)
    groups[UNATTRIBUTED] = set(positives) - groups["fan_in"] - groups["cycle"]
    return {k: frozenset(v) for k, v in groups.items() if v}


def compute_predictions(result: ReplayResult, universe: frozenset[str]) -> dict[str, set[str]]:
    """Predictor name -> predicted accounts (rules, analytics, their union, the baselines)."""
    by_flag: dict[str, set[str]] = defaultdict(set)
    for account, flags in result.implicated.items():
        for flag in flags:
            by_flag[flag].add(account)
    by_alert: dict[str, set[str]] = defaultdict(set)
    for account, kinds in result.alert_accounts().items():
        for kind in kinds:
            by_alert[kind].add(account)
    rules = set().union(*by_flag.values()) if by_flag else set()
    analytics = set().union(*by_alert.values()) if by_alert else set()
    party_rules: set[str] = set()
    for t in result.transfers:
        if SUSPICION_FLAGS & set(result.tx_flags[t.tx_id]):
            party_rules.update((t.sender, t.receiver))
    party_analytics: set[str] = set()
    evidence = set(result.alert_kinds_by_tx())
    for t in result.transfers:
        if t.tx_id in evidence:
            party_analytics.update((t.sender, t.receiver))
    predictions: dict[str, set[str]] = {
        "rules+analytics": rules | analytics,
        "rules": rules,
        "analytics": analytics,
        "rules+analytics (party)": party_rules | party_analytics,
        "rules (party)": party_rules,
    }
    for flag in FLAG_ORDER:
        if flag in SUSPICION_FLAGS:
            predictions[f"  rule {flag}"] = by_flag.get(flag, set())
    for kind in ALERT_KINDS:
        predictions[f"  alert {kind}"] = by_alert.get(kind, set())
    predictions["baseline: every account"] = set(universe)
    predictions["baseline: top 10% by transfers"] = compute_top_decile(result.transfers, universe)
    return predictions


def compute_top_decile(transfers: Sequence[Transfer], universe: frozenset[str]) -> set[str]:
    """The floor(10%) accounts of ``universe`` with the most transfers (ties: account id)."""
    counts: Counter[str] = Counter()
    for t in transfers:
        counts[t.sender] += 1
        counts[t.receiver] += 1
    ranked = sorted(universe, key=lambda a: (-counts[a], a))
    return set(ranked[: len(ranked) // 10])


@dataclass
class Evaluation:
    labels: Labels
    result: ReplayResult
    scores: dict[str, dict[str, Metrics]]
    """predictor -> scope ("overall" or a pattern) -> metrics."""

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": len(self.labels.universe),
            "laundering_accounts": len(self.labels.positives),
            "patterns": {k: len(v) for k, v in self.labels.patterns.items()},
            "patterns_inferred": self.labels.inferred,
            "transfers": len(self.result.transfers),
            "scores": {p: {s: asdict(m) for s, m in by.items()} for p, by in self.scores.items()},
        }


def evaluate(result: ReplayResult, labels: Labels) -> Evaluation:
    """Score every predictor overall and per pattern."""
    negatives = labels.universe - labels.positives
    scores: dict[str, dict[str, Metrics]] = {}
    for name, predicted in compute_predictions(result, labels.universe).items():
        by_scope = {"overall": compute_metrics(predicted, labels.positives, labels.universe)}
        for pattern, members in labels.patterns.items():
            by_scope[pattern] = compute_metrics(predicted, members, negatives | members)
        scores[name] = by_scope
    return Evaluation(labels, result, scores)


def run_evaluation(data_dir: Path, params: Mapping[str, Any] | None = None,
                   analytics: AnalyticsParams | None = None) -> Evaluation:
    """Replay ``data_dir/transactions.csv`` and score it against ``data_dir/accounts.csv``."""
    transfers = read_transfers(data_dir / "transactions.csv")
    labels = read_labels(data_dir / "accounts.csv", transfers)
    result = replay_rules(transfers, dict(params or {}), analytics)
    return evaluate(result, labels)


def format_evaluation(evaluation: Evaluation) -> str:
    """A fixed-width table: predictors by rows; overall and per-pattern P / R / F1."""
    labels = evaluation.labels
    scopes = ["overall", *sorted(labels.patterns)]
    head = f"{'predictor':<34}" + "".join(f"{s[:22]:>24}" for s in scopes) + f"{'predicted':>11}"
    sub = f"{'':<34}" + "".join(f"{'P     R     F1':>24}" for _ in scopes) + f"{'(TP)':>11}"
    lines = [head, sub]
    for name, by_scope in evaluation.scores.items():
        cells = "".join(
            f"{by_scope[s].precision:>12.3f}{by_scope[s].recall:>6.3f}{by_scope[s].f1:>6.3f}"
            for s in scopes)
        overall = by_scope["overall"]
        lines.append(f"{name:<34}{cells}{overall.predicted:>6}({overall.tp})")
    sizes = ", ".join(f"{k}={len(v)}" for k, v in sorted(labels.patterns.items()))
    lines.append(
        f"accounts={len(labels.universe)} laundering={len(labels.positives)} patterns"
        f"{' (inferred, see docs/aml.md)' if labels.inferred else ''}: {sizes}")
    return "\n".join(lines)


def write_json(evaluation: Evaluation, path: Path) -> None:
    path.write_text(json.dumps(evaluation.to_json(), indent=2, sort_keys=True) + "\n")
