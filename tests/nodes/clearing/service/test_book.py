"""The books survive a restart: positions, marks and what was posted (so nothing is re-posted)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nodes.clearing.margin import TX, InvalidMarginInput
from nodes.clearing.service import MarginService
from nodes.clearing.service.book import MarginBooks, check_positions, load_books, save_books
from nodes.clearing.service.model import MarginMethod
from tests.nodes.clearing.service.desk import Desk, get_histories


def test_positions_are_checked() -> None:
    assert check_positions({"TX": 3, "MTX": 0}) == {"TX": 3}
    for bad in ({"ES": 1}, {"TX": True}, {"TX": 10_000_001}):
        with pytest.raises(InvalidMarginInput):
            check_positions(bad)  # type: ignore[arg-type]


def test_round_trip(tmp_path: Path) -> None:
    books = MarginBooks()
    member = books.get_member("ntdc1member")
    member.positions, member.method, member.posted_requirement = {TX.code: 2}, MarginMethod.SPAN, 5
    books.current_prices[TX.code] = Decimal("17250")
    books.run_seq = 7
    save_books(tmp_path / "books.json", books)
    assert load_books(tmp_path / "books.json") == books
    assert load_books(tmp_path / "missing.json") == MarginBooks()


def test_restarted_service_continues(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "clearing" / "books.json"
    desk.pledge(desk.alpha, 500_000_000)
    first = MarginService(desk.node.genesis, desk.node.keys.roles["ccp"], desk.gateway,
                          histories=get_histories(), books_path=path)
    assert first.set_positions(desk.alpha.account, {"TX": 5}).outcomes[0].applied
    first.post_prices({"TX": Decimal(17_100)})
    again = MarginService(desk.node.genesis, desk.node.keys.roles["ccp"], desk.gateway,
                          histories=get_histories(), books=load_books(path), books_path=path)
    assert again.books.current_prices[TX.code] == Decimal(17_100)
    assert again.post_requirements().outcomes == []  # already posted before the restart
    run = again.set_positions(desk.alpha.account, {"TX": 6})
    assert run.outcomes[0].applied  # its nonce comes from the chain, not from a counter
    assert desk.report(desk.alpha)["requirement"] == str(run.requirements[0].requirement)
