"""AmlProfile: ring helpers, the storage codec round trip and the state-root leaf."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import replace

from ledger.aml.profile import (
    EMPTY_PROFILE,
    AmlProfile,
    compute_aml_profile_leaf,
    compute_live_times,
    compute_ring_update,
    is_known_key,
    is_ring_full_within,
)
from ledger.codec import from_jsonable, to_jsonable

SAMPLE = AmlProfile(
    last_move_ms=1_000, payees=((1, 10), (2, 20)), payers=((3, 30),), moves=(5, 6, 7),
    near_out=((8, 45_000_000),), near_in=(), inflows=((9, 50_000_000, 1),), probes=((4, 40),),
    pair_moves=((2, 20),), wake_ms=-1, wake_moved=0,
)


def test_ring_keeps_the_most_recent_distinct_keys():
    ring = ()
    for key, t in [(1, 1), (2, 2), (3, 3), (1, 4), (4, 5)]:
        ring = compute_ring_update(ring, key, t, 3)
    assert ring == ((3, 3), (1, 4), (4, 5))
    assert is_known_key(ring, 1) and not is_known_key(ring, 2)
    assert is_ring_full_within(ring, 3, 5 + 2, 4)      # oldest (t=3) is 4 ms old: inside
    assert not is_ring_full_within(ring, 3, 5 + 3, 4)  # 5 ms old: outside
    assert not is_ring_full_within(ring, 4, 5, 100)    # fewer keys than needed


def test_live_times_drop_only_expired_entries():
    assert compute_live_times((1, 5, 9), 10, 5) == (5, 9)
    assert compute_live_times((1, 5, 9), 10, 100) == (1, 5, 9)
    assert compute_live_times((), 10, 5) == ()


def test_codec_round_trip_for_storage():
    assert from_jsonable(AmlProfile, to_jsonable(SAMPLE)) == SAMPLE
    assert from_jsonable(AmlProfile, to_jsonable(EMPTY_PROFILE)) == EMPTY_PROFILE


def test_leaf_commits_to_every_field_and_the_key():
    leaf, total = compute_aml_profile_leaf("A", SAMPLE)
    assert total == 0
    assert compute_aml_profile_leaf("B", SAMPLE)[0] != leaf
    variants = [replace(SAMPLE, last_move_ms=1_001), replace(SAMPLE, payees=((2, 20), (1, 10))),
                replace(SAMPLE, payers=()), replace(SAMPLE, moves=(5, 6)),
                replace(SAMPLE, near_out=()), replace(SAMPLE, near_in=((8, 45_000_000),)),
                replace(SAMPLE, inflows=((9, 50_000_000, 2),)), replace(SAMPLE, probes=()),
                replace(SAMPLE, pair_moves=()), replace(SAMPLE, wake_ms=0),
                replace(SAMPLE, wake_moved=1)]
    leaves = {compute_aml_profile_leaf("A", v)[0] for v in variants}
    assert len(leaves) == len(variants) and leaf not in leaves
    # Moving an entry from one field to the next changes the counts, hence the leaf.
    assert (compute_aml_profile_leaf("A", replace(SAMPLE, near_out=(), near_in=((8, 45_000_000),)))
            [0] != leaf)


def test_leaf_layout_built_by_hand_and_pinned():
    """The documented byte layout, assembled independently, and a pinned vector."""
    counts = struct.pack(">8H", 2, 1, 3, 1, 0, 1, 1, 1)
    ints = [1_000, -1, 0, 1, 10, 2, 20, 3, 30, 5, 6, 7, 8, 45_000_000, 9, 50_000_000, 1, 4, 40,
            2, 20]
    expected = hashlib.sha256(b"NTDC/aml-profile-leaf/v1\x00" + b"\x00\x01A" + counts
                              + struct.pack(f">{len(ints)}q", *ints)).digest()
    assert compute_aml_profile_leaf("A", SAMPLE)[0] == expected
    assert expected.hex() == "3bc7c15a2c94da38a0392966130c1e13d1f3dd9bd3c8af311b473d4f1d04486d"
