"""Node-to-node networking: TLS 1.3 identities from genesis keys, frames, persistent links."""
