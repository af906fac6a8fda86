"""Deterministic simulation of a PBFT network: seeded faults, a fake clock, crashes, Byzantines.

Everything that varies comes from one ``random.Random(seed)``, so a failing seed replays
exactly. Endpoints are replica instances; two endpoints may share an index and key (Twins: an
equivocating node). The network delivers encoded frames with random delay, loss, duplication,
replays of old frames, and partitions (evaluated at delivery time). Crashed replicas keep their
persisted records and the toy application's committed blocks, and restart from them.

``Checker`` asserts safety (identical committed prefixes and states, valid certificates) and
the helpers ``run_until`` / ``all_committed`` express liveness with a bounded simulated time.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from consensus.certificates import verify_certificate
from consensus.config import PbftConfig
from consensus.messages import Message, NewView, PrePrepare
from consensus.output import Output
from consensus.persistence import is_snapshot, record_from_bytes, record_to_bytes
from consensus.replica import Replica
from tests.consensus.keys import Keyring
from tests.consensus.toyapp import ToyApp, tx_id_of


def sim_config(n: int = 4, **overrides: int) -> PbftConfig:
    """Small windows and short timers, so that simulations exercise checkpoints and timeouts."""
    base: dict[str, int] = {
        "batch_max": 8,
        "batch_wait_ms": 5,
        "checkpoint_interval": 4,
        "log_window": 8,
        "view_change_timeout_ms": 600,
        "max_view_change_timeout_ms": 8_000,
        "retransmit_ms": 100,
        "status_interval_ms": 200,
        "fetch_timeout_ms": 300,
        "max_fetch_blocks": 4,
        "fetch_serve_interval_ms": 0,
        "forward_retry_ms": 1_000,
        "request_ttl_ms": 60_000,
    }
    base.update(overrides)
    return PbftConfig(n=n, **base)


@dataclass
class NetConditions:
    """Per-message fault probabilities in permille and the delay range in ms."""

    drop: int = 0
    duplicate: int = 0
    replay: int = 0
    min_delay_ms: int = 1
    max_delay_ms: int = 15


@dataclass
class Endpoint:
    name: str
    index: int
    app: ToyApp
    replica: Replica | None
    records: list[bytes] = field(default_factory=list)
    alive: bool = True
    honest: bool = True
    outbound_filter: Callable[[Message], bool] | None = None
    """Return False to suppress a message this endpoint would send (mute behaviours)."""
    committed: list[tuple[int, bytes]] = field(default_factory=list)
    generation: int = 0


class Simulation:
    """An event-driven network of replicas under one seeded random source."""

    def __init__(
        self,
        n: int = 4,
        seed: int = 0,
        *,
        config: PbftConfig | None = None,
        net: NetConditions | None = None,
        ed25519: bool = False,
        tick_ms: int = 20,
        twins: tuple[int, ...] = (),
        client_retry_ms: int = 3_000,
    ) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.config = config or sim_config(n)
        self.n = self.config.n
        self.net = net or NetConditions()
        self.keys = Keyring(self.n, seed, ed25519_keys=ed25519)
        self.tick_ms = tick_ms
        self.now = 0
        self._queue: list[tuple[int, int, tuple[object, ...]]] = []
        self._counter = 0
        self.partition: list[set[str]] | None = None
        self.history: list[tuple[str, str, bytes]] = []
        self.endpoints: dict[str, Endpoint] = {}
        self.submitted: dict[bytes, bytes] = {}
        self._last_submit: dict[bytes, int] = {}
        self.client_retry_ms = client_retry_ms
        self.messages_delivered = 0
        self.tick_hooks: dict[str, Callable[[Simulation, str], None]] = {}
        self.observed: dict[str, list[bytes]] = {}
        for i in range(self.n):
            names = [str(i), f"{i}'"] if i in twins else [str(i)]
            for name in names:
                self._add_endpoint(name, i, honest=i not in twins)
        for name in self.endpoints:
            self._start(name)

    # ------------------------------------------------------------------ set-up

    def _add_endpoint(self, name: str, index: int, *, honest: bool) -> None:
        app = ToyApp()
        replica = self._new_replica(index, app)
        self.endpoints[name] = Endpoint(name, index, app, replica, honest=honest)

    def _new_replica(self, index: int, app: ToyApp, records: list[bytes] | None = None) -> Replica:
        signer, verifier = self.keys.signer(index), self.keys.verifier
        if records is None:
            return Replica(self.config, index, signer, verifier, app)
        return Replica.restore(self.config, index, signer, verifier, app, records)

    def _start(self, name: str) -> None:
        ep = self.endpoints[name]
        assert ep.replica is not None
        self._process(ep, ep.replica.on_start(self.now))
        offset = (int(name.rstrip("'")) * 3 + (1 if name.endswith("'") else 0)) % self.tick_ms
        self._schedule(self.now + offset + 1, ("tick", name, ep.generation))

    def _schedule(self, when: int, event: tuple[object, ...]) -> None:
        self._counter += 1
        heapq.heappush(self._queue, (when, self._counter, event))

    # ------------------------------------------------------------------ faults

    def crash(self, name: str) -> None:
        """Stop an endpoint; it keeps its records and committed blocks."""
        ep = self.endpoints[name]
        ep.alive = False
        ep.replica = None
        ep.app.spec = None
        ep.generation += 1

    def restart(self, name: str) -> None:
        """Restart a crashed endpoint from its persisted records and committed blocks."""
        ep = self.endpoints[name]
        assert not ep.alive
        ep.app = ToyApp.from_blocks(ep.app.blocks)
        ep.replica = self._new_replica(ep.index, ep.app, list(ep.records))
        ep.alive = True
        self._start(name)

    def set_partition(self, *groups: set[str] | set[int]) -> None:
        """Only endpoints in the same group can talk (endpoint names or replica indices)."""
        self.partition = [{str(x) for x in group} for group in groups]

    def heal(self) -> None:
        """Remove every partition."""
        self.partition = None

    def connected(self, a: str, b: str) -> bool:
        if self.partition is None:
            return True
        return any(a in group and b in group for group in self.partition)

    # ------------------------------------------------------------------ clients

    def submit(self, tx: bytes, to: str | None = None) -> bytes:
        """A client submits ``tx`` to one endpoint (random live honest one by default)."""
        tx_id = tx_id_of(tx)
        self.submitted.setdefault(tx_id, tx)
        target = to if to is not None else self._random_live_honest()
        self._last_submit[tx_id] = self.now
        ep = self.endpoints[target]
        if ep.alive and ep.replica is not None:
            self._process(ep, ep.replica.on_request(tx_id, tx, self.now))
        return tx_id

    def submit_many(self, count: int, prefix: str = "tx") -> list[bytes]:
        return [
            self.submit(f"{prefix}-{self.seed}-{len(self.submitted)}-{i}".encode())
            for i in range(count)
        ]

    def _random_live_honest(self) -> str:
        names = sorted(n for n, ep in self.endpoints.items() if ep.alive and ep.honest)
        return self.rng.choice(names)

    def _client_retries(self) -> None:
        """Clients resubmit uncommitted transactions to another node after a while."""
        done = self.committed_ids_anywhere()
        for tx_id, tx in self.submitted.items():
            if tx_id in done or tx.startswith(b"bad"):
                continue
            if self.now - self._last_submit.get(tx_id, 0) >= self.client_retry_ms:
                self.submit(tx)

    # ------------------------------------------------------------------ running

    def run_for(self, duration_ms: int) -> None:
        self.run_until(lambda: False, duration_ms)

    def run_until(self, predicate: Callable[[], bool], timeout_ms: int) -> bool:
        """Process events until ``predicate()`` holds (checked every tick) or time runs out."""
        deadline = self.now + timeout_ms
        next_retry = self.now + self.client_retry_ms
        while self._queue and self._queue[0][0] <= deadline:
            when, _, event = heapq.heappop(self._queue)
            self.now = when
            if event[0] == "tick":
                _, name, generation = event
                ep = self.endpoints[str(name)]
                if not ep.alive or ep.generation != generation or ep.replica is None:
                    continue
                self._process(ep, ep.replica.on_tick(self.now))
                hook = self.tick_hooks.get(str(name))
                if hook is not None:
                    hook(self, str(name))
                self._schedule(self.now + self.tick_ms, ("tick", name, generation))
                if self.now >= next_retry:
                    next_retry = self.now + self.client_retry_ms
                    self._client_retries()
                if predicate():
                    return True
            else:
                _, src, dst, frame = event
                self._deliver(str(src), str(dst), frame)  # type: ignore[arg-type]
        self.now = max(self.now, deadline)
        return predicate()

    def _deliver(self, src: str, dst: str, frame: bytes) -> None:
        ep = self.endpoints[dst]
        if not ep.alive or ep.replica is None or not self.connected(src, dst):
            return
        self.messages_delivered += 1
        if dst in self.observed:
            seen = self.observed[dst]
            seen.append(frame)
            if len(seen) > 500:
                del seen[: len(seen) - 500]
        sender = self.endpoints[src].index
        self._process(ep, ep.replica.on_message(sender, frame))

    def send_raw(self, src: str, dst_index: int, frame: bytes) -> None:
        """Put a raw frame from endpoint ``src`` on the network to replica ``dst_index``."""
        for name, other in self.endpoints.items():
            if other.index == dst_index and name != src:
                self._send_frame(src, name, frame)

    def inject(self, src_index: int, dst: str, frame: bytes) -> Output | None:
        """Deliver a raw frame to ``dst`` as if replica ``src_index`` sent it."""
        ep = self.endpoints[dst]
        if not ep.alive or ep.replica is None:
            return None
        out = ep.replica.on_message(src_index, frame)
        self._process(ep, out)
        return out

    # ------------------------------------------------------------------ effects

    def _process(self, ep: Endpoint, out: Output) -> None:
        for record in out.persist:
            data = record_to_bytes(record)
            assert record_from_bytes(data) == record, "persistence record does not round-trip"
            if is_snapshot(record):
                ep.records = [data]
            else:
                ep.records.append(data)
        last = (
            ep.committed[-1][0] if ep.committed else ep.app.committed_height() - len(out.committed)
        )
        for block in out.committed:
            assert block.height == last + 1, f"{ep.name} committed {block.height} after {last}"
            assert verify_certificate(block.certificate, self.keys.verifier, self.n)
            assert block.certificate.digest == block.digest
            ep.committed.append((block.height, block.digest))
            last = block.height
        for dst, msg in out.send:
            if ep.outbound_filter is not None and not ep.outbound_filter(msg):
                continue
            frame = msg.encode()
            targets = [d for d in range(self.n) if d != ep.index] if dst is None else [dst]
            for index in targets:
                for name, other in self.endpoints.items():
                    if other.index == index and name != ep.name:
                        self._send_frame(ep.name, name, frame)

    def _send_frame(self, src: str, dst: str, frame: bytes) -> None:
        net, rng = self.net, self.rng
        if rng.randrange(1000) >= net.drop:
            self._schedule(
                self.now + rng.randint(net.min_delay_ms, net.max_delay_ms), ("msg", src, dst, frame)
            )
        if rng.randrange(1000) < net.duplicate:
            self._schedule(
                self.now + rng.randint(net.min_delay_ms, 4 * net.max_delay_ms),
                ("msg", src, dst, frame),
            )
        if net.replay and rng.randrange(1000) < net.replay and self.history:
            old_src, old_dst, old = self.history[rng.randrange(len(self.history))]
            self._schedule(
                self.now + rng.randint(net.min_delay_ms, net.max_delay_ms),
                ("msg", old_src, old_dst, old),
            )
        if net.replay and rng.randrange(100) == 0:
            self.history.append((src, dst, frame))
            if len(self.history) > 2000:
                self.history.pop(0)

    # ------------------------------------------------------------------ observations

    def honest(self) -> list[Endpoint]:
        return [ep for ep in self.endpoints.values() if ep.honest]

    def live_honest(self) -> list[Endpoint]:
        return [ep for ep in self.honest() if ep.alive]

    def committed_ids(self, ep: Endpoint) -> set[bytes]:
        return ep.app.committed_ids

    def committed_ids_anywhere(self) -> set[bytes]:
        ids: set[bytes] = set()
        for ep in self.honest():
            ids |= ep.app.committed_ids
        return ids

    def all_committed(self, tx_ids: list[bytes], names: list[str] | None = None) -> bool:
        """True if every tx in ``tx_ids`` is committed at every live honest (or named) endpoint."""
        eps = [self.endpoints[n] for n in names] if names else self.live_honest()
        return all(set(tx_ids) <= ep.app.committed_ids for ep in eps)

    def heights(self) -> dict[str, int]:
        return {name: ep.app.committed_height() for name, ep in self.endpoints.items()}

    def views(self) -> dict[str, int]:
        return {n: ep.replica.view for n, ep in self.endpoints.items() if ep.replica is not None}

    def check_safety(self) -> None:
        """Raise AssertionError if honest endpoints diverged in any way."""
        Checker(self).check()


class Checker:
    """Safety properties over the honest endpoints of a simulation."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim

    def check(self) -> None:
        sim = self.sim
        chains = {ep.name: ep.app for ep in sim.honest()}
        longest = max(chains.values(), key=lambda app: app.committed_height())
        for name, app in chains.items():
            for height, stored in enumerate(app.blocks, start=1):
                reference = longest.blocks[height - 1]
                assert stored.block.digest == reference.block.digest, (
                    f"seed {sim.seed}: {name} committed a different block at height {height}"
                )
                assert app.states[height] == longest.states[height], (
                    f"seed {sim.seed}: {name} has a different state at height {height}"
                )
                cert = stored.certificate
                assert cert.height == height and cert.digest == stored.block.digest
                assert verify_certificate(cert, sim.keys.verifier, sim.n)
            ep = sim.endpoints[name]
            recorded = ep.committed
            assert [h for h, _ in recorded] == sorted({h for h, _ in recorded}), (
                f"seed {sim.seed}: {name} reported heights out of order"
            )
            for height, digest in recorded:
                assert longest.blocks[height - 1].block.digest == digest
        all_ids = [tx_id_of(tx) for stored in longest.blocks for tx in stored.block.txs]
        assert len(all_ids) == len(set(all_ids)), f"seed {sim.seed}: a transaction committed twice"


def mute_proposals(msg: Message) -> bool:
    """Outbound filter of a primary that never proposes (drops PRE-PREPARE and NEW-VIEW)."""
    return not isinstance(msg, PrePrepare | NewView)


def replace_signature(msg: Message, signature: str) -> Message:
    """``msg`` with a forged signature."""
    return dataclasses.replace(msg, signature=signature)
