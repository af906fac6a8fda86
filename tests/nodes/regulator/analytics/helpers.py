"""Small transfer lists for the analytics tests."""

from __future__ import annotations

from nodes.regulator.analytics import Transfer

HOUR = 3_600_000
DAY = 24 * HOUR
T0 = 1_767_225_600_000


def tx(n: int, hours: float, sender: str, receiver: str, amount: int) -> Transfer:
    """Transfer ``t<n>`` at T0 + ``hours``."""
    return Transfer(f"t{n}", T0 + int(hours * HOUR), sender, receiver, amount)
