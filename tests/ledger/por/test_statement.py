"""ledger/por/statement.py: the regulator's reserves statement per checkpoint, JSON and CSV."""

from __future__ import annotations

import csv
import io

from ledger.por.statement import compute_reserves_statement, compute_statements_csv
from tests.ledger.por.support import make_por_chain


def test_statement_figures_follow_the_chain():
    por = make_por_chain(holders=4, attest_surplus=5_000)
    work, state = por.chain.work, por.chain.state
    first = compute_reserves_statement(por.archive.get_record())
    assert (first.liabilities_total, first.pending_payouts) == (100_000, 0)
    assert (first.attested_reserves, first.reserve_adjustment) == (105_000, 0)
    assert (first.reserves, first.surplus, first.covered) == (105_000, 5_000, True)
    assert first.issued_by_bank == (("BANK-A", 40_000), ("BANK-B", 60_000))
    # A redemption awaiting payout and a new mint after the attestation.
    redemption = por.block(work.redeem(por.holders[0], 2_500))[0]
    por.block(work.mint(por.holders[1], 7_000))
    por.until_checkpoint()
    second = compute_reserves_statement(por.archive.get_record())
    assert second.liabilities_total == state.supply == 104_500
    assert second.pending_payouts == 2_500
    assert second.liabilities_due == 107_000
    assert second.reserve_adjustment == 7_000 and second.reserves == 112_000
    assert second.surplus == 5_000 and second.attestation_tx == first.attestation_tx
    assert dict(second.issued_by_bank)["BANK-B"] == 67_000
    por.block(work.confirm_payout(redemption.tx_id, por.chain.time_ms))
    por.until_checkpoint()
    third = compute_reserves_statement(por.archive.get_record())
    assert (third.pending_payouts, third.reserves, third.surplus) == (0, 109_500, 5_000)


def test_json_and_csv_exports():
    por = make_por_chain(holders=2)
    statement = compute_reserves_statement(por.archive.get_record())
    data = statement.to_json()
    assert data["liabilities_total"] == "30000" and data["covered"] is True
    assert data["issued_by_bank"] == {"BANK-A": "10000", "BANK-B": "20000"}
    rows = dict(csv.reader(io.StringIO(statement.to_csv())))
    assert rows["field"] == "value"
    assert rows["reserves"] == "30000" and rows["issued:BANK-B"] == "20000"
    assert rows["covered"] == "true"
    table = list(csv.DictReader(io.StringIO(compute_statements_csv([statement, statement]))))
    assert len(table) == 2 and table[0]["height"] == str(statement.height)
    assert table[1]["issued:BANK-A"] == "10000"
