"""Cryptography for NTDC: algorithm-tagged signatures and HPKE sealing of real-name data.

The state transition only ever *verifies*. Key generation and sealing draw randomness from the
operating system and are used by wallets, banks and tools, never inside ``apply_block``.
"""
