"""The signature of the HTTP gateways, both ways (no Django here: the test gateway runs alone)."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body with the shared secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
