"""Geometry of a schedule's timeline chart: one row per person, bars for shifts, gaps marked.
The page draws it as inline SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sunrelay.oncall.roster import Roster
from sunrelay.worktime import epoch, from_epoch

WIDTH, ROW, LABEL = 960, 26, 110


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: int
    layer: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rows: list[tuple[str, int]]  # person, y
    bars: list[Bar]
    gaps: list[Bar]
    ticks: list[tuple[float, str]]  # x, day label (UTC)


def timeline(roster: Roster, start: datetime, end: datetime) -> Chart:
    a, b = epoch(start), epoch(end)
    scale = (WIDTH - LABEL) / max(b - a, 1)
    people = sorted({s.person for s in roster.shifts})
    ys = {p: 20 + i * ROW for i, p in enumerate(people)}
    bars = [
        Bar(
            LABEL + (s.start - a) * scale,
            max((s.end - s.start) * scale, 1.0),
            ys[s.person],
            s.layer,
            f"{s.person} ({s.layer}) {from_epoch(s.start):%a %d %H:%M}–"
            f"{from_epoch(s.end):%a %d %H:%M} UTC",
        )
        for s in roster.shifts
    ]
    height = 30 + len(people) * ROW
    gaps = [
        Bar(
            LABEL + (g0 - a) * scale,
            max((g1 - g0) * scale, 1.0),
            0,
            "gap",
            f"nobody on call {from_epoch(g0):%a %d %H:%M}–{from_epoch(g1):%a %d %H:%M} UTC",
        )
        for g0, g1 in roster.gaps
    ]
    return Chart(WIDTH, height, [(p, ys[p]) for p in people], bars, gaps, _ticks(start, end, scale))


def _ticks(start: datetime, end: datetime, scale: float) -> list[tuple[float, str]]:
    """A line at every midnight (UTC); a label where it fits: every day on a short chart
    ("Mon 30"), only Mondays on a long one ("Mon 30 Nov"), so labels never run together."""
    a, every_day = epoch(start), (end - start) <= timedelta(days=10)
    ticks = []
    day = start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    while day < end:
        label = f"{day:%a %d}" if every_day else (f"{day:%a %d %b}" if day.weekday() == 0 else "")
        ticks.append((LABEL + (epoch(day) - a) * scale, label))
        day += timedelta(days=1)
    return ticks
