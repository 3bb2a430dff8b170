"""A time of the week on someone's wall clock, as working agreements write it: 'mon 17:00'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sunrelay.worktime.hours import WEEKDAYS, parse_weekday
from sunrelay.worktime.zones import from_epoch, to_epoch, zone

_WEEKLY = re.compile(r"^\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WeeklyTime:
    weekday: int  # Monday is 0
    at: time

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.at:%H:%M}"

    def instant(self, monday: date, timezone: str) -> datetime:
        """The instant in the week starting ``monday`` when ``timezone``'s clocks show this
        time (DST-correct: a gap resolves to the jump, an overlap to its first occurrence)."""
        day = monday + timedelta(days=self.weekday)
        return from_epoch(to_epoch(day, self.at, zone(timezone)))


def parse_weekly_time(text: object) -> WeeklyTime:
    """'mon 17:00', 'Friday 9:30'. Raises ValueError."""
    match = _WEEKLY.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a time of the week like 'mon 17:00'")
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not a time of day")
    return WeeklyTime(parse_weekday(match.group(1)), time(hour, minute))
