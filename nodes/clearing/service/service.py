"""``MarginService``: the clearing house's margin service, a client of the chain with the ccp key.

What it does, and the transactions it signs:

* **positions** (``set_positions``): a member's futures positions (TX, MTX, BTCSQ) are booked,
  its initial margin is computed (HS-ES by default, or SPAN) at the current prices and, if it
  changed, posted on chain (``post_requirement``). The chain opens a margin call when the
  member's collateral value falls below it.
* **prices** (``post_prices``: an intraday re-mark, e.g. a price shock): every member's
  requirement is recomputed at the new prices and the changed ones are posted.
* **daily settlement** (``post_settlement_prices``): settlement prices (for the spot-quoted
  future, spot plus the financing adjustment) give every member's variation margin since the
  last *applied* settlement; all legs go in ONE ``variation_settlement`` (the CCP's own account
  absorbs any difference, so the legs net to zero), followed by the new requirements.
* **calls and defaults** (``watch_once``, run periodically): members' collateral is read from
  the node (``/v1/collateral/report``); a call whose deadline has passed by block time is in
  default, and the service posts ``liquidate`` for it (the chain takes min(pledged, shortfall at
  default) into the CCP's account), once per default.
* **close-out** (``close_out``): after a default, the member's positions are closed and a zero
  requirement (method ``CLOSE-OUT``) posted, which ends the default on chain.

Every chain answer is kept as an event; refusals and unpaid settlements become operational
incidents for the weekly report. Time is injected (``clock``) so tests control it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledger.collateral.reports import OperationalIncident, format_time
from ledger.crypto.keys import PrivateKey, compute_account_id, is_account_id
from ledger.genesis import DEFAULT_PARAMS, Genesis
from nodes.clearing.margin import (
    CONTRACTS,
    ContractCode,
    Quotation,
    compute_spot_quoted_settlement_price,
    compute_variation_margin,
    get_multipliers,
)
from nodes.clearing.margin.arithmetic import to_price, to_tick_multiple
from nodes.clearing.margin.errors import InvalidMarginInput, MarginError
from nodes.clearing.service.book import MarginBooks, check_positions, save_books
from nodes.clearing.service.gateway import API_MODE, ChainGateway
from nodes.clearing.service.histories import PriceHistories, load_histories
from nodes.clearing.service.model import (
    ChainOutcome,
    MarginMethod,
    MarginParameters,
    RequirementResult,
    SpotQuote,
)
from nodes.clearing.service.requirements import MarginCalculator
from nodes.clearing.service.transactor import CcpTransactor, Item

log = logging.getLogger("ntdc.clearing")

CLOSE_OUT = "CLOSE-OUT"
MAX_EVENTS = 2_000
LIQUIDATION_ATTEMPTS = 5
"""Refused liquidations of one call before the service stops trying (and reports it)."""


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


class ServiceError(Exception):
    """A request the service refuses: ``code`` is stable, ``detail`` says what to do."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass
class TrackedCall:
    """A margin call the service knows of, and what it did about it."""

    call_id: str
    member: str
    status: str
    deadline_ms: int
    """From the node's report, or estimated (raw mode) as seen + the call deadline."""
    attempts: int = 0


@dataclass
class PendingSettlement:
    """A variation settlement whose fate is not known yet (no final receipt in time)."""

    body: dict[str, Any]
    target_marks: dict[ContractCode, Decimal]


@dataclass
class RunResult:
    """What one margin run computed and what the chain answered."""

    requirements: list[RequirementResult] = field(default_factory=list)
    outcomes: list[ChainOutcome] = field(default_factory=list)
    settlement: dict[str, Any] | None = None
    compute_ms: float = 0.0
    chain_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "requirements": [r.to_json() for r in self.requirements],
            "transactions": [o.to_json() for o in self.outcomes],
            "settlement": self.settlement,
            "calls_opened": [e["ref"] for o in self.outcomes for e in o.get_effects("margin_call")],
            "calls_met": [e["ref"] for o in self.outcomes
                          for e in o.get_effects("margin_call_met")],
            "compute_ms": round(self.compute_ms, 2), "chain_ms": round(self.chain_ms, 2),
        }


