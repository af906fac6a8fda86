"""Every AML parameter has a default in genesis that its own range accepts."""

from __future__ import annotations

from ledger.aml.params import PARAM_SPECS, ParamKind, compute_param_value
from ledger.genesis import DEFAULT_PARAMS


def test_every_spec_has_a_valid_default():
    for name, spec in PARAM_SPECS.items():
        default = DEFAULT_PARAMS[name]
        encoded = str(default) if spec.kind is ParamKind.AMOUNT else default
        assert compute_param_value(name, encoded) == (
            sorted(default) if isinstance(default, list) else default)


def test_every_aml_default_has_a_spec():
    assert {n for n in DEFAULT_PARAMS if n.startswith("aml_")} == set(PARAM_SPECS)
