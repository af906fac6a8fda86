"""Real processes on loopback: 4 bank validators and the regulator's observer over TLS.

These start `python -m nodes.node_main` processes, submit signed transactions through the
wallet API and check what every node reports. They prove the PBFT runtime, storage, transport and
observer work together, including kill -9 of the primary under load and restarts.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from nodes.launcher.load import run_load
from nodes.launcher.network import LocalNetwork

pytestmark = pytest.mark.network


def statuses(network: LocalNetwork) -> dict[str, dict]:
    return {s["name"]: s for s in network.status() if s["alive"]}


def wait_agreement(network: LocalNetwork, names: list[str], timeout_s: float = 60) -> dict:
    """Wait until the named nodes report one (height, digest) and the observer verified it."""
    deadline = time.monotonic() + timeout_s
    last: dict = {}
    while time.monotonic() < deadline:
        last = statuses(network)
        if all(n in last for n in names):
            pairs = {(last[n]["height"], last[n]["state_digest"]) for n in names}
            observer = last.get("observer-0")
            if len(pairs) == 1 and (observer is None or "observer-0" not in names
                                    or observer["blocks_verified"] == observer["height"]):
                return last
        time.sleep(0.25)
    raise AssertionError(f"nodes did not agree within {timeout_s}s: "
                         f"{[(n, last.get(n, {}).get('height')) for n in names]}")


def applied_count(api: str) -> float:
    text = httpx.get(f"{api}/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith('ntdc_transactions_committed_total{status="applied"}'):
            return float(line.split()[-1])
    return 0.0


ALL = ["validator-0", "validator-1", "validator-2", "validator-3", "observer-0"]


def test_thousand_transfers_finalize_and_every_node_agrees(network: LocalNetwork):
    result = asyncio.run(run_load(network.directory, transfers=1000, accounts=80))
    assert result.submitted == 1000
    assert result.refused == 0
    assert result.rejected == {}
    assert result.finalized == 1000
    final = wait_agreement(network, ALL)
    observer = final["observer-0"]
    assert observer["mismatches"] == 0
    assert observer["bad_certificates"] == 0
    assert observer["blocks_verified"] == final["validator-0"]["height"] > 0
    # Registrations + mints + transfers all applied, on every validator.
    for name in ALL[:4]:
        assert applied_count(final[name]["api"]) == 1000 + 2 * 80


def test_kill_primary_under_load_then_restart_it_and_the_observer(network: LocalNetwork):
    outcome: dict = {}
    flowing = threading.Event()

    def load() -> None:
        outcome["result"] = asyncio.run(run_load(network.directory, transfers=1500,
                                                 accounts=80, rate=150,
                                                 transfers_started=flowing))

    worker = threading.Thread(target=load)
    worker.start()
    # Wait until transfers are flowing, then kill -9 the primary of view 0.
    assert flowing.wait(timeout=120)
    time.sleep(2.0)
    before_kill = statuses(network)["validator-1"]["height"]
    primary = next(s for s in network.status() if s["name"] == "validator-0")
    assert primary["view"] == 0
    network.kill("validator-0")
    worker.join(timeout=240)
    assert not worker.is_alive()
    result = outcome["result"]
    # Every transaction the surviving nodes accepted became final; none was lost.
    assert result.refused == 0
    assert result.rejected == {}
    survivors = ["validator-1", "validator-2", "validator-3", "observer-0"]
    final = wait_agreement(network, survivors)
    assert all(final[n]["view"] >= 1 for n in survivors[:3]), "a new view must have formed"
    assert final["validator-1"]["height"] > before_kill, "the chain went on after the kill"
    assert final["observer-0"]["mismatches"] == 0
    # No acknowledged transaction was lost: every registration, mint and transfer submitted
    # (including those acknowledged by the killed primary) is applied on the survivors.
    for name in survivors[:3]:
        assert applied_count(final[name]["api"]) == 1500 + 2 * 80

    # Restart the old primary: it catches up to the same height and digest.
    network.start(["validator-0"])
    final = wait_agreement(network, ALL, timeout_s=90)
    assert final["validator-0"]["height"] == final["validator-1"]["height"]

    # The chain still moves with all four (the restarted node included).
    # A second load on the same chain continues the bank operators' nonces and the custodian's
    # receipt numbers, so its funding and transfers are applied, not rejected as replays.
    more = asyncio.run(run_load(network.directory, transfers=100, accounts=8, seed=7))
    assert more.rejected == {}
    assert more.finalized == more.submitted == 100

    # Restart the observer: it re-verifies from its own database and catches up.
    network.kill("observer-0")
    network.start(["observer-0"])
    final = wait_agreement(network, ALL, timeout_s=90)
    assert final["observer-0"]["mismatches"] == 0
    assert final["observer-0"]["blocks_verified"] >= 1


def test_failover_command_times_the_new_view_and_its_probe_is_applied(network: LocalNetwork):
    from click.testing import CliRunner

    from nodes.cli.network_cmd import failover_command

    # A load first, so the banks' operators have used nonces the probe must continue from.
    asyncio.run(run_load(network.directory, transfers=50, accounts=8))
    before = statuses(network)
    applied_before = applied_count(before["validator-1"]["api"])
    outcome = CliRunner().invoke(failover_command, ["--dir", str(network.directory)])
    assert outcome.exit_code == 0, outcome.output
    assert "killed validator-0 (primary of view 0); first block of view 1 committed" \
        in outcome.output
    assert "validator-0 restarted; all nodes agree: True" in outcome.output
    final = wait_agreement(network, ALL)
    assert final["validator-0"]["view"] == 1
    # The probe (a registration signed with the operator's next committed nonce) was applied.
    assert applied_count(final["validator-1"]["api"]) == applied_before + 1