class MarginService:
    """Books positions and prices, computes margin, and signs the CCP's transactions."""

    def __init__(self, genesis: Genesis, key: PrivateKey, gateway: ChainGateway, *,
                 params: MarginParameters | None = None,
                 histories: PriceHistories | None = None,
                 books: MarginBooks | None = None, books_path: Path | None = None,
                 clock: Callable[[], int] = wall_clock_ms,
                 liquidation_grace_ms: int = 500) -> None:
        if str(key.public_key()) != genesis.roles.get("ccp"):
            raise ValueError("this key is not the ccp role key named in the genesis file")
        self.genesis = genesis
        self.params = params or MarginParameters()
        self.histories = histories or load_histories(
            "seeded", self.params.lookback_days + self.params.holding_days)
        self.calculator = MarginCalculator(self.histories, self.params)
        self.gateway = gateway
        self.transactor = CcpTransactor(key, genesis.chain_id, gateway)
        self.ccp_account = compute_account_id(key.public_key())
        self.books = books or MarginBooks()
        self.books_path = books_path
        self.clock = clock
        self.liquidation_grace_ms = liquidation_grace_ms
        self.call_deadline_ms = int(genesis.params.get(
            "collateral_call_deadline_ms", DEFAULT_PARAMS["collateral_call_deadline_ms"]))
        self.calls: dict[str, TrackedCall] = {}
        self.incidents: list[OperationalIncident] = []
        self.events: deque[dict[str, Any]] = deque(maxlen=MAX_EVENTS)
        self._event_seq = 0
        self._pending: PendingSettlement | None = None
        self._lock = threading.RLock()

    # -- events ----------------------------------------------------------------------------
    def record_event(self, kind: str, **detail: Any) -> None:
        """Keep an event (calls, settlements, liquidations, refusals) and log it."""
        now = self.clock()
        self._event_seq += 1
        event = {"seq": self._event_seq, "time_ms": now, "at": format_time(now), "kind": kind,
                 **detail}
        self.events.append(event)
        # Extra fields become JSON keys of the structured log line ("event" plus the details).
        log.info("clearing %s", kind, extra={"event": kind, **{f"detail_{k}": v
                                                              for k, v in detail.items()}})

    def record_incident(self, category: str, description: str, reference: str = "") -> None:
        """An operational incident for the regulator's weekly report."""
        self.incidents.append(OperationalIncident(self.clock(), category, description, reference))
        self.record_event("incident", category=category, description=description,
                          reference=reference)

    def _observe(self, outcome: ChainOutcome) -> None:
        """Track calls and liquidations the chain reported in a receipt."""
        for effect in outcome.effects:
            op, ref, account = effect["op"], effect["ref"], effect["account"]
            if op == "margin_call":
                self.calls[ref] = TrackedCall(ref, account, "open",
                                              self.clock() + self.call_deadline_ms)
                self.record_event("call_opened", call_id=ref, member=account,
                                  shortfall=effect["amount"], tx_id=outcome.tx_id)
            elif op == "margin_call_met":
                self._set_call(ref, account, "met")
                self.record_event("call_met", call_id=ref, member=account, tx_id=outcome.tx_id)
            elif op == "liquidate":
                self._set_call(ref, account, "liquidated")
                self.record_event("liquidated", call_id=ref, member=account,
                                  amount=effect["amount"], tx_id=outcome.tx_id)
            elif op == "default_ended":
                self._set_call(ref, account, "default_ended")
                self.record_event("default_ended", call_id=ref, member=account,
                                  tx_id=outcome.tx_id)
        if outcome.status in ("rejected", "refused"):
            self.record_event("refused", tx_kind=outcome.kind, reason=outcome.reason,
                              message=outcome.message, tx_id=outcome.tx_id)

    def _set_call(self, call_id: str, member: str, status: str) -> None:
        call = self.calls.get(call_id)
        if call is None:
            self.calls[call_id] = TrackedCall(call_id, member, status, 0)
        else:
            call.status = status

    def _transact(self, items: list[Item], result: RunResult) -> list[ChainOutcome]:
        started = time.perf_counter()
        outcomes = self.transactor.transact(items)
        result.chain_ms += (time.perf_counter() - started) * 1000
        result.outcomes.extend(outcomes)
        for outcome in outcomes:
            self._observe(outcome)
        return outcomes

    def _save(self) -> None:
        if self.books_path is not None:
            save_books(self.books_path, self.books)

    # -- margin ----------------------------------------------------------------------------
    def get_method(self, account: str) -> MarginMethod:
        book = self.books.members.get(account)
        return (book.method if book is not None and book.method else None) or \
            self.params.default_method

    def compute_requirement(self, account: str,
                            method: MarginMethod | None = None) -> RequirementResult:
        """The member's requirement at the current prices (computed, not posted)."""
        with self._lock:
            book = self.books.members.get(account)
            positions = dict(book.positions) if book is not None else {}
            prices = dict(self.books.current_prices)
        return self.calculator.compute(account, positions, prices,
                                       method or self.get_method(account))

    def _requirement_items(self, accounts: list[str], result: RunResult,
                           force: bool = False) -> list[Item]:
        """post_requirement for every member whose requirement differs from the one posted."""
        started = time.perf_counter()
        items: list[Item] = []
        now = format_time(self.clock())
        for account in accounts:
            book = self.books.get_member(account)
            computed = self.compute_requirement(account)
            result.requirements.append(computed)
            if (not force and computed.requirement == book.posted_requirement
                    and computed.method.value == book.posted_method):
                continue
            self.books.run_seq += 1
            reference = (f"{computed.method.value} run MR-{self.books.run_seq:06d} at {now}: "
                         f"{len(computed.positions)} contract(s), history "
                         f"{self.histories.source}")
            items.append(("post_requirement", {
                "member": account, "requirement": str(computed.requirement),
                "method": computed.method.value, "reference": reference}))
        result.compute_ms += (time.perf_counter() - started) * 1000
        return items

    def _record_posted(self, outcomes: list[ChainOutcome]) -> None:
        for outcome in outcomes:
            if outcome.kind != "post_requirement" or not outcome.applied:
                continue
            body = outcome.body
            book = self.books.get_member(body["member"])
            book.posted_requirement = int(body["requirement"])
            book.posted_method = body["method"]
            book.posted_reference = body["reference"]
            book.posted_tx = outcome.tx_id

    def set_positions(self, account: str, positions: Mapping[str, int],
                      method: MarginMethod | None = None, post: bool = True) -> RunResult:
        """Book a member's positions (replacing the previous ones) and post its requirement."""
        if not is_account_id(account):
            raise ServiceError(422, "MALFORMED_REQUEST", f"{account!r} is not an NTDC account id")
        checked = check_positions(dict(positions))
        with self._lock:
            book = self.books.get_member(account)
            book.positions = checked
            book.method = method
            result = RunResult()
            items = self._requirement_items([account], result)
            self._save()
            if post:
                self._record_posted(self._transact(items, result))
                self._save()
            return result

    def post_requirements(self, accounts: list[str] | None = None,
                          force: bool = False) -> RunResult:
        """Recompute and post the requirements of ``accounts`` (default: every member)."""
        with self._lock:
            result = RunResult()
            chosen = accounts if accounts is not None else sorted(self.books.members)
            items = self._requirement_items(chosen, result, force)
            self._record_posted(self._transact(items, result))
            self._save()
            return result

    # -- prices ----------------------------------------------------------------------------
    def compute_new_marks(self, futures: Mapping[str, Decimal],
                          spot_quoted: Mapping[str, SpotQuote]) -> dict[ContractCode, Decimal]:
        """The current prices with these updates (spot-quoted: spot + financing adjustment)."""
        marks = dict(self.books.current_prices)
        for code, price in futures.items():
            contract = CONTRACTS.get(ContractCode(code))
            if contract is None:
                raise InvalidMarginInput(f"prices[{code}]", "unknown contract",
                                         f"use one of {', '.join(sorted(CONTRACTS))}")
            if contract.quotation is Quotation.SPOT_QUOTED:
                raise InvalidMarginInput(f"prices[{code}]", "a spot-quoted future settles at "
                                         "spot plus its financing adjustment",
                                         "send it under spot_quoted with the financing terms")
            marks[contract.code] = to_tick_multiple(to_price(price, f"prices[{code}]"),
                                                    contract.tick_size, f"prices[{code}]")
        for code, quote in spot_quoted.items():
            contract = CONTRACTS.get(ContractCode(code))
            if contract is None or contract.quotation is not Quotation.SPOT_QUOTED:
                raise InvalidMarginInput(f"spot_quoted[{code}]", "not a spot-quoted contract",
                                         "send futures-price contracts under prices")
            marks[contract.code] = compute_spot_quoted_settlement_price(
                quote.spot, quote.annual_rate_bps, quote.days_to_expiry, contract.tick_size)
        return marks

    def post_prices(self, futures: Mapping[str, Decimal],
                    spot_quoted: Mapping[str, SpotQuote] | None = None) -> RunResult:
        """Intraday re-mark (e.g. a price shock): recompute and post changed requirements."""
        with self._lock:
            self.books.current_prices = self.compute_new_marks(futures, spot_quoted or {})
            self._save()
            return self.post_requirements()

    def post_settlement_prices(self, futures: Mapping[str, Decimal],
                               spot_quoted: Mapping[str, SpotQuote] | None = None,
                               settlement_id: str | None = None) -> RunResult:
        """Daily settlement: one atomic variation settlement, then the new requirements."""
        with self._lock:
            self._resolve_pending_settlement()
            marks = self.compute_new_marks(futures, spot_quoted or {})
            result = RunResult()
            started = time.perf_counter()
            body = self._settlement_body(marks, settlement_id)
            result.compute_ms += (time.perf_counter() - started) * 1000
            self.books.current_prices = marks
            items: list[Item] = [("variation_settlement", body)] if body is not None else []
            items += self._requirement_items(sorted(self.books.members), result)
            outcomes = self._transact(items, result)
            self._record_posted(outcomes)
            if body is None:
                self.books.settled_marks = dict(marks)
                result.settlement = {"status": "nothing to settle", "marks": _prices(marks)}
            else:
                result.settlement = self._record_settlement(body, marks, outcomes[0])
            self._save()
            return result

    def _settlement_body(self, marks: dict[ContractCode, Decimal],
                         settlement_id: str | None) -> dict[str, Any] | None:
        """The variation_settlement body from the settled marks to ``marks`` (None if no leg)."""
        multipliers = get_multipliers(CONTRACTS.values())
        variation = compute_variation_margin(self.books.get_positions(), self.books.settled_marks,
                                             marks, multipliers)
        legs = {account: amount for account, amount in variation.items() if amount}
        net = sum(legs.values())
        if net:
            # The CCP is every member's counterparty: it absorbs what the members' legs do not
            # net, so the chain neither creates nor destroys coins.
            legs[self.ccp_account] = legs.get(self.ccp_account, 0) - net
            if legs[self.ccp_account] == 0:
                del legs[self.ccp_account]
        if len(legs) < 2:
            return None
        sid = settlement_id or f"VM-{self.clock()}"
        return {"settlement_id": sid,
                "reference": f"settlement prices {_describe(marks)}"[:140],
                "legs": [{"account": a, "amount": str(v)} for a, v in sorted(legs.items())]}

    def _record_settlement(self, body: dict[str, Any], marks: dict[ContractCode, Decimal],
                           outcome: ChainOutcome) -> dict[str, Any]:
        record = {"settlement_id": body["settlement_id"], "status": outcome.status,
                  "reason": outcome.reason, "message": outcome.message,
                  "tx_id": outcome.tx_id, "legs": body["legs"], "marks": _prices(marks),
                  "from_marks": _prices(self.books.settled_marks),
                  "at": format_time(self.clock())}
        self.books.settlements.append(record)
        if outcome.applied:
            self.books.settled_marks = dict(marks)
            self.record_event("settled", settlement_id=body["settlement_id"],
                              legs=len(body["legs"]), tx_id=outcome.tx_id)
        elif outcome.status == "pending":
            self._pending = PendingSettlement(body, dict(marks))
            self.record_incident("settlement_pending", f"variation settlement "
                                 f"{body['settlement_id']} was not final in time; the next run "
                                 "checks it before settling again", body["settlement_id"])
        else:
            # Not applied: the settled marks stay, so the next settlement carries this move.
            self.record_incident("settlement_refused", f"variation settlement "
                                 f"{body['settlement_id']} refused ({outcome.reason}): "
                                 f"{outcome.message}"[:500], body["settlement_id"])
        return record

    def _resolve_pending_settlement(self) -> None:
        """Learn the fate of a settlement that was not final in time (refuse to settle on top)."""
        pending = self._pending
        if pending is None:
            return
        sid = pending.body["settlement_id"]
        known, record = self.gateway.get_settlement(sid)
        if known:
            applied = record is not None
        else:
            # No reads (raw mode): send the same settlement again; the chain applies an id once.
            (outcome,) = self.transactor.transact([("variation_settlement", pending.body)])
            if outcome.status == "pending":
                raise ServiceError(409, "SETTLEMENT_PENDING",
                                   f"variation settlement {sid} is still not final; retry later")
            applied = outcome.applied or "already applied" in outcome.message
        if applied:
            self.books.settled_marks = dict(pending.target_marks)
        self.record_event("settlement_resolved", settlement_id=sid, applied=applied)
        self._pending = None

    # -- calls, defaults, liquidation -------------------------------------------------------
    def watch_once(self) -> list[ChainOutcome]:
        """Liquidate every call in default (deadline passed by block time) not yet liquidated."""
        now = self.clock()
        report = self.gateway.get_collateral_report()
        due: list[str] = []
        with self._lock:
            if report is not None:
                due = self._due_from_report(report, now)
            else:
                due = [c.call_id for c in self.calls.values() if c.status == "open"
                       and c.deadline_ms + self.liquidation_grace_ms <= now]
            due = [cid for cid in due if self.calls[cid].attempts < LIQUIDATION_ATTEMPTS]
            if not due:
                return []
            result = RunResult()
            outcomes = self._transact([("liquidate", {
                "call_id": cid, "reference": f"default on margin call {cid}"}) for cid in due],
                result)
            for cid, outcome in zip(due, outcomes, strict=True):
                self._after_liquidation(self.calls[cid], outcome)
            return outcomes

    def _due_from_report(self, report: dict[str, Any], now: int) -> list[str]:
        due: list[str] = []
        for member in report["members"]:
            for call in member["calls"]:
                self._track(call)
            call = member["open_call"]
            if call and call["deadline_ms"] + self.liquidation_grace_ms <= now:
                # The block that carries the liquidation defaults the call at its start.
                due.append(call["call_id"])
            if int(member["pledged"]) > 0:
                due += [d["call_id"] for d in member["defaults"]
                        if not d["liquidation_tx"] and not d["default_ended_at"]]
        return due

    def _track(self, call: dict[str, Any]) -> None:
        """Follow a call's life from the node's report (events on every change)."""
        cid, status = call["call_id"], call["status"]
        known = self.calls.get(cid)
        if call["liquidation_tx"]:
            status = "liquidated"
        elif call["default_ended_at"]:
            status = "default_ended"
        if known is None:
            self.calls[cid] = TrackedCall(cid, call["member"], status, call["deadline_ms"])
            if status == "open":
                self.record_event("call_seen", call_id=cid, member=call["member"],
                                  shortfall=call["shortfall"], deadline=call["deadline"])
            return
        known.deadline_ms = call["deadline_ms"]
        if known.status != status:
            self.record_event(f"call_{status}", call_id=cid, member=call["member"])
            known.status = status

    def _after_liquidation(self, call: TrackedCall, outcome: ChainOutcome) -> None:
        if outcome.applied:
            call.status = "liquidated"
            return
        if outcome.reason == "INVALID_STATE" and " is open" in outcome.message:
            return  # no block at or after the deadline yet: the next round tries again
        call.attempts += 1
        if self.gateway.mode != API_MODE and outcome.reason == "INVALID_STATE":
            # Without reads the chain's refusal says what became of the call.
            if " is met" in outcome.message:
                call.status = "met"
            elif "already liquidated" in outcome.message or "ended in" in outcome.message:
                call.status = "closed"
        if call.attempts >= LIQUIDATION_ATTEMPTS and call.status == "open":
            self.record_incident("liquidation_failed", f"margin call {call.call_id} of "
                                 f"{call.member} could not be liquidated: {outcome.reason} "
                                 f"{outcome.message}"[:500], call.call_id)

    def close_out(self, account: str) -> RunResult:
        """Close a defaulted member's positions and post a zero requirement (ends the default)."""
        with self._lock:
            book = self.books.get_member(account)
            book.positions = {}
            self.books.run_seq += 1
            result = RunResult()
            outcomes = self._transact([("post_requirement", {
                "member": account, "requirement": "0", "method": CLOSE_OUT,
                "reference": f"close-out run MR-{self.books.run_seq:06d} at "
                             f"{format_time(self.clock())}"})], result)
            self._record_posted(outcomes)
            self._save()
            return result

    # -- reads -----------------------------------------------------------------------------
    def get_status(self) -> dict[str, Any]:
        """What the service is, where it points, and its books at a glance."""
        with self._lock:
            return {
                "service": "ntdc-clearing", "chain_id": self.genesis.chain_id,
                "node": getattr(self.gateway, "base_url", ""), "mode": self.gateway.mode,
                "ccp_account": self.ccp_account, "next_nonce": self.transactor.next_nonce,
                "members": len(self.books.members),
                "current_prices": _prices(self.books.current_prices),
                "settled_marks": _prices(self.books.settled_marks),
                "settlement_pending": (self._pending.body["settlement_id"]
                                       if self._pending else None),
                "open_calls": sorted(c.call_id for c in self.calls.values()
                                     if c.status == "open"),
                "margin": self.params.describe(), "history": self.histories.describe(),
                "call_deadline_ms": self.call_deadline_ms,
            }

    def get_margin_report(self) -> dict[str, Any]:
        """Per member: positions, HS-ES and SPAN at the current prices, and what is posted."""
        with self._lock:
            members = []
            for account, book in sorted(self.books.members.items()):
                figures = {m.value: str(self.compute_requirement(account, m).requirement)
                           for m in MarginMethod}
                members.append({**book.to_json(), "method_in_use": self.get_method(account).value,
                                "computed": figures})
            return {"as_of": format_time(self.clock()),
                    "current_prices": _prices(self.books.current_prices),
                    "members": members, "settlements": self.books.settlements[-50:],
                    "incidents": [_incident(i) for i in self.incidents]}

    def get_weekly_report(self, week_start_ms: int | None) -> dict[str, Any] | None:
        """The chain's weekly report with the service's own operational incidents added."""
        report = self.gateway.get_weekly_report(week_start_ms)
        if report is None:
            return None
        start, end = report["period"]["start_ms"], report["period"]["end_ms"]
        extra = [{"time_ms": i.time_ms, "at": format_time(i.time_ms), "source": "operator",
                  "category": i.category, "reference": i.reference,
                  "description": i.description}
                 for i in self.incidents if start <= i.time_ms < end]
        report["incidents"] = sorted(report["incidents"] + extra,
                                     key=lambda i: (i["time_ms"], i["category"], i["reference"]))
        return report


def _prices(marks: Mapping[ContractCode, Decimal]) -> dict[str, str]:
    return {code: str(price) for code, price in sorted(marks.items())}


def _describe(marks: Mapping[ContractCode, Decimal]) -> str:
    return ", ".join(f"{code} {price}" for code, price in sorted(marks.items()))


def _incident(incident: OperationalIncident) -> dict[str, Any]:
    return {"time_ms": incident.time_ms, "at": format_time(incident.time_ms),
            "category": incident.category, "description": incident.description,
            "reference": incident.reference}


__all__ = ["MarginError", "MarginService", "RunResult", "ServiceError"]
