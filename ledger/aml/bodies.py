"""Body of ``set_aml_params``: the regulator changes AML parameters (SPEC §6).

Like an enforcement order it carries an ``order_id`` and the ``legal_basis`` it was issued
under. Static checks only (shape and sizes); names and values are checked against the on-chain
parameter specs in ``ledger.aml.governance``, so a refusal can say exactly what is wrong.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StrictInt, StrictStr

from ledger.tx.bodies import Ident
from ledger.tx.fields import BODY_CONFIG

MAX_LEGAL_BASIS_CHARS = 2000


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("legal_basis must name the law or order the change rests on")
    return value


ParamName = Annotated[StrictStr, Field(min_length=5, max_length=64, pattern=r"^aml_[a-z_]+$")]
ParamValue = StrictInt | Annotated[StrictStr, Field(max_length=32)] | Annotated[
    list[Annotated[StrictStr, Field(max_length=32)]], Field(max_length=16)]
"""Counts, durations and percentages are integers; amounts are decimal strings of minor units;
``aml_volume_exempt_kinds`` is a list of account kinds."""


class SetAmlParams(BaseModel):
    model_config = BODY_CONFIG
    order_id: Ident
    legal_basis: Annotated[StrictStr, Field(min_length=1, max_length=MAX_LEGAL_BASIS_CHARS),
                           AfterValidator(_not_blank)]
    params: Annotated[dict[ParamName, ParamValue], Field(min_length=1, max_length=32)]
