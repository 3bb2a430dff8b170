"""Generic outgoing webhooks: JSON bodies signed with HMAC-SHA256."""

from sunrelay.integrations.webhook.signed import SIGNATURE_HEADER, post, sign, verify

__all__ = ["SIGNATURE_HEADER", "post", "sign", "verify"]
