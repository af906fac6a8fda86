"""Per-account indexes of transfers in time order, shared by the analytics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from nodes.regulator.analytics.model import Transfer


@dataclass(frozen=True, slots=True)
class Leg:
    """A transfer with its position in the time-ordered list (breaks ties between equal times)."""

    seq: int
    transfer: Transfer

    @property
    def key(self) -> tuple[int, int]:
        return self.transfer.time_ms, self.seq


def compute_time_order(transfers: Sequence[Transfer]) -> list[Leg]:
    """Transfers sorted by time (stable: equal times keep input order), self-payments dropped."""
    ordered = sorted(transfers, key=lambda t: t.time_ms)
    return [Leg(seq, t) for seq, t in enumerate(ordered) if t.sender != t.receiver]


def compute_out_legs(legs: Sequence[Leg]) -> dict[str, list[Leg]]:
    """account -> the legs it sent, in time order."""
    out: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        out[leg.transfer.sender].append(leg)
    return dict(out)


def compute_in_legs(legs: Sequence[Leg]) -> dict[str, list[Leg]]:
    """account -> the legs it received, in time order."""
    into: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        into[leg.transfer.receiver].append(leg)
    return dict(into)
