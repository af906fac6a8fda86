"""``set_aml_params``: the only way AML parameters change after genesis (SPEC §6).

Signed by the regulator role (``ledger.tx.kinds.ROLE_SIGNED``). Every name must be a known AML
parameter and every value inside its range (``ledger.aml.params.PARAM_SPECS``); otherwise the
whole transaction is rejected with INVALID_PARAMETER and nothing changes.
"""

from __future__ import annotations

from ledger.aml.bodies import SetAmlParams
from ledger.aml.params import CONFIG_TOKEN_META, compute_param_value
from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction, Reason
from ledger.rules.context import TxContext


def process_set_aml_params(state: LedgerState, ctx: TxContext, body: SetAmlParams) -> None:
    """Check every new value, then store them all and record the order that set them."""
    values: dict[str, int | list[str]] = {}
    for name in sorted(body.params):
        # Parameters outside the AML set, or out of range, are refused as a whole.
        try:
            values[name] = compute_param_value(name, body.params[name])
        except ValueError as exc:
            raise InvalidTransaction(
                f"set_aml_params {body.order_id}: {exc}", Reason.INVALID_PARAMETER
            ) from None
    for name, value in values.items():
        state.params.set(name, value)
    state.set_meta("aml_params_order", body.order_id)
    # A new token tells get_aml_config that its cached copy is out of date.
    state.set_meta(CONFIG_TOKEN_META, ctx.tx.tx_id)
