"""The questions Sunrelay asks of working time. Instants in, instants out (aware, UTC).

Every function here is pure: schedules come in as values, nothing is read from anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from sunrelay.worktime.schedule import DAY, Schedule, merge
from sunrelay.worktime.timeline import Tables
from sunrelay.worktime.zones import from_epoch, local_date, to_epoch


def epoch(at: datetime) -> int:
    """Whole epoch seconds of an aware datetime. Raises ValueError for a naive one."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at.isoformat()} has no time zone offset")
    return int(at.timestamp() // 1)


def _range(start: datetime, end: datetime) -> tuple[int, int]:
    a, b = epoch(start), epoch(end)
    if b < a:
        raise ValueError("'to' is before 'from'")
    return a, b


def business_seconds(schedule: Schedule, start: datetime, end: datetime) -> int:
    """Working seconds of ``schedule`` in [start, end)."""
    a, b = _range(start, end)
    return schedule.timeline(a, b).seconds(a, b)


def business_seconds_bulk(
    schedules: Mapping[str, Schedule],
    people: Sequence[str],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Working seconds for each row (person, start, end), with epoch-second arrays: the rows
    are coded by person (one pass in Python) and answered by ``business_seconds_coded``.
    Raises KeyError for an unknown person and ValueError (naming the 1-based row) for a row
    whose end is before its start."""
    index = {name: code for code, name in enumerate(dict.fromkeys(people))}
    missing = [name for name in index if name not in schedules]
    if missing:
        raise KeyError(missing[0])
    codes = None
    if len(index) > 1:
        codes = np.fromiter(map(index.__getitem__, people), np.int64, len(people))
    return business_seconds_coded([schedules[name] for name in index], codes, starts, ends)


def business_seconds_coded(
    schedules: Sequence[Schedule],
    codes: npt.NDArray[np.int64] | None,
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Working seconds for each row ``i``, on ``schedules[codes[i]]`` (all on the first one
    when ``codes`` is None): the bulk kernel. People who share a schedule object share its
    timeline, built once over the span of their rows; every row is then answered by the
    same few array passes (``timeline.Tables``). Raises ValueError (naming the 1-based row)
    for a row whose end is before its start."""
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if len(starts) != len(ends) or (codes is not None and len(codes) != len(starts)):
        raise ValueError("people, starts and ends must have the same length")
    backwards = np.flatnonzero(ends < starts)
    if len(backwards):
        raise ValueError(f"row {int(backwards[0]) + 1}: 'to' is before 'from'")
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    shared: dict[int, int] = {}  # schedule object -> its timeline
    distinct = [shared.setdefault(id(s), len(shared)) for s in schedules]
    objects = {shared[id(s)]: s for s in schedules}
    if len(shared) == 1:
        rows = None
        spans = [(int(starts.min()), int(ends.max()))]
    else:
        rows = np.asarray(distinct, dtype=np.int64)[np.asarray(codes, dtype=np.int64)]
        lo = np.full(len(shared), np.iinfo(np.int64).max, dtype=np.int64)
        hi = np.full(len(shared), np.iinfo(np.int64).min, dtype=np.int64)
        np.minimum.at(lo, rows, starts)
        np.maximum.at(hi, rows, ends)
        spans = [(int(a), int(b)) if a <= b else (0, 0) for a, b in zip(lo, hi, strict=True)]
    timelines = [objects[k].timeline(*spans[k]) for k in range(len(shared))]
    return Tables(timelines).seconds(starts, ends, rows)


class NoWorkingTime(ValueError):
    """The schedule has no working time within two years (a sabbatical, a leaver)."""


def deadline(schedule: Schedule, start: datetime, working: timedelta) -> datetime:
    """The instant when ``working`` time of the schedule has passed since ``start``.

    Raises NoWorkingTime when the schedule has no working time within two years of ``start``.
    """
    a = epoch(start)
    seconds = int(working.total_seconds())
    horizon = max(14 * DAY, seconds * 4)
    while horizon <= 800 * DAY:
        found = schedule.timeline(a, a + horizon).instant_after(a, seconds)
        if found is not None:
            return from_epoch(found)
        horizon *= 2
    raise NoWorkingTime("the schedule has no working time in the two years after the start")


def _window_at(schedule: Schedule, t: int) -> tuple[int, int] | None:
    return next(((s, e) for s, e in schedule.windows(t, t + 1) if s <= t < e), None)


def is_working(schedule: Schedule, at: datetime) -> bool:
    return _window_at(schedule, epoch(at)) is not None


def online(schedules: Mapping[str, Schedule], at: datetime) -> list[str]:
    """Sorted ids of everyone working at ``at``.

    People who share a zone, hours and holiday calendar share their windows, so each distinct
    schedule is worked out once; only absences are checked person by person.
    """
    t = epoch(at)
    # keyed by the schedule itself (equal values share), or for one with no absences by its
    # identity: the directory hands out one shared object per zone, hours and holidays, and
    # hashing a schedule (its holiday dates) per person cost more than the rest of the answer
    usual: dict[object, tuple[bool, date]] = {}
    found = []
    for pid, schedule in schedules.items():
        key: object = replace(schedule, absences=()) if schedule.absences else id(schedule)
        if key not in usual:
            plain = schedule if isinstance(key, int) else key
            assert isinstance(plain, Schedule)
            usual[key] = (_window_at(plain, t) is not None, local_date(t, plain.zone))
        working, today = usual[key]
        if not working:
            continue  # absences only ever remove time
        near = today - timedelta(days=2), today + timedelta(days=1)
        if any(a <= near[1] and b >= near[0] for a, b in schedule.absences):
            working = is_working(schedule, at)  # an absence near t: ask the slow way
        if working:
            found.append(pid)
    return sorted(found)


def intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def overlap(
    schedules: Sequence[Schedule], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The merged windows within [start, end) when every schedule is working at once."""
    a, b = _range(start, end)
    if not schedules:
        return []
    common = [(a, b)]
    for schedule in schedules:
        common = intersect(common, schedule.windows(a, b))
    return [(from_epoch(s), from_epoch(e)) for s, e in merge(common)]


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    outside_minutes: int  # summed over everyone
    outside: dict[str, int]  # minutes outside working hours, for those who would be


def slots(
    schedules: Mapping[str, Schedule],
    duration: timedelta,
    start: datetime,
    end: datetime,
    *,
    step: timedelta = timedelta(minutes=15),
    limit: int = 5,
) -> list[Slot]:
    """Meeting slots of ``duration`` in [start, end), least time outside working hours first.

    Candidates start on multiples of ``step``. Ties go to the slot whose worst-off person is
    least outside their hours, then to the earliest. Chosen slots never overlap each other.
    When nobody shares a window the least bad slots are still proposed.
    """
    a, b = _range(start, end)
    length, stride = int(duration.total_seconds()), int(step.total_seconds())
    if length <= 0 or stride <= 0:
        raise ValueError("the duration and the step must be positive")
    first = -(-a // stride) * stride
    candidates = np.arange(first, b - length + 1, stride, dtype=np.int64)
    if not len(candidates) or not schedules:
        return []
    ids = sorted(schedules)
    outside = np.empty((len(ids), len(candidates)), dtype=np.int64)
    for row, pid in enumerate(ids):
        timeline = schedules[pid].timeline(a, b)
        outside[row] = length - timeline.seconds_many(candidates, candidates + length)
    total, worst = outside.sum(axis=0), outside.max(axis=0)
    order = np.lexsort((candidates, worst, total))
    chosen: list[Slot] = []
    for k in order:
        s = int(candidates[k])
        if any(s < c.end.timestamp() and c.start.timestamp() < s + length for c in chosen):
            continue
        per_person = {
            pid: round(int(outside[row, k]) / 60)
            for row, pid in enumerate(ids)
            if outside[row, k] > 0
        }
        chosen.append(
            Slot(from_epoch(s), from_epoch(s + length), round(int(total[k]) / 60), per_person)
        )
        if len(chosen) == limit:
            break
    return chosen


@dataclass(frozen=True)
class Shift:
    unit: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Handoff:
    source: str
    target: str
    at: datetime  # when the source's day ends
    overlap_minutes: int  # negative: a gap with nobody working


@dataclass(frozen=True)
class Chain:
    day: date
    shifts: list[Shift]
    handoffs: list[Handoff]
    off: list[str]  # units with no working window that day


def _day_window(schedules: Sequence[Schedule], day: date) -> tuple[int, int] | None:
    """From the first start to the last end of the windows that begin on local ``day``."""
    found: list[tuple[int, int]] = []
    for schedule in schedules:
        usual = schedule.typical()
        lo = to_epoch(day, time(0), usual.zone)
        found += [w for w in usual.windows(lo, lo + DAY) if local_date(w[0], usual.zone) == day]
    if not found:
        return None
    return min(s for s, _ in found), max(e for _, e in found)


def chain(units: Sequence[tuple[str, Sequence[Schedule]]], day: date) -> Chain:
    """The follow-the-sun order of ``units`` (people or pods) on a typical ``day``.

    Units are ordered by when their day starts in UTC; each hands over to the next when its
    day ends, and the last hands over to the first on the following day. Holidays and
    absences are ignored: this is the shape of the chain, not one day's roster.
    """
    shifts: list[tuple[str, int, int, int]] = []
    off: list[str] = []
    for name, members in units:
        today, tomorrow = _day_window(members, day), _day_window(members, day + timedelta(days=1))
        if today is None:
            off.append(name)
            continue
        next_start = tomorrow[0] if tomorrow else today[0] + DAY
        shifts.append((name, today[0], today[1], next_start))
    shifts.sort(key=lambda s: (s[1], s[0]))
    handoffs = []
    for i, (name, _, end, _) in enumerate(shifts):
        target, target_start, _, target_next = shifts[(i + 1) % len(shifts)]
        receives = target_start if i + 1 < len(shifts) else target_next
        handoffs.append(Handoff(name, target, from_epoch(end), round((end - receives) / 60)))
    return Chain(
        day,
        [Shift(n, from_epoch(s), from_epoch(e)) for n, s, e, _ in shifts],
        handoffs,
        sorted(off),
    )
