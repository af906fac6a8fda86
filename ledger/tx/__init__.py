"""Signed transactions: the envelope, per-kind bodies, ids and signing rules."""
