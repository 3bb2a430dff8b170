"""Durations measured in working time, as teams write them in working agreements."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sunrelay.worktime.hours import parse_spans

_PERIOD = re.compile(r"^\s*(\d+)\s*(h|d)\s*$")


@dataclass(frozen=True)
class Period:
    """Working hours ("72h"), or working days ("3d") of the person's own usual day's length,
    so three days are three days whether someone works six hours a day or ten."""

    amount: int
    unit: str  # "h" or "d"

    def working_time(self, usual_day: timedelta) -> timedelta:
        if self.unit == "h":
            return timedelta(hours=self.amount)
        return usual_day * self.amount

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def describe(self) -> str:
        """'3 working days', '72 working hours': in words, saying it is working time."""
        unit = ("hour" if self.unit == "h" else "day") + ("" if self.amount == 1 else "s")
        return f"{self.amount} working {unit}"


def parse_period(text: object) -> Period:
    """'72h' (working hours) or '3d' (working days). Raises ValueError."""
    match = _PERIOD.match(str(text))
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a working-time period like '72h' or '3d'")
    return Period(int(match.group(1)), match.group(2))


def usual_day(working_hours: Mapping[str, str]) -> timedelta:
    """The length of a person's average working day, from their weekly hours."""
    days = [sum(span.minutes for span in parse_spans(v)) for v in working_hours.values() if v]
    return timedelta(minutes=sum(days) / len(days)) if days else timedelta(hours=8)
