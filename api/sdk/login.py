"""The login challenge a key holder signs to get a bearer token (shared by SDK and server).

signing bytes = "NTDC/api-login/v1" 0x00 || JCS({"audience", "chain_id", "nonce", "subject"})

``audience`` names the node that issued the challenge, so a signature given to one node cannot
be replayed to another; ``nonce`` is single-use and short-lived.
"""

from __future__ import annotations

from typing import Any

from ledger.crypto.keys import PrivateKey
from ledger.encoding import canonical_json

LOGIN_DOMAIN = b"NTDC/api-login/v1\x00"


def compute_login_signing_bytes(*, chain_id: str, audience: str, subject: str, nonce: str) -> bytes:
    """The exact bytes a subject signs to answer a login challenge."""
    return LOGIN_DOMAIN + canonical_json(
        {"audience": audience, "chain_id": chain_id, "nonce": nonce, "subject": subject})


def sign_login(key: PrivateKey, challenge: dict[str, Any], subject: str) -> dict[str, Any]:
    """The body of ``POST /v1/auth/token`` answering ``challenge`` (a challenge response)."""
    data = compute_login_signing_bytes(chain_id=challenge["chain_id"],
                                       audience=challenge["audience"], subject=subject,
                                       nonce=challenge["nonce"])
    return {"subject": subject, "public_key": str(key.public_key()), "nonce": challenge["nonce"],
            "signature": key.sign(data)}
