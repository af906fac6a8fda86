"""Quorum sizes: classic 2f+1 for n = 3f+1, and safe intersections for every n >= 4."""

from __future__ import annotations

import pytest

from consensus.quorums import Quorums


@pytest.mark.parametrize(("n", "f", "quorum"), [(4, 1, 3), (7, 2, 5), (10, 3, 7), (13, 4, 9)])
def test_classic_sizes_for_3f_plus_1(n: int, f: int, quorum: int) -> None:
    q = Quorums(n)
    assert (q.f, q.quorum, q.prepares_needed, q.weak) == (f, quorum, quorum - 1, f + 1)


@pytest.mark.parametrize("n", range(4, 60))
def test_any_two_quorums_share_an_honest_replica_and_honest_replicas_form_one(n: int) -> None:
    q = Quorums(n)
    assert 2 * q.quorum - n >= q.f + 1  # intersection holds at least one honest replica
    assert q.quorum <= n - q.f  # the honest replicas alone reach a quorum
    assert 3 * q.f + 1 <= n


@pytest.mark.parametrize("n", [-1, 0, 1, 2, 3])
def test_too_few_replicas_are_refused(n: int) -> None:
    with pytest.raises(ValueError, match="at least 4"):
        Quorums(n)


def test_primary_rotates_round_robin() -> None:
    q = Quorums(4)
    assert [q.primary(v) for v in range(9)] == [0, 1, 2, 3, 0, 1, 2, 3, 0]
    assert q.is_member(3) and not q.is_member(4) and not q.is_member(-1)
