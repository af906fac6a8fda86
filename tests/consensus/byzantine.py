"""A Byzantine replica that sends garbage: malformed, oversized, forged, replayed and hostile
messages, built from what it observes on the network. Used as a tick hook of a Simulation."""

from __future__ import annotations

import dataclasses
import random

from consensus.codec import DecodeError
from consensus.messages import (
    BlockReply,
    Checkpoint,
    CheckpointProof,
    ClientRequest,
    Commit,
    CommitCertificate,
    Endorsement,
    Fetch,
    Forward,
    Message,
    NewView,
    Prepare,
    PreparedCertificate,
    PrePrepare,
    Status,
    ViewChange,
)
from consensus.wire import decode_message, signed
from tests.consensus.sim import Simulation


class GarbageReplica:
    """Replaces an endpoint's behaviour: it never votes honestly, it only attacks."""

    def __init__(self, sim: Simulation, name: str, rng: random.Random, per_tick: int = 3) -> None:
        self.sim = sim
        self.name = name
        self.index = sim.endpoints[name].index
        self.rng = rng
        self.per_tick = per_tick
        self.signer = sim.keys.signer(self.index)
        sim.endpoints[name].outbound_filter = lambda msg: False
        sim.endpoints[name].honest = False
        sim.observed[name] = []
        sim.tick_hooks[name] = self.on_tick

    def on_tick(self, sim: Simulation, name: str) -> None:
        others = [i for i in range(sim.n) if i != self.index]
        for _ in range(self.per_tick):
            frame = self._garbage()
            sim.send_raw(self.name, self.rng.choice(others), frame)

    def _observed(self) -> Message | None:
        seen = self.sim.observed[self.name]
        if not seen:
            return None
        try:
            return decode_message(self.rng.choice(seen))
        except DecodeError:
            return None

    def _rand(self, size: int) -> bytes:
        return bytes(self.rng.getrandbits(8) for _ in range(size))

    def _garbage(self) -> bytes:
        rng = self.rng
        choice = rng.randrange(12)
        seen = self.sim.observed[self.name]
        if choice == 0 or not seen:
            return self._rand(rng.randint(0, 200))
        frame = rng.choice(seen)
        if choice == 1:
            return frame[: rng.randrange(len(frame) + 1)]
        if choice == 2 and frame:
            data = bytearray(frame)
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            return bytes(data)
        if choice == 3:
            return frame  # a replay of someone else's message under our identity
        if choice == 4:
            return frame + self._rand(rng.randint(1, 8))
        msg = self._observed()
        if msg is None:
            return self._rand(10)
        if choice == 5:
            return self._forged_author(msg).encode()
        return self._hostile(msg).encode()

    def _forged_author(self, msg: Message) -> Message:
        """Claim to be another replica, with a signature made by our own key."""
        victim = (self.index + 1) % self.sim.n
        if hasattr(msg, "replica"):
            msg = dataclasses.replace(msg, replica=victim)  # type: ignore[type-var]
        return signed(msg, self.signer)

    def _hostile(self, msg: Message) -> Message:
        """Well-signed by us, but wrong: bad views, digests, proofs and claims."""
        rng, me = self.rng, self.index
        view = getattr(msg, "view", getattr(msg, "new_view", 0))
        seq = getattr(msg, "seq", getattr(msg, "height", 1))
        digest = self._rand(32)
        fake_sig = "hmac:" + self._rand(32).hex()
        fake = (Endorsement((me + 1) % self.sim.n, fake_sig), Endorsement(me, fake_sig))
        options: list[Message] = [
            Prepare(view, seq, digest, me),
            Commit(view, seq, digest, me),
            Prepare(view + rng.randint(1, 5), seq, digest, me),
            Commit(view, seq + rng.randint(50, 10**6), digest, me),
            Checkpoint(max(4, seq - seq % 4), digest, me),
            PrePrepare(view, seq, digest, (), self._rand(50)),
            PrePrepare(me, seq, digest, (), self._rand(50)),
            ViewChange(
                view + 1,
                CheckpointProof(4, digest, fake),
                (PreparedCertificate(view, seq, digest, self._rand(32), fake_sig, fake),),
                me,
            ),
            ViewChange(view + 1 + rng.randint(0, 100), CheckpointProof(0, b"", ()), (), me),
            NewView(me, (), ()),
            Status(view + 50, False, seq + 10**6, CheckpointProof(seq + 400, digest, fake), me),
            Status(view, rng.random() < 0.5, seq + 10**3, CheckpointProof(0, b"", ()), me),
            Fetch(1, 10**9, me),
            BlockReply(
                seq + 1,
                digest,
                self._rand(64),
                (),
                CommitCertificate(view, seq + 1, digest, fake),
                me,
            ),
            BlockReply(seq + 1, digest, self._rand(64), (), None, me),
            Forward(
                me, tuple(ClientRequest(self._rand(32), b"bad-" + self._rand(8)) for _ in range(3))
            ),
        ]
        return signed(rng.choice(options), self.signer)
