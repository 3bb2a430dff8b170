"""What the cadence tests share: instants, people, and the Payments demo hour."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sunrelay.people.models import Person

# Thursdays at 10:00 Lisbon: 09:00 UTC until 25 October 2026, 10:00 UTC after
DEMO_HOUR: dict[str, Any] = {
    "title": "Demo hour",
    "kind": "demo",
    "team": "payments",
    "rrule": "FREQ=WEEKLY;BYDAY=TH",
    "start": "2026-10-01T10:00",
    "timezone": "Europe/Lisbon",
    "duration_minutes": 60,
    "owners": ["chloe"],
}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def person(slug: str) -> Person:
    return Person.objects.get(slug=slug)
