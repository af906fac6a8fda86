"""The reserves statement of a checkpoint, for the regulator: JSON and CSV.

Every figure comes from the checkpoint record, i.e. from state that quorum-many validators
signed: the liabilities total (the accounts tree), redemptions awaiting payout, the custodian's
latest attested balance and the receipts and payouts it signed since, and cumulative issuance
per bank (``meta["issued:<bank>"]``).

    reserves        = attested reserves + reserve adjustment
    liabilities due = liabilities total + pending payouts
    surplus         = reserves − liabilities due   (covered iff surplus >= 0)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.por.records import CheckpointRecord

_ISSUED_PREFIX = "issued:"
_FIELDS = (
    "chain_id", "height", "time_ms", "state_root", "accounts", "liabilities_total",
    "pending_payouts", "liabilities_due", "attested_reserves", "attestation_id",
    "attestation_tx", "attested_through_seq", "attested_as_of_ms", "reserve_adjustment",
    "reserves", "surplus", "covered",
)


@dataclass(frozen=True, slots=True)
class ReservesStatement:
    chain_id: str
    height: int
    time_ms: int
    state_root: str
    accounts: int
    liabilities_total: int
    pending_payouts: int
    liabilities_due: int
    attested_reserves: int
    attestation_id: str
    attestation_tx: str
    attested_through_seq: int
    attested_as_of_ms: int
    reserve_adjustment: int
    reserves: int
    surplus: int
    covered: bool
    issued_by_bank: tuple[tuple[str, int], ...]
    """(bank id, cumulative minor units minted against its deposit receipts), by bank id."""

    def to_json(self) -> dict[str, Any]:
        """JSON form; amounts are decimal strings of minor units."""
        out: dict[str, Any] = {}
        for name in _FIELDS:
            value = getattr(self, name)
            out[name] = str(value) if name in _AMOUNTS else value
        out["issued_by_bank"] = {bank: str(amount) for bank, amount in self.issued_by_bank}
        return out

    def to_csv(self) -> str:
        """Two-column CSV (field, value), one line per figure and per bank's issuance."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["field", "value"])
        for name, value in self.to_json().items():
            if name != "issued_by_bank":
                writer.writerow([name, _csv_value(value)])
        for bank, amount in self.issued_by_bank:
            writer.writerow([f"issued:{bank}", str(amount)])
        return buffer.getvalue()


_AMOUNTS = frozenset({
    "liabilities_total", "pending_payouts", "liabilities_due", "attested_reserves",
    "reserve_adjustment", "reserves", "surplus",
})


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compute_reserves_statement(record: CheckpointRecord) -> ReservesStatement:
    """The reserves statement at ``record``'s checkpoint."""
    liabilities = record.liabilities
    pending = record.get_meta_int("pending_payouts")
    attested = record.get_meta_int("attested_reserves")
    adjustment = record.get_meta_int("reserve_adjustment")
    reserves, due = attested + adjustment, liabilities.total + pending
    issued = tuple(sorted(
        (row.key[len(_ISSUED_PREFIX):], int(row.value))
        for row in record.meta if row.key.startswith(_ISSUED_PREFIX)
    ))
    return ReservesStatement(
        chain_id=record.chain_id,
        height=record.height,
        time_ms=record.get_meta_int("time_ms"),
        state_root=record.state_root.hex(),
        accounts=liabilities.size,
        liabilities_total=liabilities.total,
        pending_payouts=pending,
        liabilities_due=due,
        attested_reserves=attested,
        attestation_id=str(record.get_meta("attestation_id") or ""),
        attestation_tx=str(record.get_meta("attestation_tx") or ""),
        attested_through_seq=record.get_meta_int("attested_through_seq"),
        attested_as_of_ms=record.get_meta_int("attested_as_of_ms"),
        reserve_adjustment=adjustment,
        reserves=reserves,
        surplus=reserves - due,
        covered=reserves >= due,
        issued_by_bank=issued,
    )


def compute_statements_csv(statements: Sequence[ReservesStatement]) -> str:
    """One CSV row per checkpoint (a time series), with one issuance column per bank."""
    banks = sorted({bank for s in statements for bank, _ in s.issued_by_bank})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*_FIELDS, *(f"issued:{bank}" for bank in banks)])
    for statement in statements:
        row = statement.to_json()
        issued = dict(statement.issued_by_bank)
        writer.writerow([*(_csv_value(row[name]) for name in _FIELDS),
                         *(str(issued.get(bank, 0)) for bank in banks)])
    return buffer.getvalue()
