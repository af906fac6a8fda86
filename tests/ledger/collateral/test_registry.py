"""Registration of the collateral kinds, and the whole §7 story on one chain."""

from ledger.collateral.model import CallStatus, MemberStatus
from ledger.collateral.registry import BLOCK_START_HOOKS, PROCESSORS
from ledger.collateral.reports import compute_collateral_report
from ledger.execution import PROCESSORS as CORE_PROCESSORS
from ledger.extensions import BLOCK_START_HOOKS as ALL_HOOKS
from ledger.rules.signers import ACCOUNT_SIGNED
from ledger.tx.kinds import BODY_MODELS, ROLE_SIGNED
from tests.ledger.collateral.desk import DEADLINE_MS, FUNDING, Desk, effects


def test_kinds_are_registered_with_their_signers():
    for kind, process in PROCESSORS.items():
        assert CORE_PROCESSORS[kind] is process
        assert kind in BODY_MODELS
    assert {"pledge", "release"} <= ACCOUNT_SIGNED
    for kind in ("set_haircut", "post_requirement", "liquidate", "variation_settlement"):
        assert ROLE_SIGNED[kind] == "ccp"
    assert all(hook in ALL_HOOKS for hook in BLOCK_START_HOOKS)


def test_section_7_story():
    """Pledge, a call met in seconds, a call defaulted and liquidated, a variation settlement."""
    desk = Desk.create()
    w = desk.work
    desk.block(w.pledge(desk.alpha, 500_000), w.pledge(desk.beta, 200_000))
    desk.block(w.post_requirement(desk.alpha, 450_000, "HS-ES", "JSCC HS-ES 99% 1250d 2d"),
               w.post_requirement(desk.beta, 150_000, "SPAN", "SPAN 16 scenarios"))
    # Daily variation margin: alpha loses 60_000 (from available), beta and gamma gain.
    desk.ok(w.variation_settlement("VM-D1", [(desk.alpha, -60_000), (desk.beta, 45_000),
                                             (desk.gamma, 15_000)]))
    # Requirements rise overnight (Saturday 03:00 is as good as any time): both are called.
    receipts = desk.block(w.post_requirement(desk.alpha, 520_000),
                          w.post_requirement(desk.beta, 400_000))
    (alpha_call,) = effects(receipts[0], "margin_call")
    (beta_call,) = effects(receipts[1], "margin_call")
    # Alpha meets its call within seconds; beta does not.
    met = desk.ok(w.pledge(desk.alpha, 31_000), advance_ms=5_000)
    assert effects(met, "margin_call_met") == [(desk.alpha.account, 0, alpha_call[2])]
    desk.block(advance_ms=DEADLINE_MS)
    assert desk.call(beta_call[2]).status is CallStatus.DEFAULTED
    # beta: 200_000 pledged worth 196_000 against 400_000: shortfall 204_000 > collateral.
    liquidation = desk.ok(w.liquidate(beta_call[2], "DF-2026-001"))
    assert effects(liquidation, "liquidate") == [(desk.beta.account, 200_000, beta_call[2])]
    assert desk.account(desk.ccp).available == 200_000
    report = compute_collateral_report(desk.state)
    by_account = {m["account"]: m for m in report["members"]}
    assert by_account[desk.alpha.account]["status"] == MemberStatus.GOOD.value
    assert by_account[desk.beta.account]["status"] == MemberStatus.DEFAULT.value
    assert by_account[desk.beta.account]["defaults"][0]["liquidated"] == "200000"
    total = sum(a.total for _, a in desk.state.accounts.items())
    assert total == desk.state.supply == 4 * FUNDING
