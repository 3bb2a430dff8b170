"""Calendar feeds, read back with an independent iCalendar parser (vobject)."""

from __future__ import annotations

from datetime import UTC

import pytest
import vobject
from django.test import Client

from sunrelay.cadence import feeds, rituals
from sunrelay.core import clock
from sunrelay.people.models import Person, Team
from tests.cadence.helpers import DEMO_HOUR, utc


@pytest.fixture
def demo_hour(demo):
    with clock.frozen(utc(2026, 10, 1)):
        return rituals.save_ritual(DEMO_HOUR)


def parse(data: bytes) -> dict[str, list]:
    calendar = vobject.readOne(data.decode())
    events: dict[str, list] = {}
    for event in calendar.vevent_list:
        events.setdefault(event.summary.value, []).append(event)
    return events


def test_a_persons_feed_carries_rituals_and_due_times_at_the_right_instants(demo_hour):
    chloe = Person.objects.get(slug="chloe")
    with clock.frozen(utc(2026, 10, 15)):
        events = parse(feeds.calendar(feeds.feed_for(chloe).token))
    starts = {e.dtstart.value.astimezone(UTC) for e in events["Demo hour (Payments)"]}
    assert utc(2026, 10, 22, 9) in starts and utc(2026, 10, 29, 10) in starts  # DST on 25 Oct
    first = events["Demo hour (Payments)"][0]
    assert first.dtstart.value.tzinfo is not None and "Lisbon" in str(first.dtstart.params)
    assert first.dtend.value - first.dtstart.value == (utc(2026, 1, 1, 1) - utc(2026, 1, 1))
    dues = {e.dtstart.value.astimezone(UTC) for e in events["Weekly update due (2026-W44)"]}
    assert dues == {utc(2026, 10, 26, 17)}  # Monday 17:00 Lisbon, the day after the change
    uids = [e.uid.value for group in events.values() for e in group]
    assert len(uids) == len(set(uids))


def test_a_teams_feed_is_served_at_its_private_url_and_dies_when_renewed(demo_hour):
    payments = Team.objects.get(slug="payments")
    token = feeds.feed_for(payments).token
    with clock.frozen(utc(2026, 10, 15)):
        response = Client().get(f"/cadence/calendar/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "Demo hour (Payments)" in parse(response.content)
    feeds.renew(payments)
    assert Client().get(f"/cadence/calendar/{token}.ics").status_code == 404
