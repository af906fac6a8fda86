"""Reading alerts and analytics input out of a verified block (pure functions).

* ``compute_flag_alerts``: one alert per (flag, transaction) for every flag in an applied
  receipt. Receipts carry flag names only, so the alert's ``accounts`` are the movement's
  parties (the rule implicates one of them, see docs/aml.md §2; for LARGE_VALUE, all of them).
* ``compute_order_alerts``: one informational alert per applied enforcement or AML-parameter
  order, with its order id and legal basis read from the signed body in the block.
* ``compute_window_transfers``: the applied holder-to-holder transfers the analytics look at.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.aml.engine import LARGE_VALUE, SUSPICION_FLAGS
from ledger.block import Block
from ledger.crypto.keys import is_account_id
from ledger.enforcement.model import OrderKind
from ledger.receipts import Receipt
from nodes.regulator.analytics import ALERT_KINDS, Transfer
from nodes.regulator.supervision.model import (
    AlertCandidate,
    Category,
    Evidence,
    Source,
    format_ntd,
)

ORDER_KINDS = frozenset({*(kind.value for kind in OrderKind), "set_aml_params"})
"""Receipt kinds that are regulator or police orders (each carries order_id and legal_basis)."""
ORDER_RULE_PREFIX = "ORDER_"
"""Order alerts are named after the order kind: ORDER_POLICE_HOLD, ORDER_FREEZE, …"""

PARTY_ROLES = {"debit": "payer", "credit": "payee", "mint": "recipient", "redeem": "redeemer"}
"""What a movement's effect makes of the account it names."""


@dataclass(frozen=True, slots=True)
class WindowTransfer:
    """A transfer for the analytics, with where it sits in the chain."""

    transfer: Transfer
    height: int
    index: int


def get_category(rule: str) -> Category:
    """The category of a receipt flag or an analytics kind."""
    if rule == LARGE_VALUE:
        return Category.REPORTING
    if rule in SUSPICION_FLAGS or rule in ALERT_KINDS:
        return Category.SUSPICION
    if rule.startswith(ORDER_RULE_PREFIX):
        return Category.INFORMATION
    return Category.OTHER


def get_parties(receipt: Receipt) -> list[dict[str, str]]:
    """The accounts a receipt moves money for, each once, with their role."""
    seen: dict[str, dict[str, str]] = {}
    for effect in receipt.effects:
        if effect.amount > 0 and effect.account and effect.account not in seen:
            seen[effect.account] = {"account": effect.account,
                                    "role": PARTY_ROLES.get(effect.op, effect.op)}
    return list(seen.values())


def compute_movement_amount(receipt: Receipt) -> int:
    """The largest amount a receipt's effects move (the transfer, mint or redeem amount)."""
    return max((effect.amount for effect in receipt.effects), default=0)


def compute_flag_alerts(height: int, time_ms: int,
                        receipts: Sequence[Receipt]) -> list[AlertCandidate]:
    """One alert per flag of every applied receipt in the block, in block and flag order."""
    alerts = []
    for receipt in receipts:
        if not receipt.applied or not receipt.flags:
            continue
        parties = get_parties(receipt)
        amount = compute_movement_amount(receipt)
        evidence = (Evidence(receipt.tx_id, height, receipt.index, time_ms, amount),)
        accounts = tuple(p["account"] for p in parties)
        who = ", ".join(f"{p['role']} {p['account']}" for p in parties) or receipt.signer
        for flag in dict.fromkeys(receipt.flags):
            alerts.append(AlertCandidate(
                source=Source.RECEIPT_FLAG, rule=flag, category=get_category(flag),
                height=height, time_ms=time_ms, accounts=accounts, evidence=evidence,
                summary=f"{flag} on {receipt.kind} of NT${format_ntd(amount)} ({who})",
                details={"kind": receipt.kind, "signer": receipt.signer,
                         "flags": list(receipt.flags), "parties": parties}))
    return alerts


def _read_body(block: Block, index: int) -> dict[str, Any]:
    try:
        envelope = json.loads(block.txs[index])
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}
    body = envelope.get("body") if isinstance(envelope, dict) else None
    return body if isinstance(body, dict) else {}


def compute_order_alerts(block: Block, receipts: Sequence[Receipt]) -> list[AlertCandidate]:
    """One informational alert per applied order in the block."""
    height, time_ms = block.header.height, block.header.time_ms
    alerts = []
    for receipt in receipts:
        if not receipt.applied or receipt.kind not in ORDER_KINDS:
            continue
        body = _read_body(block, receipt.index)
        order_id = str(body.get("order_id", ""))
        accounts = tuple(dict.fromkeys(e.account for e in receipt.effects
                                       if is_account_id(e.account)))
        rule = ORDER_RULE_PREFIX + receipt.kind.upper()
        moved = compute_movement_amount(receipt)
        target = f" on {', '.join(accounts)}" if accounts else ""
        alerts.append(AlertCandidate(
            source=Source.ENFORCEMENT, rule=rule, category=Category.INFORMATION,
            height=height, time_ms=time_ms, accounts=accounts,
            evidence=(Evidence(receipt.tx_id, height, receipt.index, time_ms, moved),),
            summary=f"{receipt.kind} order {order_id} by {receipt.signer}{target}",
            details={"kind": receipt.kind, "order_id": order_id, "issuer": receipt.signer,
                     "legal_basis": str(body.get("legal_basis", "")),
                     "effects": [{"op": e.op, "account": e.account, "amount": str(e.amount),
                                  "ref": e.ref} for e in receipt.effects]}))
    return alerts


def compute_block_alerts(block: Block, receipts: Sequence[Receipt]) -> list[AlertCandidate]:
    """Every flag and order alert of one verified block."""
    header = block.header
    return [*compute_flag_alerts(header.height, header.time_ms, receipts),
            *compute_order_alerts(block, receipts)]


def compute_window_transfers(height: int, time_ms: int,
                             receipts: Sequence[Receipt]) -> list[WindowTransfer]:
    """The block's applied transfers between holders (payer, payee, amount)."""
    out = []
    for receipt in receipts:
        if not receipt.applied or receipt.kind != "transfer":
            continue
        debit = next((e for e in receipt.effects if e.op == "debit"), None)
        credit = next((e for e in receipt.effects if e.op == "credit"), None)
        if debit is None or credit is None:
            continue
        out.append(WindowTransfer(
            Transfer(receipt.tx_id, time_ms, debit.account, credit.account, debit.amount),
            height, receipt.index))
    return out
