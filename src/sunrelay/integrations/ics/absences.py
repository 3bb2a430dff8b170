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


class _Skip(Exception):
    """Why an event is not imported."""


def _when(event: icalendar.cal.Component, name: str, zone: ZoneInfo) -> date | datetime:
    try:
        value = event.decoded(name)
    except (ValueError, TypeError, KeyError):
        value = None
    if not isinstance(value, date):  # unparseable text, a duration, a period…
        raw = event.get(name)
        text = raw.to_ical().decode(errors="replace") if hasattr(raw, "to_ical") else str(raw)
        raise _Skip(f"its {name} is not a date or a date-time: {text[:40]!r}")
    return _local(value, zone)


def _local(value: date | datetime, zone: ZoneInfo) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: the person's own wall clock
            value = value.replace(tzinfo=zone)
        return value.astimezone(zone)
    return value


def _days(event: icalendar.cal.Component, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local dates an event covers (DTEND is exclusive)."""
    start = _when(event, "DTSTART", zone)
    try:
        if event.get("DTEND") is not None:
            end = _when(event, "DTEND", zone)
        elif event.get("DURATION") is not None:
            length = event.decoded("DURATION")
            if not isinstance(length, timedelta):
                raise _Skip("its DURATION is not a duration")
            end = start + length
        else:  # RFC 5545: a date lasts one day, a date-time no time at all
            end = start if isinstance(start, datetime) else start + timedelta(days=1)
    except OverflowError:
        raise _Skip("its dates are out of range") from None
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise _Skip("its start and end are not both dates or both date-times")
    if end < start:  # both dates or both date-times, checked above
        raise _Skip("it ends before it starts")
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
    except (ValueError, IndexError):
        raise ValidationFailed(
            "not an iCalendar file: it must hold one BEGIN:VCALENDAR … END:VCALENDAR",
            field="file",
        ) from None
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
        try:
            first, last = _days(event, zone)
        except _Skip as why:
            skipped.append(f"skipped {label}: {why}")
            continue
        recurrence = event.decoded("RECURRENCE-ID") if event.get("RECURRENCE-ID") else None
        uid_key = uid + (f"#{recurrence.isoformat()}" if recurrence else "")
        found.append(IcsAbsence(uid_key, first, last, summary))
    return found, skipped
