"""The committed-block feed validators give observers and each other.

BLOCK body = u64be height || u32be len(payload) || payload || certificate bytes
SYNC body  = u64be from_height   (ask a validator to stream committed blocks from a height)
"""

from __future__ import annotations

import struct

from nodes.net.frames import FrameError


def encode_block_frame(height: int, payload: bytes, certificate: bytes) -> bytes:
    return struct.pack(">QI", height, len(payload)) + payload + certificate


def decode_block_frame(body: bytes) -> tuple[int, bytes, bytes]:
    if len(body) < 12:
        raise FrameError("block frame too short")
    height, length = struct.unpack_from(">QI", body)
    if 12 + length > len(body):
        raise FrameError("block frame truncated")
    return height, body[12 : 12 + length], body[12 + length :]


def encode_sync(from_height: int) -> bytes:
    return struct.pack(">Q", from_height)


def decode_sync(body: bytes) -> int:
    if len(body) != 8:
        raise FrameError("sync frame must be 8 bytes")
    return int(struct.unpack(">Q", body)[0])
