"""Commitments over state: the incremental Merkle sum tree and the state root built on it."""
