"""Geometry for the team timeline: a day in the viewer's zone, one row of working windows per
person, their common overlap, and a marker for now. Pure: positions are percentages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sunrelay.worktime import Schedule, to_epoch
from sunrelay.worktime.queries import intersect


@dataclass
class Bar:
    x: float  # percent of the day
    width: float
    label: str  # "09:00–17:00" in the viewer's zone


@dataclass
class Row:
    id: str
    name: str
    timezone: str
    local_time: str  # their wall clock now
    online: bool
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Timeline:
    day: date
    zone: str
    hours: float  # 23, 24 or 25 on daylight-saving days
    ticks: list[tuple[float, str]]
    rows: list[Row]
    overlap: list[Bar]
    overlap_minutes: int
    now_x: float | None

    @property
    def grid(self) -> str:
        """The hour lines every row draws, as SVG: numbers only, made once per page rather
        than by a template loop in each of a hundred rows."""
        return "".join(
            f'<line class="tick" x1="{x}" x2="{x}" y1="0" y2="10"></line>' for x, _ in self.ticks
        )


def _bars(windows: list[tuple[int, int]], a: int, b: int, zone: ZoneInfo) -> list[Bar]:
    span = b - a
    bars = []
    for s, e in windows:
        s, e = max(s, a), min(e, b)
        if s < e:
            label = (
                f"{datetime.fromtimestamp(s, zone):%H:%M}–{datetime.fromtimestamp(e, zone):%H:%M}"
            )
            bars.append(Bar(round(100 * (s - a) / span, 3), round(100 * (e - s) / span, 3), label))
    return bars


def team_day(
    people: list[tuple[str, str, Schedule]], day: date, zone: ZoneInfo, now: datetime
) -> Timeline:
    """``people`` is (id, name, schedule); ``day`` is a local date in the viewer's ``zone``."""
    a = to_epoch(day, time(0), zone)
    b = to_epoch(day + timedelta(days=1), time(0), zone)
    t = int(now.timestamp())
    rows, common = [], [(a, b)]
    for pid, name, schedule in people:
        windows = schedule.windows(a, b)
        common = intersect(common, windows)
        rows.append(
            Row(
                pid,
                name,
                schedule.zone.key,
                f"{now.astimezone(schedule.zone):%a %H:%M}",
                any(s <= t < e for s, e in schedule.windows(t, t + 1)),
                _bars(windows, a, b, zone),
            )
        )
    if not people:
        common = []
    ticks = []
    for hour in range(0, 25, 3):
        at = to_epoch(day, time(0), zone) + hour * 3600
        if at <= b:
            ticks.append(
                (round(100 * (at - a) / (b - a), 3), f"{datetime.fromtimestamp(at, zone):%H:%M}")
            )
    return Timeline(
        day,
        zone.key,
        (b - a) / 3600,
        ticks,
        rows,
        _bars(common, a, b, zone),
        sum(min(e, b) - max(s, a) for s, e in common) // 60,
        round(100 * (t - a) / (b - a), 3) if a <= t < b else None,
    )
