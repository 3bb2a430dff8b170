"""VTIMEZONE components in the shape calendar clients expect.

Google Calendar, Outlook and Apple Calendar write (and read most reliably) one STANDARD and
one DAYLIGHT component, each with a yearly RRULE ("last Sunday of October"). We derive those
rules from the IANA database for the years a feed covers and check them against every real
transition; a zone whose changes follow no such rule (a moving religious calendar, a law
changed mid-range) gets one component per transition instead, which is just as exact.
"""

from __future__ import annotations

import calendar as months
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def transitions(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Instants (UTC) in [start, end) where the zone's UTC offset changes."""
    found = []
    at, step = start, timedelta(hours=12)
    while at < end:
        nxt = min(at + step, end)
        if at.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = at, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(microsecond=0))
        at = nxt
    return found


def _local_before(tz: ZoneInfo, at: datetime) -> datetime:
    """The wall-clock time of a transition in the offset in force just before it (RFC 5545)."""
    before = (at - timedelta(seconds=1)).astimezone(tz).utcoffset() or timedelta(0)
    return (at + before).replace(tzinfo=None)


def _byday(local: datetime) -> str:
    last = local.day + 7 > months.monthrange(local.year, local.month)[1]
    nth = -1 if last else (local.day - 1) // 7 + 1
    return f"{nth}{DAYS[local.weekday()]}"


def _follows(rule: tuple[int, str], local: datetime) -> bool:
    return (local.month, _byday(local)) == rule


def vtimezone(name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """A VTIMEZONE for ``name`` exact from 1 January ``first_year`` to the end of ``last_year``."""
    tz = ZoneInfo(name)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    changes = transitions(tz, start, datetime(last_year + 1, 1, 1, tzinfo=UTC))
    out = icalendar.Timezone()
    out.add("tzid", name)
    if not changes:
        out.add_component(_part(tz, start, datetime(1970, 1, 1)))  # noqa: DTZ001 - local
        return out
    groups: dict[tuple[timedelta | None, timedelta | None], list[datetime]] = {}
    for at in changes:
        key = (
            (at - timedelta(seconds=1)).astimezone(tz).utcoffset(),
            at.astimezone(tz).utcoffset(),
        )
        groups.setdefault(key, []).append(at)
    # the offset in force before the first change, from the start of the range
    out.add_component(_part(tz, start, start.astimezone(tz).replace(tzinfo=None)))
    for group in groups.values():
        locals_ = [_local_before(tz, at) for at in group]
        rule = (locals_[0].month, _byday(locals_[0]))
        same_time = len({lt.time() for lt in locals_}) == 1
        if len(group) > 1 and same_time and all(_follows(rule, lt) for lt in locals_):
            part = _part(tz, group[0], locals_[0])
            part.add("rrule", {"freq": "yearly", "bymonth": rule[0], "byday": rule[1]})
            out.add_component(part)
        else:
            for at, lt in zip(group, locals_, strict=True):
                out.add_component(_part(tz, at, lt))
    return out


def _part(tz: ZoneInfo, at: datetime, local: datetime) -> icalendar.cal.Component:
    after = at.astimezone(tz)
    before = (at - timedelta(seconds=1)).astimezone(tz)
    part = icalendar.TimezoneDaylight() if after.dst() else icalendar.TimezoneStandard()
    part.add("dtstart", local)
    part.add("tzoffsetfrom", before.utcoffset())
    part.add("tzoffsetto", after.utcoffset())
    part.add("tzname", after.tzname() or "")
    return part
