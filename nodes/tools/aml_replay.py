"""Offline replay of the AML rules over a CSV of transfers (SPEC §6, ``ntdc aml-replay``).

Input columns: ``tx_id,timestamp,sender,receiver,amount_ntd`` (ISO-8601 timestamps; amounts in
NT$, whole or with up to two decimals). The replay runs THE SAME rule code as the chain: it
builds a ``LedgerState`` from a genesis, puts an ``Account`` record for every name in the CSV
straight into ``state.accounts`` and calls ``ledger.aml.engine.process_movement_hits`` per row
with the row's time as block time. Balances are not tracked (flags do not depend on them), and a
row that pays itself gets no flags, as the chain would reject it. The regulator analytics
(``nodes.regulator.analytics``) then run over the same transfers.

Outputs: per transfer ``tx_id,flags`` (rule flags then analytic alert kinds whose evidence
includes it, ``;``-separated, empty if none); optionally per account ``account,flags`` with the
suspicion flags and alert kinds that implicate that account (see docs/aml.md, "Roles").
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ledger.aml.engine import FLAG_ORDER, SUSPICION_FLAGS, process_movement_hits
from ledger.aml.params import PARAM_SPECS, ParamKind, compute_param_value
from ledger.chain_state import LedgerState
from ledger.genesis import BankEntry, Genesis, create_genesis_state
from ledger.model import Account
from ledger.types import MINOR_UNITS_PER_NTD, AccountKind, AccountStatus, RiskTier
from nodes.regulator.analytics import ALERT_KINDS, Alert, AnalyticsParams, Transfer, compute_alerts

COLUMNS = ("tx_id", "timestamp", "sender", "receiver", "amount_ntd")
REPLAY_BANK = "REPLAY"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_AMOUNT_RE = re.compile(r"^([0-9]{1,16})(?:\.([0-9]{1,2}))?$")


class ReplayInputError(ValueError):
    """The CSV cannot be replayed; the message names the row and what is wrong."""


def parse_timestamp_ms(text: str) -> int:
    """ISO-8601 timestamp -> ms since the epoch (integer arithmetic; no zone means UTC)."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MS


def parse_ntd_amount(text: str) -> int:
    """NT$ amount ("1500" or "1500.5" or "1500.50") -> minor units, without floats."""
    match = _AMOUNT_RE.match(text.strip())
    if match is None:
        raise ValueError(f"amount {text!r} is not a non-negative NT$ figure")
    whole, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * MINOR_UNITS_PER_NTD + int(cents)


def read_transfers(path: Path) -> list[Transfer]:
    """The CSV's rows as transfers, in file order."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ReplayInputError(f"{path}: missing columns {sorted(missing)}; need {COLUMNS}")
        transfers = []
        for line, row in enumerate(reader, start=2):
            try:
                transfers.append(Transfer(
                    tx_id=row["tx_id"], time_ms=parse_timestamp_ms(row["timestamp"]),
                    sender=row["sender"], receiver=row["receiver"],
                    amount=parse_ntd_amount(row["amount_ntd"]),
                ))
            except ValueError as exc:
                raise ReplayInputError(f"{path} line {line}: {exc}") from None
    return transfers


def parse_param_overrides(items: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` overrides of AML parameters (what-if runs), checked like set_aml_params.

    Counts, durations, percentages and amounts (minor units) are integers; account kinds are a
    comma-separated list."""
    overrides: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        spec = PARAM_SPECS.get(name.strip())
        if not sep or spec is None:
            raise ValueError(f"--param {item!r}: expected NAME=VALUE with NAME one of "
                             f"{', '.join(sorted(PARAM_SPECS))}")
        value: Any
        if spec.kind is ParamKind.ACCOUNT_KINDS:
            value = [k.strip() for k in text.split(",") if k.strip()]
        elif spec.kind is ParamKind.AMOUNT:
            value = text.strip()
        else:
            try:
                value = int(text)
            except ValueError:
                raise ValueError(f"--param {item!r}: {name} takes an integer") from None
        overrides[name.strip()] = compute_param_value(name.strip(), value)
    return overrides


def create_replay_state(account_names: Iterable[str], genesis_time_ms: int,
                        params: dict[str, Any] | None = None) -> LedgerState:
    """A genesis state (default parameters unless overridden) holding an account per name."""
    genesis = Genesis(
        chain_id="ntdc-aml-replay", genesis_time_ms=genesis_time_ms, validators=[],
        banks=[BankEntry(bank_id=REPLAY_BANK, operator_key="", sealing_key="")],
        roles={}, sealing_keys={}, params=dict(params or {}),
    )
    state = create_genesis_state(genesis)
    for name in account_names:
        if name not in state.accounts:
            state.accounts.set(name, Account(
                id=name, public_key="", kind=AccountKind.INDIVIDUAL, home_bank=REPLAY_BANK,
                status=AccountStatus.ACTIVE, risk_tier=RiskTier.LOW, nonce=0, available=0,
                pledged=0, held=0, identity_commitment="", leaf_salt="00" * 32,
                registered_height=0, last_active_ms=genesis_time_ms,
            ))
    return state


