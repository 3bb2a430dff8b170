"""Signed JSON webhooks, the way GitHub signs its own.

Each request carries ``X-Sunrelay-Signature-256: sha256=<hex>``, the HMAC-SHA256 of the raw
request body under the endpoint's secret, and ``X-Sunrelay-Delivery``, the idempotency key, so a
receiver can verify the sender and drop a repeat. See docs/notifications.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sunrelay.integrations import outbound

SIGNATURE_HEADER = "X-Sunrelay-Signature-256"
DELIVERY_HEADER = "X-Sunrelay-Delivery"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


def post(
    url: str, secret: str, payload: dict[str, Any], *, delivery: str, timeout: float = 10.0
) -> None:
    """Raises ``outbound.DeliveryError`` or urllib3's ``HTTPError`` unless the answer is 2xx."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Sunrelay-Webhook",
        SIGNATURE_HEADER: sign(secret, body),
        DELIVERY_HEADER: delivery,
    }
    outbound.post(url, body, headers, timeout=timeout)
