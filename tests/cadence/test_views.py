"""The hub's cadence and notification pages as people see them."""

from __future__ import annotations

import pytest
from django.test import Client

from sunrelay.cadence.models import Handoff, Item, Ritual
from sunrelay.core import clock
from sunrelay.notify import outbox
from sunrelay.notify import service as notify
from sunrelay.notify.models import Notification
from tests.cadence.helpers import utc
from tests.conftest import sign_in


@pytest.fixture
def chloe(demo) -> Client:
    return sign_in("chloe")


def test_write_an_update_then_read_the_team_week(chloe):
    with clock.frozen(utc(2026, 11, 23, 10)):
        home = chloe.get("/cadence/status/").content.decode()
        assert 'due <strong><time datetime="2026-11-23T17:00:00Z"' in home
        assert "Mon 23 Nov, 17:00 (in 7 h)</time>" in home
        bad = chloe.post("/cadence/status/new/?week=2026-W48", {"week": "2026-W48"})
        assert "done: an update needs at least one of" in bad.content.decode()
        posted = chloe.post(
            "/cadence/status/new/",
            {
                "week": "2026-W48",
                "team": "payments",
                "done": "Ledger export shipped",
                "risks": "- Cut-over may slip @bruno",
                "links": "https://github.com/acme/ledger/pull/42",
            },
        )
        assert posted["Location"] == "/cadence/teams/payments/2026-W48/"
        page = chloe.get(posted["Location"]).content.decode()
    assert "Ledger export shipped" in page and "preview" in page
    assert 'data-person="chloe"' in page and "on-time" in page
    register = chloe.get("/cadence/teams/payments/risks/").content.decode()
    assert "Cut-over may slip @bruno" in register and "Bruno Costa" in register


def test_the_team_week_shows_eight_weeks_of_participation(chloe):
    """The participation table is written in Python now (it was most of the page's time for a
    team of a hundred): the same marks, rates and escaping as the template wrote."""
    from sunrelay.cadence import status
    from sunrelay.people.models import Person

    Person.objects.filter(slug="bruno").update(name="Bruno <Costa>")
    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(Person.objects.get(slug="chloe"), team="payments", done="Shipped")
    with clock.frozen(utc(2026, 12, 4, 15, 1)):  # ana, a minute after her Friday due time
        status.post_update(Person.objects.get(slug="ana"), week="2026-W49", done="Late one")
    with clock.frozen(utc(2026, 12, 10, 12)):
        page = chloe.get("/cadence/teams/payments/2026-W49/").content.decode()
    table = page[page.index("Participation, last 8 weeks") :]
    row = lambda name: table[table.index(f"<tr><td>{name}</td>") :].split("</tr>", 1)[0]  # noqa: E731
    assert row("Chloé Martin").endswith(
        '<td class="small" title="on-time">✔</td><td class="small" title="missing">✗</td>'
        "<td>12%</td>"  # 1 of 8 weeks; Django's widthratio rounded 12.5 the same way
    )
    assert row("Ana Lima").endswith(
        '<td class="small" title="missing">✗</td><td class="small" title="late">◔</td><td>12%</td>'
    )
    assert "<tr><td>Bruno &lt;Costa&gt;</td>" in table and "Bruno <Costa>" not in table
    team = table[table.index("<tr><th>Team</th>") :].split("</tr>", 1)[0]
    assert team.endswith('<td class="small">25%</td><td class="small">25%</td><th>6%</th>')


def test_settling_a_risk_from_the_register(chloe):
    with clock.frozen(utc(2026, 11, 23, 10)):
        chloe.post("/cadence/status/new/", {"team": "payments", "risks": "- PSP limits"})
    item = Item.objects.get()
    chloe.post(f"/cadence/items/{item.pk}/", {"state": "resolved", "resolution": "Raised"})
    item.refresh_from_db()
    assert item.state == "resolved" and item.resolution == "Raised"
    assert "Nothing open" in chloe.get("/cadence/teams/payments/risks/").content.decode()


def test_handoff_page_shows_the_chain_and_takes_an_acknowledgement(demo):
    olivia, sofia = sign_in("olivia"), sign_in("sofia")
    board = olivia.get("/cadence/handoffs/?team=mobile").content.decode()
    assert "<strong>olivia</strong> (olivia) hands to <strong>sofia</strong>" in board
    with clock.frozen(utc(2026, 11, 24, 1)):
        made = olivia.post("/cadence/handoffs/", {"team": "mobile", "next_action": "Resubmit"})
    h = Handoff.objects.get()
    assert made["Location"] == f"/cadence/handoffs/{h.pk}/"
    with clock.frozen(utc(2026, 11, 24, 9)):
        assert "1 h 00 min" in olivia.get("/cadence/handoffs/").content.decode()
        sofia.post(f"/cadence/handoffs/{h.pk}/")
    assert 'data-testid="acknowledged"' in sofia.get(f"/cadence/handoffs/{h.pk}/").content.decode()


