"""The signing interfaces the protocol core is given, so that it never touches a key.

The runtime injects a ``Signer`` holding this replica's node key and a ``Verifier`` that knows
every member's public key. Signatures are opaque text (``"<alg>:<base64url>"`` in NTDC).
"""

from __future__ import annotations

from typing import Protocol


class Signer(Protocol):
    """Signs bytes with this replica's node key."""

    def sign(self, data: bytes) -> str:
        """Signature of ``data``."""
        ...


class Verifier(Protocol):
    """Checks signatures of any member replica."""

    def verify(self, node_index: int, signature: str, data: bytes) -> bool:
        """True only if ``signature`` is ``node_index``'s valid signature of ``data``."""
        ...
