"""ISO weeks as the health domain reads them: Monday 00:00 UTC to the next Monday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sunrelay.cadence.logic import parse_week, week_of
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed


@dataclass(frozen=True)
class Week:
    name: str  # ISO week, "2026-W48"
    start: datetime  # Monday 00:00 UTC
    end: datetime  # the next Monday

    @classmethod
    def of(cls, name: str) -> Week:
        monday: date = parse_week(name)
        start = datetime.combine(monday, time(0), tzinfo=UTC)
        return cls(name, start, start + timedelta(weeks=1))


def check_week(text: str) -> str:
    """Raises ValidationFailed naming ``week`` for anything but an ISO week."""
    try:
        Week.of(text)
    except ValueError:
        raise ValidationFailed(f"{text!r} is not an ISO week like 2026-W48", field="week") from None
    return text


def current_week(now: datetime | None = None) -> str:
    return week_of((now or clock.now()).date())
