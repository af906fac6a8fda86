from __future__ import annotations

from ledger.receipts import Receipt
from ledger.rules.context import Effect
from nodes.storage.codec import encode_state
from nodes.storage.rows import compute_history_rows, compute_state_changes, decode_state_row
from tests.support.chain import Chain


def test_int_and_str_keys_stay_distinct() -> None:
    assert encode_state(5) != encode_state("5")
    table = Chain.create(seed=1).state.reserve_events
    assert decode_state_row(table, encode_state(5), '{"custodian_seq": 5, "delta": -3}')[0] == 5


def test_history_lists_the_signer_and_every_touched_account_once() -> None:
    receipt = Receipt("ab" * 32, 7, 3, "transfer", "alice", "applied", None, "",
                      (Effect("debit", "alice", 5, "bob"), Effect("credit", "bob", 5, "alice"),
                       Effect("fee", "", 0)), ())
    assert compute_history_rows([receipt]) == [
        ("alice", 7, 3, "ab" * 32), ("bob", 7, 3, "ab" * 32)]


def test_state_changes_cover_upserts_and_deletes_and_only_clear_what_was_written() -> None:
    state = Chain.create(seed=1).state
    for table in state.tables.tables.values():
        table.unsaved.clear()
    state.meta.set("a", 1)
    state.meta.set("b", "x")
    state.meta.delete("b")
    changes = compute_state_changes(state)
    assert changes.upserts == [("meta", '"a"', state.meta.index_of("a"), "1")]
    assert changes.deletes == [{"b_table": "meta", "b_key": '"b"'}]
    assert changes.next_indexes == [{"table_name": "meta", "next_index": state.meta.next_index}]
    state.meta.set("c", 2)   # changed after the rows were computed: must stay unsaved
    changes.mark_saved(state)
    assert state.meta.unsaved == {"c"}
