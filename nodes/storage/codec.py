"""State rows as JSON text: ``ledger.codec``'s format, encoded and decoded fast enough for storage.

``ledger.codec.to_jsonable``/``from_jsonable`` define the format; they inspect every value's
type on every call, which costs more than the database writes for a block of thousands of rows,
and minutes when a node with a million accounts restarts. Here the C JSON encoder walks ints,
strings, enums and tuples itself and calls back only for dataclasses; decoders are compiled once
per type. Both give exactly what the ledger codec gives (the tests compare them row by row).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

from ledger.codec import to_jsonable

Decoder = Callable[[Any], Any]

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_FIELDS: dict[type, tuple[str, ...]] = {}


def _encode_other(value: Any) -> Any:
    """What the C JSON encoder cannot encode by itself, as ``to_jsonable`` would write it."""
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is None:
        if not (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            if isinstance(value, Enum):
                return value.value
            return to_jsonable(value)  # bytes; and TypeError for what state may not hold
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(value))
    return {name: getattr(value, name) for name in names}


_dumps_state = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False,
                                default=_encode_other).encode


def encode_json(value: Any) -> str:
    """Compact JSON text of plain JSON data."""
    return _dumps(value)


def encode_state(value: Any) -> str:
    """Storage form of a state key or value: the JSON text of ``to_jsonable(value)``."""
    return _dumps_state(value)


def _identity(data: Any) -> Any:
    return data


_DECODERS: dict[Any, Decoder] = {}


def get_decoder(tp: Any) -> Decoder:
    """A function equal to ``lambda data: from_jsonable(tp, data)``, built once per type."""
    decoder = _DECODERS.get(tp)
    if decoder is None:
        decoder = _compile(tp)
        _DECODERS[tp] = decoder
    return decoder


def decode_state(tp: Any, text: str) -> Any:
    """A state key or value of type ``tp`` from its stored JSON text."""
    return get_decoder(tp)(json.loads(text))


def _compile(tp: Any) -> Decoder:
    # Mirrors ledger.codec.from_jsonable case by case, in the same order.
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        inner = get_decoder([a for a in get_args(tp) if a is not type(None)][0])
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        targs = get_args(tp)
        if len(targs) == 2 and targs[1] is Ellipsis:
            item = get_decoder(targs[0])
            return tuple if item is _identity else lambda data: tuple(map(item, data))
        items = [get_decoder(a) for a in targs]
        return lambda data: tuple(f(v) for f, v in zip(items, data, strict=True))
    if origin is dict:
        key_type, value_type = get_args(tp)
        kf, vf = get_decoder(key_type), get_decoder(value_type)
        return lambda data: {kf(k): vf(v) for k, v in data.items()}
    if origin is typing.Literal:
        return _identity
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _compile_dataclass(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp is bytes:
        return bytes.fromhex
    if getattr(tp, "__supertype__", None) is not None:  # NewType
        return get_decoder(tp.__supertype__)
    if tp is Any:
        return _identity
    return tp if tp in (int, str, bool) else _identity


def _compile_dataclass(cls: type) -> Decoder:
    fields: list[tuple[str, Decoder]] = []

    def decode(data: Any) -> Any:
        return cls(**{name: field_decoder(data[name]) for name, field_decoder in fields})

    # Registered before its fields are compiled, so a type that refers to itself terminates.
    _DECODERS[cls] = decode
    hints = get_type_hints(cls)
    fields.extend((f.name, get_decoder(hints[f.name])) for f in dataclasses.fields(cls))
    return decode
