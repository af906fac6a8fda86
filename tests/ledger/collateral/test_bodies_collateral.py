"""Static checks of the collateral bodies (ledger/tx/bodies_collateral.py)."""

import pytest

from ledger.crypto.keys import PrivateKey, compute_account_id
from ledger.errors import InvalidTransaction
from ledger.tx.bodies_collateral import MAX_SETTLEMENT_LEGS
from ledger.tx.envelope import decode_transaction, encode_transaction
from tests.support.chain import Chain


@pytest.fixture(scope="module")
def chain() -> Chain:
    return Chain.create(seed=11)


def _decode(chain: Chain, kind: str, body: dict, signer: str = "ccp"):
    key = chain.keys.roles["ccp"] if signer == "ccp" else chain.keys.roles["regulator"]
    from api.sdk.builders import Signer

    env = Signer(key, signer, chain.genesis.chain_id).sign(kind, body)
    return decode_transaction(encode_transaction(env))


def _reason(chain: Chain, kind: str, body: dict) -> str:
    with pytest.raises(InvalidTransaction) as err:
        _decode(chain, kind, body)
    return err.value.reason


def test_haircut_bounds_asset_and_source(chain):
    ok = {"asset": "NTDC", "haircut_bps": 9_999, "source": "TAIFEX notice 2026-001"}
    assert _decode(chain, "set_haircut", ok).body.haircut_bps == 9_999
    assert _reason(chain, "set_haircut", {**ok, "haircut_bps": 10_000}) == "MALFORMED"
    assert _reason(chain, "set_haircut", {**ok, "haircut_bps": -1}) == "MALFORMED"
    assert _reason(chain, "set_haircut", {**ok, "haircut_bps": "200"}) == "MALFORMED"
    assert _reason(chain, "set_haircut", {**ok, "asset": "BTC"}) == "MALFORMED"
    assert _reason(chain, "set_haircut", {**ok, "source": "  "}) == "MALFORMED"
    assert _reason(chain, "set_haircut", {k: v for k, v in ok.items() if k != "source"}) == (
        "MALFORMED")


def test_requirement_amounts(chain):
    member = "ntdc1yyhsn8dgsgzvm0fs2av45u3pfrdgcx8g3my59c"
    ok = {"member": member, "requirement": "0", "method": "HS-ES", "reference": "run"}
    assert _decode(chain, "post_requirement", ok).body.requirement == 0
    assert _reason(chain, "post_requirement", {**ok, "requirement": 5}) == "MALFORMED"
    assert _reason(chain, "post_requirement", {**ok, "requirement": "9007199254740992"}) == (
        "MALFORMED")
    assert _reason(chain, "post_requirement", {**ok, "member": "bob"}) == "MALFORMED"
    assert _reason(chain, "post_requirement", {**ok, "method": ""}) == "MALFORMED"


def test_pledge_amounts(chain):
    assert _reason(chain, "pledge", {"amount": "0"}) == "AMOUNT_OUT_OF_RANGE"
    assert _reason(chain, "pledge", {"amount": 100}) == "MALFORMED"
    assert _reason(chain, "release", {"amount": "1", "asset": "USDC"}) == "MALFORMED"


def test_settlement_leg_count(chain):
    ids = [compute_account_id(PrivateKey.from_seed(bytes([i % 256, i // 256]) * 16)
                              .public_key()) for i in range(MAX_SETTLEMENT_LEGS + 1)]
    one = {"settlement_id": "VM-1", "legs": [{"account": ids[0], "amount": "1"}]}
    assert _reason(chain, "variation_settlement", one) == "MALFORMED"
    # The largest settlement, with the largest amounts, still fits in one transaction.
    legs = [{"account": a, "amount": f"{'-' if i % 2 else ''}{10**15}"}
            for i, a in enumerate(ids[:MAX_SETTLEMENT_LEGS])]
    full = {"settlement_id": "VM-2", "legs": legs}
    assert len(_decode(chain, "variation_settlement", full).body.legs) == MAX_SETTLEMENT_LEGS
    legs.append({"account": ids[-1], "amount": "1"})
    legs[0] = {"account": ids[0], "amount": str(10**15 - 1)}
    assert _reason(chain, "variation_settlement", full) == "MALFORMED"
