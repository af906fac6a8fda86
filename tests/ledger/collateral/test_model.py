"""Collateral records survive the state codec (ledger/collateral/model.py, ledger/codec.py)."""

import json

from ledger.codec import from_jsonable, to_jsonable
from tests.ledger.collateral.desk import DEADLINE_MS, Desk


def _round_trip(desk: Desk, seen: set[str]) -> None:
    for name, table in desk.state.tables.tables.items():
        if not name.startswith("collateral_"):
            continue
        for key, value in table.items():
            data = json.loads(json.dumps(to_jsonable(value)))
            assert from_jsonable(table.value_type, data) == value, name
            assert from_jsonable(table.key_type, to_jsonable(key)) == key, name
            seen.add(name)


def test_every_collateral_row_round_trips_through_the_codec():
    desk = Desk.create()
    w = desk.work
    seen: set[str] = set()
    desk.block(w.pledge(desk.alpha, 10_000), w.set_haircut(250, "notice"))
    desk.ok(w.post_requirement(desk.alpha, 50_000))
    desk.ok(w.variation_settlement("VM-1", [(desk.beta, -5), (desk.gamma, 5)]))
    _round_trip(desk, seen)
    desk.block(advance_ms=DEADLINE_MS)
    desk.ok(w.liquidate("MC-00000001"))
    _round_trip(desk, seen)
    assert seen == {name for name in desk.state.tables.tables if name.startswith("collateral_")}
    assert len(seen) == 6
