"""Canonical binary primitives shared by the wire format and the persistence records.

Integers are big-endian and fixed width (u8, u32, u64). Byte strings are a u32 length followed
by the bytes; signatures are the same with ASCII text; sequences are a u32 count followed by the
items. Every read is bounded, and any malformed input raises ``DecodeError``, never anything else.
"""

from __future__ import annotations

import re
import struct

U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1

_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_VISIBLE_ASCII = re.compile(rb"[\x21-\x7e]*")


class DecodeError(ValueError):
    """Bytes that are not a well-formed, bounded encoding."""


class Writer:
    """Appends canonical fields to a byte buffer."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    def u8(self, value: int) -> None:
        """Append one byte."""
        if not 0 <= value <= 255:
            raise ValueError(f"u8 out of range: {value}")
        self._buf.append(value)

    def u32(self, value: int) -> None:
        """Append a big-endian u32."""
        if not 0 <= value <= U32_MAX:
            raise ValueError(f"u32 out of range: {value}")
        self._buf += _U32.pack(value)

    def u64(self, value: int) -> None:
        """Append a big-endian u64."""
        if not 0 <= value <= U64_MAX:
            raise ValueError(f"u64 out of range: {value}")
        self._buf += _U64.pack(value)

    def flag(self, value: bool) -> None:
        """Append a boolean as one byte, 0 or 1."""
        self._buf.append(1 if value else 0)

    def blob(self, value: bytes) -> None:
        """Append u32 length + bytes."""
        self.u32(len(value))
        self._buf += value

    def text(self, value: str) -> None:
        """Append u32 length + ASCII text (signatures)."""
        self.blob(value.encode("ascii"))

    def raw(self, value: bytes) -> None:
        """Append bytes without a length (already framed data)."""
        self._buf += value

    def getvalue(self) -> bytes:
        """The bytes written so far."""
        return bytes(self._buf)


class Reader:
    """Reads canonical fields with explicit bounds; raises DecodeError on any violation."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def _take(self, size: int) -> memoryview:
        end = self._pos + size
        if size < 0 or end > len(self._data):
            raise DecodeError("truncated input")
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk

    def u8(self) -> int:
        """Read one byte."""
        return self._take(1)[0]

    def u32(self) -> int:
        """Read a big-endian u32."""
        value: int = _U32.unpack(self._take(4))[0]
        return value

    def u64(self, limit: int = U64_MAX) -> int:
        """Read a big-endian u64 no larger than ``limit``."""
        value: int = _U64.unpack(self._take(8))[0]
        if value > limit:
            raise DecodeError(f"integer {value} exceeds {limit}")
        return value

    def flag(self) -> bool:
        """Read a boolean byte (0 or 1)."""
        value = self.u8()
        if value > 1:
            raise DecodeError("boolean byte must be 0 or 1")
        return value == 1

    def blob(self, max_len: int, min_len: int = 0) -> bytes:
        """Read u32 length + bytes, with min_len <= length <= max_len."""
        size = self.u32()
        if size > max_len or size < min_len:
            raise DecodeError(f"field length {size} outside [{min_len}, {max_len}]")
        return bytes(self._take(size))

    def text(self, max_len: int) -> str:
        """Read u32 length + printable ASCII text."""
        data = self.blob(max_len)
        if not _VISIBLE_ASCII.fullmatch(data):
            raise DecodeError("text field must be printable ASCII without spaces")
        return data.decode("ascii")

    def count(self, max_items: int) -> int:
        """Read a u32 item count no larger than ``max_items``."""
        value = self.u32()
        if value > max_items:
            raise DecodeError(f"{value} items exceed the limit of {max_items}")
        return value

    def remaining(self) -> int:
        """Bytes not read yet."""
        return len(self._data) - self._pos

    def done(self) -> None:
        """Require that every byte was consumed."""
        if self._pos != len(self._data):
            raise DecodeError(f"{len(self._data) - self._pos} trailing bytes")
