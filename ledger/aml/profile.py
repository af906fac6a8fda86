"""``AmlProfile``: the bounded, windowed memory the AML rules keep per account, and its helpers.

One row per account in the ``aml_profiles`` table, created on the account's first movement and
rewritten on every later one. Every field is bounded by a parameter, so the row stays a few
hundred bytes however busy the account is:

- distinct-counterparty rings keep the K most recently seen counterparties (K = the FAN
  threshold) with the time each was last seen. "At least K distinct counterparties within W" is
  then exact: it holds if and only if the oldest of those K was seen within W;
- time lists (velocity, structuring, probing, pending inflows) keep only entries inside their
  window, capped at the count the rule needs, and are pruned whenever the account is touched.

Counterparties are stored as their leaf index in the ``accounts`` table: a small integer that
every node assigns identically (execution order) and that never changes.

The row's leaf in the state root is a fixed binary layout (``compute_aml_profile_leaf``), not
the generic JSON leaf: profiles change on every movement, and hashing them must stay cheap.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from itertools import chain

Ring = tuple[tuple[int, int], ...]
"""(counterparty leaf index, last seen ms), oldest first, at most one entry per counterparty."""


@dataclass(frozen=True, slots=True)
class AmlProfile:
    last_move_ms: int
    """Block time of the account's previous movement (-1: none yet)."""
    payees: Ring
    """The most recent distinct accounts it paid (FAN_OUT; also its known payees for PROBING)."""
    payers: Ring
    """The most recent distinct accounts that paid it (FAN_IN)."""
    moves: tuple[int, ...]
    """Times of its movements inside the VELOCITY window, oldest first."""
    near_out: tuple[tuple[int, int], ...]
    """(time, amount) of near-threshold debits inside the STRUCTURING window."""
    near_in: tuple[tuple[int, int], ...]
    """(time, amount) of near-threshold credits inside the STRUCTURING window."""
    inflows: tuple[tuple[int, int, int], ...]
    """(time, amount, passed on so far) of large credits still inside the PASS_THROUGH window."""
    probes: Ring
    """Tiny payments to new payees inside the PROBING window."""
    pair_moves: Ring
    """(payee, time) of its transfers inside the pair-VELOCITY window, oldest first."""
    wake_ms: int
    """Start of the current DORMANT_REACTIVATION window (-1: none)."""
    wake_moved: int
    """Amount moved (in and out) since ``wake_ms``."""


EMPTY_PROFILE = AmlProfile(
    last_move_ms=-1, payees=(), payers=(), moves=(), near_out=(), near_in=(), inflows=(),
    probes=(), pair_moves=(), wake_ms=-1, wake_moved=0,
)


def compute_ring_update(ring: Ring, key: int, time_ms: int, capacity: int) -> Ring:
    """``ring`` with ``key`` seen at ``time_ms``, keeping the ``capacity`` most recent keys."""
    for position, entry in enumerate(ring):
        if entry[0] == key:
            ring = ring[:position] + ring[position + 1:]
            break
    kept = ring + ((key, time_ms),)
    return kept[-capacity:] if len(kept) > capacity else kept


def is_ring_full_within(ring: Ring, need: int, time_ms: int, window_ms: int) -> bool:
    """At least ``need`` distinct keys in ``ring`` were seen within ``window_ms`` of ``time_ms``."""
    return len(ring) >= need and time_ms - ring[-need][1] <= window_ms


def compute_live_times(times: tuple[int, ...], time_ms: int, window_ms: int) -> tuple[int, ...]:
    """The times (oldest first) that lie within ``window_ms`` of ``time_ms``."""
    start = 0
    while start < len(times) and time_ms - times[start] > window_ms:
        start += 1
    return times[start:] if start else times


def is_known_key(ring: Ring, key: int) -> bool:
    """``key`` is one of the ring's remembered counterparties, however long ago."""
    return any(entry[0] == key for entry in ring)


_LEAF_TAG = b"NTDC/aml-profile-leaf/v1\x00"
_flat = chain.from_iterable


def compute_aml_profile_leaf(key: str, profile: AmlProfile) -> tuple[bytes, int]:
    """State-root leaf of a profile row (sum 0). Byte layout, integers big-endian:

    SHA-256( "NTDC/aml-profile-leaf/v1" 0x00 || u16 len(key) || key (UTF-8)
             || u16 entry count of payees, payers, moves, near_out, near_in, inflows, probes,
                pair_moves
             || i64 last_move_ms || i64 wake_ms || i64 wake_moved
             || every integer of every entry of those eight fields, in that order, as i64 )
    """
    p = profile
    ident = key.encode()
    counts = struct.pack(">8H", len(p.payees), len(p.payers), len(p.moves), len(p.near_out),
                         len(p.near_in), len(p.inflows), len(p.probes), len(p.pair_moves))
    values = [p.last_move_ms, p.wake_ms, p.wake_moved, *_flat(p.payees), *_flat(p.payers),
              *p.moves, *_flat(p.near_out), *_flat(p.near_in), *_flat(p.inflows),
              *_flat(p.probes), *_flat(p.pair_moves)]
    return hashlib.sha256(
        _LEAF_TAG + len(ident).to_bytes(2, "big") + ident + counts
        + struct.pack(f">{len(values)}q", *values)
    ).digest(), 0
