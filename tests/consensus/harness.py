"""A hand-driven cluster for unit tests: replicas, toy apps and a FIFO queue of messages that
the test delivers (or drops) explicitly. No randomness, no network model."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from consensus.config import PbftConfig
from consensus.messages import Message
from consensus.output import Output
from consensus.replica import Replica
from tests.consensus.keys import Keyring
from tests.consensus.sim import sim_config
from tests.consensus.toyapp import ToyApp, tx_id_of

Drop = Callable[[int, int, Message], bool]


class Cluster:
    def __init__(
        self, n: int = 4, config: PbftConfig | None = None, *, ed25519: bool = False
    ) -> None:
        self.config = config or sim_config(n)
        self.n = n
        self.keys = Keyring(n, 0, ed25519_keys=ed25519)
        self.apps = [ToyApp() for _ in range(n)]
        self.replicas = [
            Replica(self.config, i, self.keys.signer(i), self.keys.verifier, self.apps[i])
            for i in range(n)
        ]
        self.queue: deque[tuple[int, int, Message]] = deque()
        self.outputs: list[tuple[int, Output]] = []
        self.now = 1_000
        self.down: set[int] = set()

    def feed(self, src: int, out: Output) -> Output:
        self.outputs.append((src, out))
        for dst, msg in out.send:
            targets = [d for d in range(self.n) if d != src] if dst is None else [dst]
            for d in targets:
                self.queue.append((src, d, msg))
        return out

    def start(self) -> None:
        for i, replica in enumerate(self.replicas):
            self.feed(i, replica.on_start(self.now))

    def request(self, at: int, tx: bytes) -> bytes:
        tx_id = tx_id_of(tx)
        self.feed(at, self.replicas[at].on_request(tx_id, tx, self.now))
        return tx_id

    def tick(self, advance_ms: int) -> None:
        self.now += advance_ms
        for i, replica in enumerate(self.replicas):
            if i not in self.down:
                self.feed(i, replica.on_tick(self.now))

    def deliver_all(self, drop: Drop | None = None, max_steps: int = 100_000) -> int:
        steps = 0
        while self.queue and steps < max_steps:
            src, dst, msg = self.queue.popleft()
            steps += 1
            if dst in self.down or src in self.down or (drop is not None and drop(src, dst, msg)):
                continue
            self.feed(dst, self.replicas[dst].on_message(src, msg.encode()))
        return steps

    def settle(self, rounds: int = 30, step_ms: int = 20, drop: Drop | None = None) -> None:
        for _ in range(rounds):
            self.deliver_all(drop)
            self.tick(step_ms)
        self.deliver_all(drop)

    def heights(self) -> list[int]:
        return [app.committed_height() for app in self.apps]
