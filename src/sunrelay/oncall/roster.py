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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

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
class Away:
    """A stretch the rota gave to someone who is away, and who holds it instead (nobody: a
    gap until someone adds an override)."""

    start: int
    end: int
    person: str
    layer: str
    covered_by: tuple[str, ...] = ()


Spanned = TypeVar("Spanned", Segment, Away)


@dataclass(frozen=True)
class Roster:
    shifts: list[Segment]
    gaps: list[tuple[int, int]]
    away: list[Away] = field(default_factory=list)
    rota: list[Segment] = field(default_factory=list)  # the layers alone: no override, no absence

    def on_call(self, at: int) -> list[str]:
        return sorted({s.person for s in self.shifts if s.start <= at < s.end})

    def away_at(self, at: int) -> list[Away]:
        return [x for x in self.away if x.start <= at < x.end]

    def clip(self, a: int, b: int) -> Roster:
        """The part of this roster inside [a, b)."""
        return Roster(
            _clip(self.shifts, a, b),
            [(max(x, a), min(y, b)) for x, y in self.gaps if x < b and y > a],
            _clip(self.away, a, b),
            _clip(self.rota, a, b),
        )


def _clip(spans: list[Spanned], a: int, b: int) -> list[Spanned]:
    return [
        replace(x, start=max(x.start, a), end=min(x.end, b))
        for x in spans
        if x.start < b and x.end > a
    ]


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


def _busy(away: Sequence[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    """The parts of [a, b) inside any of the intervals, merged and in order."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(away):
        s, e = max(s, a), min(e, b)
        if s >= e:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _next_free(
    layer: Layer | None, person: str, s: int, e: int, away: Mapping[str, Sequence[tuple[int, int]]]
) -> str | None:
    """The first participant after ``person`` in the layer's rotation who is not away at any
    moment of [s, e)."""
    if layer is None or layer.kind == FOLLOW_THE_SUN or person not in layer.participants:
        return None
    order = layer.participants
    i = order.index(person)
    for candidate in itertools.chain(order[i + 1 :], order[:i]):
        if candidate != person and not _busy(away.get(candidate, ()), s, e):
            return candidate
    return None


def _without_away(
    shifts: list[Segment],
    layers: Mapping[str, Layer],
    away: Mapping[str, Sequence[tuple[int, int]]],
    cover_next: bool,
) -> list[Segment]:
    """The shifts with every away person's time taken out: given to the next person in the
    rotation when the team agreed so, else left empty."""
    out: list[Segment] = []
    for seg in shifts:
        cursor = seg.start
        for s, e in _busy(away.get(seg.person, ()), seg.start, seg.end):
            if cursor < s:
                out.append(Segment(cursor, s, seg.person, seg.layer))
            layer = layers.get(seg.layer)
            cover = _next_free(layer, seg.person, s, e, away) if cover_next else None
            if cover is not None:
                out.append(Segment(s, e, cover, seg.layer))
            cursor = e
        if cursor < seg.end:
            out.append(Segment(cursor, seg.end, seg.person, seg.layer))
    return out


def compute(
    spec: ScheduleSpec,
    a: int,
    b: int,
    *,
    overrides: Sequence[Override] = (),
    units: Mapping[str, Sequence[Unit]] | None = None,
    schedules: Mapping[str, Schedule] | None = None,
    away: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    cover_next: bool = False,
) -> Roster:
    """The final roster of ``spec`` in [a, b): layers stacked, then overrides applied in the
    order given (a later override wins over an earlier one). ``units`` maps a team id to its
    follow-the-sun units; ``schedules`` holds those people's working schedules.

    Nobody is on call while ``away`` (absences, as instants): an override covers that time, or
    with ``cover_next`` the next participant of the layer who is not away; otherwise it is a
    gap. Each such stretch is listed in ``Roster.away`` with whoever holds it instead."""
    if b <= a:
        return Roster([], [])
    away = away or {}
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
    planned = shifts + [seg for found in whole[1:] for seg in found]  # the rota and overrides
    layers = {layer.name: layer for layer in spec.layers}
    whole = [_without_away(found, layers, away, cover_next) for found in whole]
    final = _stack(whole, a, b)
    return Roster(final, gaps(final, a, b), _away(planned, final, away), shifts)


def _away(
    planned: list[Segment], final: list[Segment], away: Mapping[str, Sequence[tuple[int, int]]]
) -> list[Away]:
    """Each stretch the rota gave to someone away, with whoever holds it in the end."""
    out = []
    for seg in planned:
        for s, e in _busy(away.get(seg.person, ()), seg.start, seg.end):
            holders = sorted({f.person for f in final if f.start < e and f.end > s})
            out.append(Away(s, e, seg.person, seg.layer, tuple(holders)))
    return out


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


def away_json(x: Away) -> dict[str, Any]:
    return {
        "person": x.person,
        "start": format_instant(from_epoch(x.start)),
        "end": format_instant(from_epoch(x.end)),
        "layer": x.layer,
        "covered_by": list(x.covered_by),
    }


def away_text(x: Away) -> str:
    """One line: who is away, and who holds their time (or that nobody does)."""
    span = f"{format_instant(from_epoch(x.start))} → {format_instant(from_epoch(x.end))}"
    if x.covered_by:
        return f"{x.person} is away {span}; covered by {', '.join(x.covered_by)}"
    return f"{x.person} is away {span} and nobody covers: add an override"


def roster_json(schedule: str, found: Roster, a: int, b: int) -> dict[str, Any]:
    """What ``oncall shifts --json`` and the API promise: the final shifts, the gaps, and the
    time the rota gave to people who are away (with who covers it)."""
    return {
        "schedule": schedule,
        "from": format_instant(from_epoch(a)),
        "to": format_instant(from_epoch(b)),
        "shifts": [shift_json(s) for s in found.shifts],
        "gaps": [
            {"start": format_instant(from_epoch(s)), "end": format_instant(from_epoch(e))}
            for s, e in found.gaps
        ],
        "away": [away_json(x) for x in found.away],
    }


def who_json(schedule: str, found: Roster, at: int) -> dict[str, Any]:
    return {
        "schedule": schedule,
        "at": format_instant(from_epoch(at)),
        "on_call": found.on_call(at),
        "away": [away_json(x) for x in found.away_at(at)],
    }
