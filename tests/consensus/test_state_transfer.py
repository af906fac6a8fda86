"""State transfer: a replica beyond the log window catches up from certified blocks, and a
peer that serves a forged block (valid certificate, wrong payload) cannot make it commit."""

from __future__ import annotations

from consensus.messages import BlockReply, Fetch
from consensus.wire import signed
from tests.consensus.harness import Cluster
from tests.consensus.toyapp import ToyApp


def grow(c: Cluster, blocks: int) -> None:
    for i in range(blocks):
        c.request(0, f"block-{i}".encode())
        c.settle(rounds=3)


def test_a_replica_beyond_the_watermarks_catches_up_with_identical_state() -> None:
    c = Cluster()
    c.start()
    c.down.add(3)
    grow(c, 2 * c.config.log_window)
    assert c.heights()[:3] == [16, 16, 16] and c.heights()[3] == 0
    assert c.replicas[0].stable_checkpoint.seq >= 12
    c.down.discard(3)
    c.queue.clear()
    c.settle(rounds=80)
    assert c.heights() == [16, 16, 16, 16]
    assert c.apps[3].state_digest() == c.apps[0].state_digest()
    assert c.replicas[3].metrics.blocks_transferred > 0
    assert any(isinstance(m, Fetch) for src, out in c.outputs if src == 3 for _, m in out.send)
    c.request(3, b"after catch-up")
    c.settle()
    assert c.heights() == [17, 17, 17, 17]


def test_a_forged_block_with_a_real_certificate_is_not_committed() -> None:
    c = Cluster()
    c.start()
    c.down.add(3)
    grow(c, 1)
    payload, cert = c.apps[0].committed_block(1)  # type: ignore[misc]
    other = ToyApp().make_block(1, 1_500, [b"forged"])
    assert other is not None and other.payload != payload
    lagger = c.replicas[3]
    forged = signed(BlockReply(1, cert.digest, other.payload, (), cert, 1), c.keys.signer(1))
    out = lagger.on_message(1, forged.encode())
    assert out.committed == [] and lagger.committed_height == 0
    assert lagger.metrics.bad_transfers == 1
    genuine = signed(BlockReply(1, cert.digest, payload, (), cert, 2), c.keys.signer(2))
    out = lagger.on_message(2, genuine.encode())
    assert [b.height for b in out.committed] == [1]
    assert c.apps[3].state_digest() == c.apps[0].state_digest()
