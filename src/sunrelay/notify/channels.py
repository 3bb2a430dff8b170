"""Where a notification can go. Each channel is a small class behind ``Channel``.

The hub inbox needs no sending: the stored notification *is* the inbox entry. Email, Slack and
signed webhooks talk to outside systems through ``sunrelay.integrations``; tests swap any of
them for a fake with ``register``.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings

from sunrelay.integrations import slack, smtp, webhook
from sunrelay.notify.models import Notification, Preference


class DeliveryFailed(Exception):
    """The channel could not deliver this time; the outbox retries later."""


class Channel(Protocol):
    name: str

    def available(self, person: Any, preference: Preference | None) -> bool:
        """Whether this person can be reached this way at all."""

    def deliver(self, notification: Notification) -> None:
        """Deliver or raise ``DeliveryFailed`` (any other exception counts as a failure too)."""


def link(notification: Notification) -> str:
    url = notification.url
    return f"{settings.SUNRELAY_URL}{url}" if url.startswith("/") else url


def _preference(notification: Notification) -> Preference:
    """The recipient's preferences: read along with the claim by the outbox."""
    try:
        return notification.recipient.preference
    except Preference.DoesNotExist:
        raise DeliveryFailed("the recipient has no notification preferences any more") from None


class InboxChannel:
    name = "inbox"

    def available(self, person: Any, preference: Preference | None) -> bool:
        return True

    def deliver(self, notification: Notification) -> None:
        return None


class EmailChannel:
    name = "email"

    def available(self, person: Any, preference: Preference | None) -> bool:
        return bool(settings.SMTP_URL and person.email)

    def deliver(self, notification: Notification) -> None:
        to = notification.recipient.email
        if not to:
            raise DeliveryFailed("the recipient has no email address")
        text = notification.body
        if notification.url:
            text = f"{text}\n\n{link(notification)}".strip()
        smtp.send_mail(
            smtp.SmtpConfig.from_url(settings.SMTP_URL),
            settings.SUNRELAY_MAIL_FROM,
            to,
            notification.subject,
            text,
            key=notification.key,
        )


class SlackChannel:
    name = "slack"

    def available(self, person: Any, preference: Preference | None) -> bool:
        return bool(preference and preference.slack_webhook_url)

    def deliver(self, notification: Notification) -> None:
        url = _preference(notification).slack_webhook_url
        payload = slack.message(
            notification.subject, notification.body, link(notification), urgent=notification.urgent
        )
        slack.post(url, payload)


class WebhookChannel:
    name = "webhook"

    def available(self, person: Any, preference: Preference | None) -> bool:
        return bool(preference and preference.webhook_url and preference.webhook_secret)

    def deliver(self, notification: Notification) -> None:
        pref = _preference(notification)
        webhook.post(
            pref.webhook_url, pref.webhook_secret, payload(notification), delivery=notification.key
        )


def payload(n: Notification) -> dict[str, Any]:
    """The documented JSON body of a webhook delivery (docs/notifications.md)."""
    return {
        "id": n.key,
        "kind": n.kind,
        "subject": n.subject,
        "body": n.body,
        "url": link(n),
        "urgent": n.urgent,
        "recipient": {"id": n.recipient.slug, "name": n.recipient.name},
        "created_at": n.created_at.isoformat().replace("+00:00", "Z"),
    }


_channels: dict[str, Channel] = {
    c.name: c for c in (InboxChannel(), EmailChannel(), SlackChannel(), WebhookChannel())
}


def register(channel: Channel) -> None:
    _channels[channel.name] = channel


def get(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise DeliveryFailed(f"no channel named {name!r} is configured") from None


def names() -> list[str]:
    return sorted(_channels)


def available(person: Any, preference: Preference | None) -> set[str]:
    return {name for name, c in _channels.items() if c.available(person, preference)}
