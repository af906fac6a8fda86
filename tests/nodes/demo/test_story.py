"""The demo story is a test too: it drives real node processes through the HTTP APIs and SDK
(onboarding → mint → transfer → redeem → payout, proofs of reserves, margin calls, kill -9)."""

import pytest

from nodes.demo.story import Story
from tests.nodes.network.conftest import free_port_base

pytestmark = pytest.mark.network


def test_the_whole_story_holds(tmp_path, capsys):
    story = Story(tmp_path / "demo", free_port_base(220))
    assert story.run() == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    for chapter in ("KYC onboarding", "Issuance", "Payments", "AML flags", "Redemption",
                    "Proof of reserves", "futures margin", "validator fails", "Everyone agrees"):
        assert chapter in out
    assert "[FAIL]" not in out
