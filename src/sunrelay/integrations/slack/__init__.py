"""Slack incoming webhooks: the message format and the POST."""

from sunrelay.integrations.slack.webhook import escape, message, post

__all__ = ["escape", "message", "post"]
