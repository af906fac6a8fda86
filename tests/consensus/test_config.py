"""Configuration is validated up front, with messages that say what to fix."""

from __future__ import annotations

import pytest

from consensus import PbftConfig, Replica
from tests.consensus.keys import Keyring
from tests.consensus.toyapp import ToyApp


def test_defaults_are_valid_for_four_banks() -> None:
    config = PbftConfig(n=4)
    assert config.quorums.quorum == 3
    assert config.log_window >= config.checkpoint_interval


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 3}, "at least 4"),
        ({"n": 4, "batch_max": 0}, "batch_max"),
        ({"n": 4, "checkpoint_interval": 64, "log_window": 32}, "log_window"),
        ({"n": 4, "view_change_timeout_ms": 5000, "max_view_change_timeout_ms": 10}, "base"),
        ({"n": 4, "batch_wait_ms": -1}, "negative"),
    ],
)
def test_bad_configs_are_refused(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PbftConfig(**kwargs)


def test_replica_index_must_be_a_member() -> None:
    keys = Keyring(4)
    with pytest.raises(ValueError, match="not in 0..3"):
        Replica(PbftConfig(n=4), 4, keys.signer(0), keys.verifier, ToyApp())
