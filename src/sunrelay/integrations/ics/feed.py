"""Write a calendar feed (RFC 5545) that Google Calendar, Outlook and Apple Calendar accept.

Timed events carry their wall-clock time with a TZID and the matching VTIMEZONE (``zones``),
so a meeting at 10:00 Lisbon stays at 10:00 Lisbon across DST in every client; instants with
no home zone are written in UTC ("Z"). Lines are folded and escaped by ``icalendar``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import icalendar

from sunrelay.integrations.ics.zones import vtimezone
from sunrelay.worktime import zone

PRODID = "-//Sunrelay//Sunrelay calendar feed//EN"


@dataclass(frozen=True)
class FeedEvent:
    uid: str  # stable across refreshes, so clients update instead of duplicating
    summary: str
    start: datetime  # aware
    end: datetime
    timezone: str = "UTC"  # the zone the event lives in
    description: str = ""
    url: str = ""
    stamp: datetime | None = None


def render(name: str, events: Iterable[FeedEvent], *, stamp: datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    events = list(events)
    years = [y for e in events for y in (e.start.year, e.end.year)]
    for name in sorted({e.timezone for e in events} - {"UTC"}):
        cal.add_component(vtimezone(name, min(years) - 1, max(years) + 1))
    for e in events:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("dtstamp", e.stamp or stamp)
        event.add("summary", e.summary)
        tz = zone(e.timezone)
        event.add("dtstart", e.start.astimezone(tz))
        event.add("dtend", e.end.astimezone(tz))
        if e.description:
            event.add("description", e.description)
        if e.url:
            event.add("url", e.url)
        cal.add_component(event)
    return cal.to_ical()
