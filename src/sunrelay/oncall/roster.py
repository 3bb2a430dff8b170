"""Who is on call when: the final roster of a schedule over a range of instants. Pure.

Everything here works in epoch seconds. Shift boundaries are wall-clock times in the layer's
zone turned into instants by ``worktime.to_epoch``, which never goes backwards, so consecutive
shifts share their boundary instant: a daylight-saving change makes one shift an hour shorter
or longer, never leaves a gap or puts two people on one layer at once.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sunrelay.oncall.specs import FOLLOW_THE_SUN, Layer, ScheduleSpec
from sunrelay.worktime import Schedule, format_instant, from_epoch, to_epoch, zone
from sunrelay.worktime.queries import intersect
from sunrelay.worktime.zones import local_date

DAY = 86_400
OVERRIDE = "override"


@dataclass(frozen=True, order=True)
class Segment:
    start: int
    end: int
    person: str
    layer: str


@dataclass(frozen=True)
class Override:
    person: str  # who covers
    start: int
    end: int
    replaces: str | None = None  # only this person's time; None: the whole span


@dataclass(frozen=True)
class Roster:
    shifts: list[Segment]
    gaps: list[tuple[int, int]]

    def on_call(self, at: int) -> list[str]:
        return sorted({s.person for s in self.shifts if s.start <= at < s.end})

    def clip(self, a: int, b: int) -> Roster:
        """The part of this roster inside [a, b)."""
        return Roster(
            [
                replace(s, start=max(s.start, a), end=min(s.end, b))
                for s in self.shifts
                if s.start < b and s.end > a
            ],
            [(max(x, a), min(y, b)) for x, y in self.gaps if x < b and y > a],
        )


# A unit of follow-the-sun coverage: a pod (or one person) and its members in rotation order.
Unit = tuple[str, Sequence[str]]


def _boundary(layer: Layer, k: int) -> int:
    local = layer.start + layer.shift.wall_clock() * k
    return to_epoch(local.date(), local.time(), zone(layer.timezone))


def rotation(layer: Layer, a: int, b: int) -> list[Segment]:
    """The layer's shifts in [a, b): participant ``k mod n`` holds shift ``k``."""
    step = int(layer.shift.wall_clock().total_seconds())
    first = _boundary(layer, 0)
    k = max((a - first) // step, 0)
    while k > 0 and _boundary(layer, k) > a:
        k -= 1
    while _boundary(layer, k + 1) <= a:
        k += 1
    out, n = [], len(layer.participants)
    start = _boundary(layer, k)
    while start < b:
        end = _boundary(layer, k + 1)
        s, e = max(start, a), min(end, b)
        if s < e:
            out.append(Segment(s, e, layer.participants[k % n], layer.name))
        k, start = k + 1, end
    return out


def restrict(segments: list[Segment], windows: list[tuple[int, int]]) -> list[Segment]:
    """The parts of each segment inside the windows (both lists sorted)."""
    out: list[Segment] = []
    for seg in segments:
        for s, e in intersect([(seg.start, seg.end)], windows):
            out.append(Segment(s, e, seg.person, seg.layer))
    return out


def follow_the_sun(
    layer: Layer, units: Sequence[Unit], schedules: Mapping[str, Schedule], a: int, b: int
) -> list[Segment]:
    """Coverage by whoever is working. Within a unit the duty rotates day by day through its
    members (skipping anyone with no working time that day: a holiday, an absence); where two
    units are both working, the one whose day began last has taken over."""
    candidates: list[tuple[int, int, int, str]] = []  # (start, end, rank, person)
    for _, members in units:
        members = [m for m in members if m in schedules]
        if not members:
            continue
        by_day: dict[date, dict[str, list[tuple[int, int]]]] = {}
        for person in members:
            schedule = schedules[person]
            for s, e in schedule.windows(a - DAY, b + DAY):
                day = local_date(s, schedule.zone)
                by_day.setdefault(day, {}).setdefault(person, []).append((s, e))
        for day, working in by_day.items():
            turn = day.toordinal() % len(members)
            order = members[turn:] + members[:turn]
            person = next(p for p in order if p in working)
            for s, e in working[person]:
                candidates.append((s, e, s, person))
    return _flatten([(s, e, rank, p, layer.name) for s, e, rank, p in candidates], a, b)


def _flatten(candidates: Sequence[tuple[int, int, int, str, str]], a: int, b: int) -> list[Segment]:
    """At each instant, the candidate with the highest rank holds it."""
    points = sorted({a, b, *(c[0] for c in candidates), *(c[1] for c in candidates)})
    points = [p for p in points if a <= p <= b]
    by_start = sorted(candidates, key=lambda c: c[0])
    active: list[tuple[int, int, int, str, str]] = []  # heap on (-rank, -order, …)
    out: list[Segment] = []
    i = 0
    for lo, hi in itertools.pairwise(points):
        while i < len(by_start) and by_start[i][0] <= lo:
            _s, e, rank, person, layer = by_start[i]
            heapq.heappush(active, (-rank, -i, e, person, layer))
            i += 1
        while active and active[0][2] <= lo:
            heapq.heappop(active)
        # entries that ended are popped lazily; a live top is the winner
        if active:
            _, _, _, person, layer = active[0]
            _append(out, Segment(lo, hi, person, layer))
    return out


def _append(out: list[Segment], seg: Segment) -> None:
    last = out[-1] if out else None
    if last and last.end == seg.start and (last.person, last.layer) == (seg.person, seg.layer):
        out[-1] = Segment(last.start, seg.end, seg.person, seg.layer)
    else:
        out.append(seg)


def layer_segments(
    layer: Layer,
    a: int,
    b: int,
    *,
    units: Sequence[Unit] = (),
    schedules: Mapping[str, Schedule] | None = None,
) -> list[Segment]:
    if layer.kind == FOLLOW_THE_SUN:
        found = follow_the_sun(layer, units, schedules or {}, a, b)
    else:
        found = rotation(layer, a, b)
    if layer.restrictions is not None:
        found = restrict(found, layer.restrictions.windows(a, b))
    return found


def _stack(layers: Sequence[list[Segment]], a: int, b: int) -> list[Segment]:
    """Higher layers (later in the list) win wherever they have someone."""
    ranked = [
        (seg.start, seg.end, rank, seg.person, seg.layer)
        for rank, found in enumerate(layers)
        for seg in found
    ]
    return _flatten(ranked, a, b)


def _replace(shifts: list[Segment], override: Override) -> list[Segment]:
    out: list[Segment] = []
    for seg in shifts:
        if seg.person != override.replaces or seg.end <= override.start:
            out.append(seg)
            continue
        if override.end <= seg.start:
            out.append(seg)
            continue
        s, e = max(seg.start, override.start), min(seg.end, override.end)
        if seg.start < s:
            out.append(Segment(seg.start, s, seg.person, seg.layer))
        out.append(Segment(s, e, override.person, OVERRIDE))
        if e < seg.end:
            out.append(Segment(e, seg.end, seg.person, seg.layer))
    return out


def gaps(shifts: Sequence[Segment], a: int, b: int) -> list[tuple[int, int]]:
    out, cursor = [], a
    for seg in sorted(shifts):
        if seg.start > cursor:
            out.append((cursor, seg.start))
        cursor = max(cursor, seg.end)
    if cursor < b:
        out.append((cursor, b))
    return out


def compute(
    spec: ScheduleSpec,
    a: int,
    b: int,
    *,
    overrides: Sequence[Override] = (),
    units: Mapping[str, Sequence[Unit]] | None = None,
    schedules: Mapping[str, Schedule] | None = None,
) -> Roster:
    """The final roster of ``spec`` in [a, b): layers stacked, then overrides applied in the
    order given (a later override wins over an earlier one). ``units`` maps a team id to its
    follow-the-sun units; ``schedules`` holds those people's working schedules."""
    if b <= a:
        return Roster([], [])
    per_layer = [
        layer_segments(
            layer, a, b, units=(units or {}).get(layer.team or "", ()), schedules=schedules
        )
        for layer in spec.layers
    ]
    shifts = _stack(per_layer, a, b)
    whole: list[list[Segment]] = [shifts]
    for override in overrides:
        if override.replaces is not None:
            whole[0] = _replace(whole[0], override)
        s, e = max(override.start, a), min(override.end, b)
        if override.replaces is None and s < e:
            whole.append([Segment(s, e, override.person, OVERRIDE)])
    final = _stack(whole, a, b)
    return Roster(final, gaps(final, a, b))


def as_instants(seg: Segment) -> tuple[datetime, datetime]:
    return from_epoch(seg.start), from_epoch(seg.end)


def months(a: int, b: int) -> list[tuple[str, int, int]]:
    """Calendar months (UTC) overlapping [a, b), each clipped: ("2026-03", start, end)."""
    out = []
    cursor = from_epoch(a)
    while int(cursor.timestamp()) < b:
        first = cursor.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        following = (first + timedelta(days=32)).replace(day=1)
        lo, hi = int(cursor.timestamp()), min(int(following.timestamp()), b)
        out.append((f"{first:%Y-%m}", lo, hi))
        cursor = following
    return out


def shift_json(seg: Segment) -> dict[str, str]:
    return {
        "start": format_instant(from_epoch(seg.start)),
        "end": format_instant(from_epoch(seg.end)),
        "person": seg.person,
        "layer": seg.layer,
    }


def roster_json(schedule: str, found: Roster, a: int, b: int) -> dict[str, Any]:
    """What ``oncall shifts --json`` and the API promise: the final shifts and the gaps."""
    return {
        "schedule": schedule,
        "from": format_instant(from_epoch(a)),
        "to": format_instant(from_epoch(b)),
        "shifts": [shift_json(s) for s in found.shifts],
        "gaps": [
            {"start": format_instant(from_epoch(s)), "end": format_instant(from_epoch(e))}
            for s, e in found.gaps
        ],
    }


def who_json(schedule: str, found: Roster, at: int) -> dict[str, Any]:
    return {
        "schedule": schedule,
        "at": format_instant(from_epoch(at)),
        "on_call": found.on_call(at),
    }