@dataclass
class ReplayResult:
    transfers: list[Transfer]
    tx_flags: dict[str, list[str]]
    """tx_id -> rule flags in receipt order."""
    implicated: dict[str, set[str]]
    """account -> suspicion flags that implicate it (the Hit's account)."""
    alerts: list[Alert] = field(default_factory=list)
    self_payments: int = 0
    reordered: bool = False

    def alert_kinds_by_tx(self) -> dict[str, list[str]]:
        """tx_id -> analytic alert kinds whose evidence includes it."""
        kinds: dict[str, set[str]] = defaultdict(set)
        for alert in self.alerts:
            for tx_id in alert.tx_ids:
                kinds[tx_id].add(alert.kind)
        return {tx: [k for k in ALERT_KINDS if k in found] for tx, found in kinds.items()}

    def alert_accounts(self) -> dict[str, set[str]]:
        """account -> analytic alert kinds that implicate it."""
        named: dict[str, set[str]] = defaultdict(set)
        for alert in self.alerts:
            for account in alert.accounts:
                named[account].add(alert.kind)
        return named


def replay_rules(transfers: Sequence[Transfer], params: dict[str, Any] | None = None,
                 analytics: AnalyticsParams | None = None,
                 run_analytics: bool = True) -> ReplayResult:
    """Run the chain's AML rules (and the analytics) over ``transfers``."""
    order = sorted(range(len(transfers)), key=lambda i: transfers[i].time_ms)
    reordered = order != list(range(len(transfers)))
    ordered = [transfers[i] for i in order]
    names: dict[str, None] = {}
    for t in ordered:
        names.setdefault(t.sender)
        names.setdefault(t.receiver)
    start_ms = ordered[0].time_ms if ordered else 0
    state = create_replay_state(names, start_ms, params)
    accounts = state.accounts
    tx_flags: dict[str, list[str]] = {}
    implicated: dict[str, set[str]] = defaultdict(set)
    self_payments = 0
    for t in ordered:
        if t.sender == t.receiver:
            # The chain rejects a self-payment (SELF_TRANSFER), so it raises no flags.
            self_payments += 1
            tx_flags[t.tx_id] = []
            continue
        hits = process_movement_hits(state, t.time_ms, "transfer", accounts[t.sender],
                                     accounts[t.receiver], t.amount)
        raised = {hit.flag for hit in hits}
        tx_flags[t.tx_id] = [flag for flag in FLAG_ORDER if flag in raised]
        for hit in hits:
            if hit.flag in SUSPICION_FLAGS:
                implicated[hit.account].add(hit.flag)
    alerts = compute_alerts(ordered, analytics) if run_analytics else []
    return ReplayResult(list(transfers), tx_flags, dict(implicated), alerts, self_payments,
                        reordered)


def write_tx_flags(result: ReplayResult, path: Path) -> None:
    """``tx_id,flags`` in input order: rule flags, then analytic alert kinds."""
    by_tx = result.alert_kinds_by_tx()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("tx_id", "flags"))
        for t in result.transfers:
            writer.writerow((t.tx_id, ";".join(result.tx_flags[t.tx_id] + by_tx.get(t.tx_id, []))))


def write_account_flags(result: ReplayResult, path: Path) -> None:
    """``account,flags``: every account some suspicion flag or alert implicates, sorted."""
    named = result.alert_accounts()
    order = [*FLAG_ORDER, *ALERT_KINDS]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("account", "flags"))
        for account in sorted(set(result.implicated) | set(named)):
            found = result.implicated.get(account, set()) | named.get(account, set())
            writer.writerow((account, ";".join(k for k in order if k in found)))


def compute_counts(result: ReplayResult) -> dict[str, tuple[int, int]]:
    """flag or alert kind -> (transfers carrying it, accounts it implicates)."""
    tx_counts: Counter[str] = Counter()
    for flags in result.tx_flags.values():
        tx_counts.update(flags)
    for kinds in result.alert_kinds_by_tx().values():
        tx_counts.update(kinds)
    account_counts: Counter[str] = Counter()
    for found in result.implicated.values():
        account_counts.update(found)
    for found in result.alert_accounts().values():
        account_counts.update(found)
    return {k: (tx_counts[k], account_counts[k]) for k in (*FLAG_ORDER, *ALERT_KINDS)}


def format_counts(result: ReplayResult) -> str:
    """Per-flag counts as a small table."""
    lines = [f"{'flag':<22}{'transfers':>10}{'accounts':>10}"]
    for kind, (txs, accounts) in compute_counts(result).items():
        shown = "-" if kind == "LARGE_VALUE" else str(accounts)
        lines.append(f"{kind:<22}{txs:>10}{shown:>10}")
    alerts = Counter(a.kind for a in result.alerts)
    lines.append("alerts: " + ", ".join(f"{k}={alerts[k]}" for k in ALERT_KINDS))
    flagged = sum(1 for flags in result.tx_flags.values() if set(flags) & SUSPICION_FLAGS)
    lines.append(f"transfers: {len(result.transfers)}; with a suspicion flag: {flagged}; "
                 f"self-payments skipped: {result.self_payments}"
                 + ("; input was not in time order (replayed sorted by time)"
                    if result.reordered else ""))
    return "\n".join(lines)
