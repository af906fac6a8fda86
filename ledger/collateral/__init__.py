"""Tokenized margin collateral (SPEC §7): pledges, haircuts, requirements, margin calls,
default and liquidation, variation settlement, and the reports built on them.

Modules: ``model`` (records in state), ``valuation`` (pure maths and reads), ``calls`` (the margin
call life cycle and the block-start deadline rule), ``pledges``, ``margin`` (haircuts and
requirements), ``liquidation``, ``settlement`` (the ``process_*`` rules of each kind),
``registry`` (what ``ledger.extensions`` registers), ``invariants`` and ``reports`` (read-only).
"""
