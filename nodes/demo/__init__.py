"""``ntdc demo``: the whole NTDC story told live against a real local network."""
