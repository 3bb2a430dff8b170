"""Working-time questions over a Directory, answered as the JSON the CLI and API promise.

Pure: the directory comes from the database (``queries.load_directory``) or straight from an
org file, so ``sunrelay time … --org FILE`` needs no database at all.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, TextIO

import numpy as np

from sunrelay.core.errors import NotFound, ValidationFailed
from sunrelay.people.logic import Directory
from sunrelay.worktime import (
    business_seconds,
    business_seconds_bulk,
    chain,
    format_instant,
    online,
    overlap,
    parse_duration,
    parse_instant,
    slots,
)

MAX_RANGE = timedelta(days=366)


def instant(text: str, field: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=field) from None


def _range(start: str, end: str, limit: timedelta = MAX_RANGE) -> tuple[datetime, datetime]:
    a, b = instant(start, "from"), instant(end, "to")
    if b < a:
        raise ValidationFailed("'to' is before 'from'", field="to")
    if b - a > limit:
        raise ValidationFailed(f"the range is longer than {limit.days} days", field="to")
    return a, b


def business_hours(directory: Directory, person: str, start: str, end: str) -> dict[str, Any]:
    a, b = _range(start, end, timedelta(days=3660))
    seconds = business_seconds(directory.schedule(person), a, b)
    return {
        "person": person,
        "from": format_instant(a),
        "to": format_instant(b),
        "seconds": seconds,
    }


def business_hours_rows(directory: Directory, rows: Iterable[tuple[str, str, str]]) -> list[int]:
    """Working seconds for many (person, from, to) rows; errors name the 1-based row."""
    people: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for n, (person, a, b) in enumerate(rows, start=1):
        try:
            starts.append(int(parse_instant(a).timestamp()))
            ends.append(int(parse_instant(b).timestamp()))
        except ValueError as exc:
            raise ValidationFailed(f"row {n}: {exc}", field=f"rows[{n}]") from None
        people.append(person)
    if not people:
        return []
    schedules = {pid: directory.schedule(pid) for pid in set(people)}
    try:
        out = business_seconds_bulk(
            schedules, people, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
        )
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="rows") from None
    return [int(x) for x in out]


def business_hours_csv(directory: Directory, source: TextIO) -> Iterator[list[str]]:
    """Read ``person,from,to`` lines (a header line is optional), yield them with seconds."""
    rows = [r for r in csv.reader(source) if r and any(c.strip() for c in r)]
    if rows and [c.strip().lower() for c in rows[0][:3]] == ["person", "from", "to"]:
        rows = rows[1:]
    for n, row in enumerate(rows, start=1):
        if len(row) != 3:
            raise ValidationFailed(
                f"row {n}: expected person,from,to, got {len(row)} fields", field=f"rows[{n}]"
            )
    unknown = sorted({r[0].strip() for r in rows} - set(directory.people))
    if unknown:
        raise NotFound(f"no person with id {unknown[0]!r}", field="person")
    seconds = business_hours_rows(directory, [(r[0].strip(), r[1], r[2]) for r in rows])
    yield ["person", "from", "to", "seconds"]
    for row, value in zip(rows, seconds, strict=True):
        yield [row[0].strip(), row[1].strip(), row[2].strip(), str(value)]


def _group(directory: Directory, people: list[str], team: str | None) -> list[str]:
    if team:
        return directory.members(team)
    if not people:
        raise ValidationFailed("name at least one person or a team", field="people")
    for pid in people:
        directory.person(pid)
    return sorted(set(people))


def who_is_online(directory: Directory, at: str, team: str | None = None) -> dict[str, Any]:
    moment = instant(at, "at")
    ids = directory.members(team) if team else None
    return {"at": format_instant(moment), "online": online(directory.schedules(ids), moment)}


def common_overlap(
    directory: Directory, people: list[str], team: str | None, start: str, end: str
) -> dict[str, Any]:
    a, b = _range(start, end)
    ids = _group(directory, people, team)
    windows = overlap([directory.schedule(p) for p in ids], a, b)
    return {
        "people": ids,
        "windows": [[format_instant(s), format_instant(e)] for s, e in windows],
        "total_seconds": int(sum((e - s).total_seconds() for s, e in windows)),
    }


def meeting_slots(
    directory: Directory,
    people: list[str],
    team: str | None,
    duration: str,
    start: str,
    end: str,
    limit: int = 5,
) -> dict[str, Any]:
    a, b = _range(start, end, timedelta(days=31))
    try:
        length = parse_duration(duration)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="duration") from None
    if not 1 <= limit <= 50:
        raise ValidationFailed("limit must be between 1 and 50", field="limit")
    ids = _group(directory, people, team)
    found = slots(directory.schedules(ids), length, a, b, limit=limit)
    return {
        "people": ids,
        "duration_minutes": int(length.total_seconds() // 60),
        "slots": [
            {
                "start": format_instant(s.start),
                "end": format_instant(s.end),
                "outside_minutes": s.outside_minutes,
                "outside": [{"person": p, "minutes": m} for p, m in sorted(s.outside.items())],
            }
            for s in found
        ],
    }


def working_day(directory: Directory, team: str, day: date) -> date:
    """``day`` if at least half of the team's members usually work on it, else the next such
    day (a weekend or a team-wide day off shows Monday, say). Holidays and absences do not
    count: this is the team's usual week."""
    members = directory.members(team)
    for candidate in (day + timedelta(days=i) for i in range(7)):
        working = sum(not directory.schedule(m).typical().is_day_off(candidate) for m in members)
        if working and 2 * working >= len(members):
            return candidate
    return day


def follow_the_sun(directory: Directory, team: str, day: date) -> dict[str, Any]:
    """The team's pods (or, without pods, its members) in follow-the-sun order on ``day``."""
    pods = directory.pods(team)
    if pods:
        units = [(p.id, [directory.schedule(m) for m in directory.members(p.id)]) for p in pods]
        kind = "pods"
    else:
        units = [(m, [directory.schedule(m)]) for m in directory.members(team)]
        kind = "members"
    result = chain(units, day)
    return {
        "team": team,
        "date": day.isoformat(),
        "units": kind,
        "shifts": [
            {"id": s.unit, "start": format_instant(s.start), "end": format_instant(s.end)}
            for s in result.shifts
        ],
        "handoffs": [
            {
                "from": h.source,
                "to": h.target,
                "at": format_instant(h.at),
                "at_utc": h.at.strftime("%H:%M"),
                "overlap_minutes": h.overlap_minutes,
            }
            for h in result.handoffs
        ],
        "off": result.off,
    }
