"""The canonical encoder's fast path gives exactly the rfc8785 library's bytes."""

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.encoding import canonical_json

json_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
scalars = (st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | json_text)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_canonical_json_matches_rfc8785(value):
    assert canonical_json(value) == rfc8785.dumps(value)


def test_control_characters_and_unicode_match():
    value = {"b": "tab\t nl\n \u0001 \u007f é 中文 😀 \" \\", "a": [1, -2, 2**53 - 1],
             "é": 1, "😀": 2, "\ud7ff": 3}
    assert canonical_json(value) == rfc8785.dumps(value)


def test_floats_and_big_integers_go_through_the_library():
    assert canonical_json({"x": 1.5}) == rfc8785.dumps({"x": 1.5})
    assert canonical_json({"x": 2**53 - 1}) == rfc8785.dumps({"x": 2**53 - 1})


def test_records_the_ledger_builds_encode_like_rfc8785():
    from ledger.chain_state import compute_account_record_hash  # noqa: F401
    from ledger.codec import to_jsonable
    from ledger.encoding import canonical_json_of_record
    from tests.support.chain import Chain

    chain = Chain.create(seed=5)
    work = chain.work
    alice, register_a = work.new_holder("BANK-A")
    bob, register_b = work.new_holder("BANK-B")
    receipts = chain.block(register_a, register_b, work.mint(alice, 10_000),
                           work.transfer(alice, bob, 1), work.transfer(bob, alice, 10**9))
    for receipt in receipts:
        assert canonical_json_of_record(receipt.to_json()) == rfc8785.dumps(receipt.to_json())
    for _, account in chain.state.accounts.items():
        record = to_jsonable(account)
        assert canonical_json_of_record(record) == rfc8785.dumps(record)
