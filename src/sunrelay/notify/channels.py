"""Where a notification can go. Each channel is a small class behind ``Channel``.

The hub inbox needs no sending: the stored notification *is* the inbox entry. Channels that
talk to outside systems register themselves here with ``register``.
"""

from __future__ import annotations

from typing import Protocol

from sunrelay.notify.models import Notification


class DeliveryFailed(Exception):
    """The channel could not deliver this time; the outbox retries later."""


class Channel(Protocol):
    name: str

    def deliver(self, notification: Notification) -> None:
        """Deliver or raise ``DeliveryFailed`` (any other exception counts as a failure too)."""


class InboxChannel:
    name = "inbox"

    def deliver(self, notification: Notification) -> None:
        return None


_channels: dict[str, Channel] = {"inbox": InboxChannel()}


def register(channel: Channel) -> None:
    _channels[channel.name] = channel


def get(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise DeliveryFailed(f"no channel named {name!r} is configured") from None


def names() -> list[str]:
    return sorted(_channels)
