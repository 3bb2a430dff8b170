"""Calendar feeds read back by an independent parser (vobject), zone by zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import vobject

from sunrelay.integrations.ics import FeedEvent, render
from sunrelay.integrations.ics.zones import transitions, vtimezone
from sunrelay.worktime import zone

ZONES = [
    "Europe/Lisbon",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Santiago",  # southern-hemisphere rules on Saturdays/Sundays in April and September
    "Africa/Casablanca",  # changes around Ramadan: no yearly rule
    "Asia/Kathmandu",  # +05:45, no DST
]


@pytest.mark.parametrize("name", ZONES)
def test_every_event_reads_back_at_its_instant(name):
    # 10:00 local on the 1st, 10th and 20th of every month of 2026
    tz = zone(name)
    starts = [
        datetime(2026, m, d, 10, tzinfo=tz).astimezone(UTC)
        for m in range(1, 13)
        for d in (1, 10, 20)
    ]
    events = [
        FeedEvent(f"e{i}@test", "Sync", s, s + timedelta(minutes=30), name)
        for i, s in enumerate(starts)
    ]
    data = render("Test", events, stamp=datetime(2026, 1, 1, tzinfo=UTC)).decode()
    parsed = vobject.readOne(data)
    read = sorted(e.dtstart.value.astimezone(UTC) for e in parsed.vevent_list)
    assert read == sorted(starts)
    assert all(e.dtstart.value.hour == 10 for e in parsed.vevent_list)


def test_zones_with_regular_dst_get_two_yearly_rules():
    text = vtimezone("Europe/Lisbon", 2025, 2027).to_ical().decode()
    assert text.count("RRULE:FREQ=YEARLY") == 2
    assert "BYDAY=-1SU;BYMONTH=3" in text and "BYDAY=-1SU;BYMONTH=10" in text
    assert "RDATE" not in text


def test_transitions_are_found_to_the_second():
    found = transitions(
        zone("America/New_York"), datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert found == [datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)]


def test_utc_events_are_written_in_utc():
    at = datetime(2026, 11, 23, 17, tzinfo=UTC)
    data = render("T", [FeedEvent("x@test", "Due", at, at + timedelta(minutes=15))], stamp=at)
    assert b"DTSTART:20261123T170000Z" in data and b"VTIMEZONE" not in data