def test_rituals_occurrences_burden_and_calendars(chloe):
    with clock.frozen(utc(2026, 10, 1)):
        made = chloe.post(
            "/cadence/teams/payments/rituals/",
            {
                "title": "Demo hour",
                "kind": "demo",
                "rrule": "FREQ=WEEKLY;BYDAY=TH",
                "start": "2026-10-01T10:00",
                "timezone": "Europe/Lisbon",
                "duration_minutes": "60",
            },
        )
        ritual = Ritual.objects.get()
        assert made["Location"] == f"/cadence/rituals/{ritual.pk}/"
        chloe.post(made["Location"], {"start": "2026-10-08T09:00:00+00:00", "notes": "Demoed"})
        page = chloe.get(made["Location"]).content.decode()
    assert ritual.occurrences.get().notes == "Demoed" and "Out-of-hours burden" in page
    bad = chloe.post("/cadence/teams/payments/rituals/", {"title": "X", "rrule": "nope"})
    assert "rrule:" in bad.content.decode()
    assert "Demo hour" in chloe.get("/cadence/burden/").content.decode()
    feed_page = chloe.get("/cadence/calendar/").content.decode()
    assert "/cadence/calendar/" in feed_page and ".ics" in feed_page


def test_inbox_preferences_and_dead_letters(chloe):
    with clock.frozen(utc(2026, 11, 23, 12)):
        n = notify.send("chloe", "notify.manual", "Hello from Lisbon", urgent=True)
        outbox.dispatch_due()
    assert "Hello from Lisbon" in chloe.get("/notifications/").content.decode()
    chloe.post("/notifications/", {"id": n.pk})
    n.refresh_from_db()
    assert n.read_at is not None
    chloe.post("/notifications/preferences/", {"route_status": ["slack"], "route_*": ["email"]})
    assert notify.preference(n.recipient).routes == {"*": ["email"], "status": ["slack"]} | {
        g: [] for g in ("decision", "handoff", "ritual", "notify", "page", "incident")
    }
    assert chloe.get("/notifications/dead-letters/").status_code == 302  # staff only
    Notification.objects.filter(pk=n.pk).update(state="dead", last_error="smtp: refused")
    staff = sign_in("root", staff=True)
    assert "smtp: refused" in staff.get("/notifications/dead-letters/").content.decode()
    staff.post(f"/notifications/dead-letters/{n.pk}/retry/")
    n.refresh_from_db()
    assert n.state == "pending"


def test_start_a_one_on_one_and_see_its_completion(chloe):
    with clock.frozen(utc(2026, 10, 1)):
        made = chloe.post(
            "/cadence/one-on-ones/",
            {"with": "ana", "rrule": "FREQ=WEEKLY", "start": "2026-10-05T15:00", "timezone": ""},
        )
    pair = Ritual.objects.get(kind="one-on-one")
    assert made["Location"] == f"/cadence/rituals/{pair.pk}/"
    assert sorted(p.slug for p in pair.attendees.all()) == ["ana", "chloe"]
    assert pair.timezone == "Europe/Lisbon"
    chloe.post(made["Location"], {"start": "2026-10-05T14:00:00+00:00", "state": "held"})
    with clock.frozen(utc(2026, 10, 20)):
        page = chloe.get("/cadence/one-on-ones/").content.decode()
    assert "Ana Lima" in page and "33% (1 of 3)" in page  # 5, 12 and 19 October
    bad = chloe.post("/cadence/one-on-ones/", {"with": "nobody", "rrule": "FREQ=WEEKLY"})
    assert "start" in bad.content.decode() or "attendees" in bad.content.decode()


def test_the_recurrence_builder_previews_and_creates_a_ritual(chloe):
    with clock.frozen(utc(2026, 11, 23, 10)):
        preview = chloe.get(
            "/cadence/recurrence/?tz=Asia/Tokyo&repeat=monthly&every=1&ordinal=first"
            "&weekday=tue&start=2026-12-01T15:00&timezone=Europe/Lisbon&with=mia"
        ).content.decode()
        made = chloe.post(
            "/cadence/teams/payments/rituals/",
            {"title": "Architecture forum", "kind": "design-review", "repeat": "monthly",
             "every": "1", "ordinal": "first", "weekday": "tue", "start": "2026-12-01T15:00",
             "timezone": "Europe/Lisbon", "duration_minutes": "60"},
        )  # fmt: skip
        wrong = chloe.get("/cadence/recurrence/?repeat=weekly&every=1").content.decode()
    assert "FREQ=MONTHLY;BYDAY=1TU" in preview
    assert "Wed 2 Dec, 00:00 (in 8 days)</time> your time" in preview  # Tokyo
    assert "Tue 01 Dec 15:00 in Europe/Lisbon" in preview and "Tue 05 Jan" in preview
    assert "Wed 02 Dec 02:00 in Australia/Sydney" in preview  # the other attendee, Mia
    assert made.status_code == 302
    assert Ritual.objects.get(title="Architecture forum").rrule == "FREQ=MONTHLY;BYDAY=1TU"
    assert "pick at least one day of the week" in wrong
