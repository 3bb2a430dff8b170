"""Turn the VEVENTs of an out-of-office calendar into absences (inclusive local dates).

All-day events use DTSTART/DTEND as dates (DTEND is exclusive, as RFC 5545 says). Timed
events become the local dates (in the person's zone) that they touch. Cancelled, free
(TRANSP:TRANSPARENT) and recurring events are skipped and reported, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from sunrelay.core.errors import ValidationFailed


@dataclass(frozen=True)
class IcsAbsence:
    uid: str
    start: date
    end: date
    summary: str


def _local(value: date | datetime, zone: ZoneInfo) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: the person's own wall clock
            value = value.replace(tzinfo=zone)
        return value.astimezone(zone)
    return value


def _days(event: icalendar.cal.Component, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local dates an event covers (DTEND is exclusive)."""
    start = _local(event.decoded("DTSTART"), zone)
    if event.get("DTEND") is not None:
        end = _local(event.decoded("DTEND"), zone)
    elif event.get("DURATION") is not None:
        end = start + event.decoded("DURATION")
    else:  # RFC 5545: a date lasts one day, a date-time no time at all
        end = start if isinstance(start, datetime) else start + timedelta(days=1)
    if isinstance(start, datetime) and isinstance(end, datetime):
        first = start.date()
        return first, max(first, (end - timedelta(microseconds=1)).date())
    first = start.date() if isinstance(start, datetime) else start
    last_day = end.date() if isinstance(end, datetime) else end - timedelta(days=1)
    return first, max(first, last_day)


def parse_out_of_office(text: str | bytes, timezone: str) -> tuple[list[IcsAbsence], list[str]]:
    """The absences in a calendar and a note for each event skipped.
    Raises ValidationFailed when the text is not an iCalendar file."""
    zone = ZoneInfo(timezone)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError) as exc:
        raise ValidationFailed(f"not an iCalendar file: {exc}", field="file") from None
    found: list[IcsAbsence] = []
    skipped: list[str] = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID") or "")
        summary = str(event.get("SUMMARY") or "")
        label = f"event {uid or '(no UID)'} {summary!r}"
        if not uid:
            skipped.append(f"skipped {label}: it has no UID")
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            skipped.append(f"skipped {label}: cancelled")
            continue
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            skipped.append(f"skipped {label}: marked free")
            continue
        if event.get("RRULE") is not None:
            skipped.append(f"skipped {label}: recurring absences are not imported")
            continue
        if event.get("DTSTART") is None:
            skipped.append(f"skipped {label}: it has no DTSTART")
            continue
        first, last = _days(event, zone)
        recurrence = event.decoded("RECURRENCE-ID") if event.get("RECURRENCE-ID") else None
        uid_key = uid + (f"#{recurrence.isoformat()}" if recurrence else "")
        found.append(IcsAbsence(uid_key, first, last, summary))
    return found, skipped
