"""Requests the runtime relays from another replica: not forwarded again at once, but pending,
so a silent primary is still suspected by every replica that holds them."""

from __future__ import annotations

from consensus.messages import Forward
from tests.consensus.harness import Cluster
from tests.consensus.sim import sim_config
from tests.consensus.toyapp import tx_id_of


def test_a_relayed_request_is_not_forwarded_again_but_still_commits() -> None:
    c = Cluster()
    c.start()
    tx = b"paid at bank C"
    tx_id = tx_id_of(tx)
    # Bank C's node received it from a client; the runtime relayed it to the others.
    c.feed(2, c.replicas[2].on_request(tx_id, tx, c.now))
    for i in (0, 1, 3):
        out = c.feed(i, c.replicas[i].on_request(tx_id, tx, c.now, relayed=True))
        assert not any(isinstance(m, Forward) for _, m in out.send)
    c.settle()
    assert c.heights() == [1, 1, 1, 1]
    assert all(tx_id in app.committed_ids for app in c.apps)


def test_relayed_requests_still_start_view_changes_when_the_primary_is_silent() -> None:
    config = sim_config(4)
    c = Cluster(config=config)
    c.start()
    c.down.add(0)  # the primary of view 0 is dead
    tx = b"stuck"
    tx_id = tx_id_of(tx)
    c.feed(2, c.replicas[2].on_request(tx_id, tx, c.now))
    for i in (1, 3):
        c.feed(i, c.replicas[i].on_request(tx_id, tx, c.now, relayed=True))
    for _ in range(200):
        c.deliver_all()
        c.tick(50)
        if all(c.replicas[i].view >= 1 for i in (1, 2, 3)) and c.heights()[1:] == [1, 1, 1]:
            break
    assert all(c.replicas[i].view >= 1 for i in (1, 2, 3))
    assert c.heights()[1:] == [1, 1, 1]
