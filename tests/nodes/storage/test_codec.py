from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Any, Literal, NewType

import pytest

from ledger.codec import from_jsonable, to_jsonable
from ledger.types import AccountStatus
from nodes.storage.codec import decode_state, encode_json, encode_state, get_decoder
from tests.nodes.storage.seeded_chain import build_seeded_chain

Ident = NewType("Ident", str)


class Colour(Enum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


@dataclass(frozen=True, slots=True)
class Inner:
    tag: bytes
    colour: Colour


@dataclass(frozen=True)
class Outer:
    status: AccountStatus
    level: Level
    inner: Inner
    pairs: tuple[tuple[int, str], ...]
    fixed: tuple[int, Inner]
    extra: dict[str, Any]
    by_id: dict[str, Inner]
    maybe: int | None
    other: Inner | None
    ident: Ident
    mode: Literal["a", "b"]
    flag: bool


@dataclass(frozen=True)
class Node:
    label: str
    children: tuple[Node, ...]


SAMPLE = Outer(
    AccountStatus.FROZEN, Level.HIGH, Inner(b"\x00\xff", Colour.RED), ((1, "a"), (2, "新")),
    (7, Inner(b"", Colour.RED)), {"n": [1, {"k": "v"}]}, {"x": Inner(b"\x01", Colour.RED)},
    None, Inner(b"\x02", Colour.RED), Ident("id-1"), "b", True)


def test_values_encode_exactly_as_the_ledger_codec() -> None:
    assert encode_state(SAMPLE) == encode_json(to_jsonable(SAMPLE))
    for plain in (5, "x", True, None, (1, 2), {"a": (1, 2)}, b"\x00"):
        assert encode_state(plain) == encode_json(to_jsonable(plain))
    with pytest.raises(TypeError):
        encode_state(1.5j)


def test_values_decode_exactly_as_the_ledger_codec() -> None:
    data = to_jsonable(SAMPLE)
    assert get_decoder(Outer)(data) == from_jsonable(Outer, data) == SAMPLE
    tree = Node("root", (Node("leaf", ()),))
    assert decode_state(Node, encode_state(tree)) == tree
    assert decode_state(int, "5") == 5 and decode_state(str, '"5"') == "5"
    assert decode_state(Any, '{"a":[1]}') == {"a": [1]}


def test_every_row_of_a_real_state_round_trips_like_the_ledger_codec() -> None:
    state = build_seeded_chain(holders=40, total_txs=300, block_size=100).chain.state
    for table in state.tables.tables.values():
        for key, value in table.items():
            text = encode_state(value)
            assert text == encode_json(to_jsonable(value)), table.name
            assert decode_state(table.value_type, text) == from_jsonable(
                table.value_type, to_jsonable(value)) == value, table.name
            assert decode_state(table.key_type, encode_state(key)) == key
