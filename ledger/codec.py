"""Plain-JSON codec for state values: frozen dataclasses, enums, ints, strings, tuples.

State values are hashed into the state root and written to storage in this form, so it must be
deterministic. Integers stay JSON numbers (every value in state is below 2**53); bytes are hex.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints


def to_jsonable(value: Any) -> Any:
    """Convert a state value to plain JSON data."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, bytes):
        return value.hex()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__} in state")


_HINTS: dict[type, dict[str, Any]] = {}


def from_jsonable(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` from ``to_jsonable`` output."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if data is None:
            return None
        return from_jsonable(args[0], data)
    if origin is tuple:
        targs = get_args(tp)
        if len(targs) == 2 and targs[1] is Ellipsis:
            return tuple(from_jsonable(targs[0], v) for v in data)
        return tuple(from_jsonable(a, v) for a, v in zip(targs, data, strict=True))
    if origin is dict:
        kt, vt = get_args(tp)
        return {from_jsonable(kt, k): from_jsonable(vt, v) for k, v in data.items()}
    if origin is typing.Literal:
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _HINTS.get(tp)
        if hints is None:
            hints = _HINTS[tp] = get_type_hints(tp)
        return tp(**{f.name: from_jsonable(hints[f.name], data[f.name]) for f in dataclasses.fields(tp)})
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is bytes:
        return bytes.fromhex(data)
    if getattr(tp, "__supertype__", None) is not None:  # NewType
        return from_jsonable(tp.__supertype__, data)
    if tp is Any:
        return data
    return tp(data) if tp in (int, str, bool) else data
