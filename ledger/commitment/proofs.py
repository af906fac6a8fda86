"""Merkle sum proofs as data: their JSON and binary forms, and strict verification.

A proof path lists, from the leaf up, each sibling's hash and sum and on which side it sits.
Verifying it is the fold of ``ledger.commitment.merkle_sum.compute_node`` with every check an
auditor needs, each failing with a message that names what is wrong:

* the path has exactly ``depth(size)`` steps and the leaf index lies inside the tree;
* each step's side agrees with the leaf index (bit ``i`` of the index is 1 iff the sibling at
  level ``i`` is on the left), so one path cannot be claimed for two indices;
* every sibling sum and every running total is an integer in ``[0, max_sum]``; with
  ``max_sum`` <= 2**63 - 1 no sum can wrap around the u64 the node hash encodes.

Binary form of a path (for sizes and other languages; JSON is what APIs carry)::

    proof = u64be(index) || u64be(size) || u8(depth) || depth x step
    step  = u8(side: 0 = sibling on the right, 1 = sibling on the left) || hash[32] || u64be(sum)
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.commitment.merkle_sum import MAX_LEAF_VALUE, ProofStep, compute_node
from ledger.commitment.versioned import compute_tree_depth

_HEX32 = re.compile(r"^[0-9a-f]{64}$")
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]{0,39})$")
_STEP = struct.Struct(">B32sQ")


class ProofError(ValueError):
    """A proof that does not hold; the message says which part failed."""


@dataclass(frozen=True, slots=True)
class FoldResult:
    root: bytes
    total: int


def encode_path(steps: Sequence[ProofStep]) -> list[dict[str, str]]:
    """JSON form of a path: [{"hash": hex, "sum": decimal string, "side": "L"|"R"}]."""
    return [
        {"hash": s.sibling_hash.hex(), "sum": str(s.sibling_sum),
         "side": "L" if s.sibling_is_left else "R"}
        for s in steps
    ]


def parse_decimal(text: Any, what: str) -> int:
    """A decimal string (sign allowed, so that a negative value is reported as negative)."""
    if not isinstance(text, str) or not _DECIMAL.match(text):
        raise ProofError(f"{what} must be a decimal string of minor units, got {text!r}")
    return int(text)


def parse_hex32(text: Any, what: str) -> bytes:
    """32 bytes from 64 lowercase hex characters."""
    if not isinstance(text, str) or not _HEX32.match(text):
        raise ProofError(f"{what} must be 64 lowercase hex characters, got {text!r}")
    return bytes.fromhex(text)


def decode_path(items: Any) -> list[ProofStep]:
    """Parse the JSON form of a path (sums may be out of range; ``fold_path`` checks them)."""
    if not isinstance(items, list):
        raise ProofError("path must be a list of steps")
    steps = []
    for level, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"hash", "sum", "side"}:
            raise ProofError(f"path step {level} must have exactly hash, sum and side")
        if item["side"] not in ("L", "R"):
            raise ProofError(f"path step {level}: side must be 'L' or 'R'")
        steps.append(ProofStep(
            parse_hex32(item["hash"], f"path step {level} hash"),
            parse_decimal(item["sum"], f"path step {level} sum"),
            item["side"] == "L",
        ))
    return steps


def encode_path_binary(index: int, size: int, steps: Sequence[ProofStep]) -> bytes:
    """Binary form of a path (layout in the module docstring)."""
    out = [struct.pack(">QQB", index, size, len(steps))]
    out.extend(_STEP.pack(1 if s.sibling_is_left else 0, s.sibling_hash, s.sibling_sum)
               for s in steps)
    return b"".join(out)


def decode_path_binary(data: bytes) -> tuple[int, int, list[ProofStep]]:
    """(index, size, steps) from the binary form; raises ProofError on malformed bytes."""
    if len(data) < 17:
        raise ProofError("binary proof is truncated")
    index, size, depth = struct.unpack_from(">QQB", data, 0)
    if len(data) != 17 + depth * _STEP.size:
        raise ProofError("binary proof length does not match its depth")
    steps = []
    for level in range(depth):
        side, sibling, total = _STEP.unpack_from(data, 17 + level * _STEP.size)
        if side > 1:
            raise ProofError(f"binary proof step {level}: side byte must be 0 or 1")
        steps.append(ProofStep(sibling, total, side == 1))
    return index, size, steps


def fold_path(
    leaf_hash: bytes, leaf_sum: int, index: int, size: int, steps: Sequence[ProofStep],
    max_sum: int = MAX_LEAF_VALUE,
) -> FoldResult:
    """Root and total a path leads to, after every structural and range check."""
    if not 0 < max_sum <= MAX_LEAF_VALUE:
        raise ValueError("max_sum must be in (0, 2**63 - 1]")
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside the tree of {size} leaves")
    depth = compute_tree_depth(size)
    if len(steps) != depth:
        raise ProofError(
            f"path has {len(steps)} steps; a tree of {size} leaves needs exactly {depth}"
        )
    if not 0 <= leaf_sum <= max_sum:
        raise ProofError(f"leaf sum {leaf_sum} is outside [0, {max_sum}]")
    node, total, position = leaf_hash, leaf_sum, index
    for level, step in enumerate(steps):
        if len(step.sibling_hash) != 32:
            raise ProofError(f"path step {level}: sibling hash must be 32 bytes")
        # The side is fixed by the index: a left child (even position) has its sibling on the
        # right, so a path cannot be replayed for another account's position.
        if step.sibling_is_left != bool(position & 1):
            expected = "L" if position & 1 else "R"
            raise ProofError(
                f"path step {level}: sibling side does not match leaf index {index} "
                f"(expected {expected})"
            )
        if not 0 <= step.sibling_sum <= max_sum:
            raise ProofError(
                f"path step {level}: sibling sum {step.sibling_sum} is outside [0, {max_sum}]"
            )
        if step.sibling_is_left:
            node = compute_node(step.sibling_hash, step.sibling_sum, node, total)
        else:
            node = compute_node(node, total, step.sibling_hash, step.sibling_sum)
        total += step.sibling_sum
        if total > max_sum:
            raise ProofError(f"path step {level}: running total {total} exceeds {max_sum}")
        position >>= 1
    return FoldResult(node, total)
