"""The runtime that gives the ledger and consensus a world: sockets, timers, storage, roles."""
