"""IANA zones and the one rule for turning a local wall-clock time into an instant."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    return isinstance(name, str) and name in _zone_names()


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name. Raises ValueError for anything that is not one."""
    if not is_zone(name):
        raise ValueError(f"{name!r} is not an IANA time zone")
    return ZoneInfo(name)


def to_epoch(day: date, at: time, tz: ZoneInfo) -> int:
    """The instant (epoch seconds) when the local clock in ``tz`` shows ``at`` on ``day``.

    An ambiguous time (clocks going back) is its first occurrence. A time that does not exist
    (clocks going forward) is the instant of the jump: the clock never showed it, and the first
    moment it shows a later time is when the window really begins or ends.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz)
    epoch = int(first.timestamp())
    if datetime.fromtimestamp(epoch, tz).replace(tzinfo=None) == naive:
        return epoch
    # In a gap: fold=1 reads the time with the later offset (an earlier instant, before the
    # jump) and fold=0 with the earlier offset (after it). The jump lies between the two.
    lo, hi = int(naive.replace(tzinfo=tz, fold=1).timestamp()), epoch
    while lo < hi:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid + 1
    return lo


def local_date(epoch: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(epoch, tz).date()


def from_epoch(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def day_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
