"""A person's working schedule, and the working windows it yields as real instants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sunrelay.worktime.calendar import HolidayCalendar, calendar
from sunrelay.worktime.hours import WEEKDAYS, Span, parse_spans, parse_weekday
from sunrelay.worktime.timeline import Timeline
from sunrelay.worktime.zones import day_range, local_date, to_epoch, zone

DAY = 86_400


@dataclass(frozen=True)
class Schedule:
    """Working hours per weekday in a zone, less public holidays and absences.

    A window belongs to the local date it starts on; that date decides whether it is a
    workday, a holiday or inside an absence. Windows are half-open [start, end).
    """

    zone: ZoneInfo
    hours: tuple[tuple[Span, ...], ...]  # seven entries, Monday first; empty means a day off
    holidays: HolidayCalendar | None = None
    absences: tuple[tuple[date, date], ...] = field(default=())

    @classmethod
    def build(
        cls,
        timezone: str,
        hours: Mapping[str, str] | str = "09:00-17:00",
        workdays: Iterable[str] | None = None,
        holidays: str | None = None,
        absences: Iterable[tuple[date, date]] = (),
    ) -> Schedule:
        """Build from the org-file vocabulary. Raises ValueError naming the bad value."""
        per_day: list[tuple[Span, ...]] = [()] * 7
        if isinstance(hours, str):
            days = list(workdays) if workdays is not None else list(WEEKDAYS[:5])
            spans = parse_spans(hours)
            for day in days:
                per_day[parse_weekday(day)] = spans
        else:
            for day, text in hours.items():
                per_day[parse_weekday(day)] = parse_spans(text) if text else ()
            if workdays is not None:
                keep = {parse_weekday(d) for d in workdays}
                per_day = [spans if i in keep else () for i, spans in enumerate(per_day)]
        return cls(
            zone=zone(timezone),
            hours=tuple(per_day),
            holidays=calendar(holidays) if holidays else None,
            absences=tuple(sorted(absences)),
        )

    def typical(self) -> Schedule:
        """The same hours with no holidays and no absences: a person's usual week."""
        return replace(self, holidays=None, absences=())

    def is_day_off(self, day: date) -> bool:
        if not self.hours[day.weekday()]:
            return True
        if self.holidays is not None and day in self.holidays:
            return True
        return any(first <= day <= last for first, last in self.absences)

    def windows(self, start: int, end: int) -> list[tuple[int, int]]:
        """Merged, sorted working windows (epoch seconds) that intersect [start, end)."""
        found: list[tuple[int, int]] = []
        first = local_date(start, self.zone) - timedelta(days=1)
        last = local_date(end, self.zone)
        for day in day_range(first, last):
            if self.is_day_off(day):
                continue
            for span in self.hours[day.weekday()]:
                s = to_epoch(day, span.start, self.zone)
                e = to_epoch(
                    day + timedelta(days=1) if span.overnight else day, span.end, self.zone
                )
                if e > s and e > start and s < end:
                    found.append((s, e))
        return merge(found)

    def timeline(self, start: int, end: int) -> Timeline:
        """Windows over [start, end] with running totals, for fast repeated questions."""
        return Timeline(self.windows(start, end + 1), start, end)


def merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge overlapping or touching windows."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(windows):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged
