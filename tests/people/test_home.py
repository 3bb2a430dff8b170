"""My day, the home page after sign-in: what waits on me (pages, reviews, hand-offs, my
update, action items), then what is around me (incidents, my teams now, on call, rituals), in
my zone, each item linking to where it is resolved."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sunrelay.cadence import handoffs, rituals
from sunrelay.core import clock
from sunrelay.decisions import review
from sunrelay.decisions import service as decisions
from sunrelay.incidents import followups
from sunrelay.incidents import service as incidents
from sunrelay.people.models import Person
from tests.cadence.helpers import DEMO_HOUR
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # chloe holds payments-primary this week


def person(slug: str) -> Person:
    return Person.objects.get(slug=slug)


def sections(page: str) -> list[str]:
    import re

    return re.findall(r'data-section="([a-z]+)"', page)


def test_my_day_shows_what_waits_on_me_first_and_links_to_it(demo):
    with clock.frozen(datetime(2026, 11, 16, 12, tzinfo=UTC)):
        rituals.save_ritual(DEMO_HOUR, by="chloe")
    with clock.frozen(MONDAY):
        record = decisions.create_record({"title": "Split the ledger", "team": "payments"}, "ana")
        review.request_review(record.pk, "ana", reviewers=["chloe"])
        incident = incidents.declare("Ledger down", "SEV1", person("ana"), component="ledger")
        followups.add_action_item(
            incident.pk, "Alert on replica lag", "chloe", date(2026, 11, 20), person("ana")
        )
    with clock.frozen(datetime(2026, 11, 24, 1, tzinfo=UTC)):
        handoffs.write_handoff(person("olivia"), "mobile", next_action="Resubmit build 812")
    with clock.frozen(datetime(2026, 11, 24, 9, tzinfo=UTC)):
        chloe = sign_in("chloe").get("/?tz=Europe/Lisbon").content.decode()
        sofia = sign_in("sofia").get("/?tz=Europe/Rome").content.decode()
    # waiting on chloe: the SEV1 page (she is on call), the review, her update, the action item
    assert sections(chloe)[:5] == ["pages", "decisions", "handoffs", "update", "actions"]
    assert "Page: [SEV1] Ledger down" in chloe and 'href="/oncall/alerts/' in chloe
    assert f'<a href="/decisions/{record.pk}/">Review ADR-0001 Split the ledger</a>' in chloe
    assert "Post your update for 2026-W48" in chloe and "Alert on replica lag" in chloe
    assert ">overdue<" in chloe  # the action item was due last Friday
    # around her: the open incident, her teams now, who is on call, the demo hour on Thursday
    assert "SEV1 Ledger down" in chloe and "Payments primary: Chloé Martin" in chloe
    assert 'data-section="team"' in chloe and "working now" in chloe
    assert "Demo hour" in chloe and "Thu 26 Nov, 10:00" in chloe  # in Lisbon
    assert 'datetime="2026-11-26T10:00:00Z"' in chloe  # the exact instant, on hover
    # sofia receives the mobile hand-off, and nothing pages her
    assert "Hand-off from Olivia Chen (olivia): Resubmit build 812" in sofia
    assert "pages" not in sections(sofia)


def test_the_home_page_sends_someone_who_is_nobody_yet_to_setup(demo):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.create_user("newcomer", password="pw-123456"))
    answer = client.get("/")
    assert answer.status_code == 302 and answer["Location"] == "/setup/"


def test_global_search_finds_people_teams_components_decisions_incidents_and_rituals(demo):
    from sunrelay.cadence import rituals as cadence_rituals

    with clock.frozen(MONDAY):
        record = decisions.create_record({"title": "Ledger sharding", "team": "payments"}, "ana")
        incidents.declare("Ledger down", "SEV2", person("ana"), component="ledger")
        cadence_rituals.save_ritual(
            {"title": "Ledger 1:1", "kind": "one-on-one", "rrule": "FREQ=WEEKLY",
             "start": "2026-11-24T10:00", "timezone": "UTC", "attendees": ["ana", "bruno"],
             "owners": ["ana"]},
            by="ana",
        )  # fmt: skip
    ana = sign_in("ana")
    page = ana.get("/search/?q=ledger").content.decode()
    for kind, text in (("component", "Ledger"), ("decision", "ADR-0001 Ledger sharding"),
                       ("incident", "SEV2 Ledger down"), ("ritual", "Ledger 1:1")):  # fmt: skip
        assert f'<span class="tag">{kind}</span> <a' in page and text in page, kind
    assert f'href="/decisions/{record.pk}/"' in page
    assert "Ana Lima" in ana.get("/search/?q=ana").content.decode()
    assert "Platform APAC" in ana.get("/search/?q=apac", HTTP_HX_REQUEST="true").content.decode()
    assert "ADR-0001" in ana.get("/search/?q=adr-1").content.decode()  # by label
    # a 1:1 is found only by its two attendees
    assert "Ledger 1:1" not in sign_in("yuki").get("/search/?q=ledger").content.decode()
    assert "at least two characters" in ana.get("/search/?q=l").content.decode()
    assert "Nothing matches" in ana.get("/search/?q=zzzz").content.decode()
