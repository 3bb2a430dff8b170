"""Local wall-clock working hours: weekdays and daily spans such as "09:00-17:00"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A daily window of local wall-clock time. An end not after the start ends the next day."""

    start: time
    end: time

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    @property
    def minutes(self) -> int:
        """Nominal length in wall-clock minutes (real length may differ on DST days)."""
        a = self.start.hour * 60 + self.start.minute
        b = self.end.hour * 60 + self.end.minute
        return b - a if b > a else b - a + 24 * 60

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0) else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"


def _clock(hours: str, minutes: str, *, allow_24: bool) -> time:
    h, m = int(hours), int(minutes)
    if allow_24 and h == 24 and m == 0:
        return time(0)
    if h > 23 or m > 59:
        raise ValueError(f"'{hours}:{minutes}' is not a time of day")
    return time(h, m)


def parse_span(text: str) -> Span:
    """Parse "HH:MM-HH:MM" ("24:00" allowed as an end). Raises ValueError naming the problem."""
    match = _SPAN.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a window like '09:00-17:00'")
    start = _clock(match[1], match[2], allow_24=False)
    end = _clock(match[3], match[4], allow_24=True)
    return Span(start, end)


def parse_spans(text: str) -> tuple[Span, ...]:
    """Parse one or more comma-separated spans, e.g. "09:00-12:00, 13:00-17:00"."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{text!r} is not a window like '09:00-17:00'")
    return tuple(sorted(parse_span(part) for part in text.split(",")))


def format_spans(spans: tuple[Span, ...]) -> str:
    return ", ".join(str(s) for s in spans)


def describe_week(hours: Mapping[str, str]) -> str:
    """Working hours by weekday in words, runs of days with the same hours together (joined
    by an en dash): Mon to Thu 09:00-17:00 then Fri 09:00-13:00; a week from Sunday reads
    Sun to Thu; 'no working hours' for an empty week."""
    runs: list[tuple[int, int, str]] = []  # first day, last day, hours
    for i, day in enumerate(WEEKDAYS):
        window = hours.get(day, "")
        if not window:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == window:
            runs[-1] = (runs[-1][0], i, window)
        else:
            runs.append((i, i, window))
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == 6 and runs[0][2] == runs[-1][2]:
        runs = [(runs[-1][0], runs[0][1], runs[0][2]), *runs[1:-1]]  # a week from Sunday
    name = [d.capitalize() for d in WEEKDAYS]
    return (
        ", ".join(f"{name[a]}{'–' + name[b] if b != a else ''} {window}" for a, b, window in runs)
        or "no working hours"
    )


def parse_weekday(text: str) -> int:
    """'mon'..'sun' or full names, any case, to 0..6. Raises ValueError."""
    key = text.strip().lower() if isinstance(text, str) else ""
    if key in WEEKDAYS:
        return WEEKDAYS.index(key)
    if key in _FULL:
        return _FULL.index(key)
    raise ValueError(f"{text!r} is not a weekday (use mon, tue, wed, thu, fri, sat, sun)")
