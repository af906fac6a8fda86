"""Proof of reserves (SPEC §4): checkpoint records, inclusion proofs, their verification and the
reserves statement.

Everything here is pure: the node hands in its state, blocks and certificates; wallets, auditors
and the ``ntdc verify-por`` command hand in JSON documents and a genesis file.
"""
