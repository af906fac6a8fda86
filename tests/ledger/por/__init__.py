"""Tests of proofs of reserves: archive, documents, verification, statement, vectors."""
