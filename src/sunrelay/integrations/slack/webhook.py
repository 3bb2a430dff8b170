"""Post to a Slack incoming webhook (https://api.slack.com/messaging/webhooks).

The payload is Slack's message format: a plain ``text`` fallback for notifications, and
Block Kit ``blocks`` (a header, an mrkdwn section, a context line with the link).
"""

from __future__ import annotations

import json
from typing import Any

from sunrelay.integrations import outbound


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def message(subject: str, body: str, url: str = "", *, urgent: bool = False) -> dict[str, Any]:
    title = ("🚨 " if urgent else "") + subject
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150], "emoji": True}}
    ]
    if body.strip():
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": escape(body)[:3000]}})
    if url:
        link = f"<{url}|Open in Sunrelay>"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": link}]})
    return {"text": escape(title), "blocks": blocks}


def post(webhook_url: str, payload: dict[str, Any], *, timeout: float = 10.0) -> None:
    """Raises ``outbound.DeliveryError`` or urllib3's ``HTTPError`` unless the answer is 2xx."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    outbound.post(webhook_url, body, {"Content-Type": "application/json"}, timeout=timeout)
