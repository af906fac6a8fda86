"""Length-prefixed frames: u32be length || u8 channel || body, with a hard size limit.

A peer that sends an oversized or truncated frame is disconnected; it never crashes the node.
"""

from __future__ import annotations

import asyncio
import struct
from enum import IntEnum

MAX_FRAME_BYTES = 32 * 1024 * 1024


class Channel(IntEnum):
    HELLO = 0
    CONSENSUS = 1
    REQUEST = 2
    """A client transaction forwarded between validators."""
    BLOCK = 3
    """A committed block with its certificate, pushed to observers."""
    SYNC = 4
    """An observer's or lagging node's request for committed blocks from a height."""


class FrameError(Exception):
    """A frame that violates the framing rules."""


def encode_frame(channel: Channel, body: bytes) -> bytes:
    if len(body) + 1 > MAX_FRAME_BYTES:
        raise FrameError(f"frame of {len(body)} bytes exceeds {MAX_FRAME_BYTES}")
    return struct.pack(">IB", len(body) + 1, channel) + body


async def read_frame(reader: asyncio.StreamReader) -> tuple[Channel, bytes]:
    """Read one frame; raises FrameError on a bad frame, IncompleteReadError at EOF."""
    header = await reader.readexactly(4)
    (length,) = struct.unpack(">I", header)
    if not 1 <= length <= MAX_FRAME_BYTES:
        raise FrameError(f"frame length {length} out of bounds")
    data = await reader.readexactly(length)
    try:
        channel = Channel(data[0])
    except ValueError:
        raise FrameError(f"unknown channel {data[0]}") from None
    return channel, data[1:]
