"""The bank validator node: mempool, ledger execution under PBFT, storage, observers' feed."""
