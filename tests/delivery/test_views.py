"""The async health pages: the organisation, a team, and the rows behind the figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sunrelay.core import clock
from sunrelay.demo import history
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


@pytest.fixture
def lived_in(demo):
    with clock.frozen(NOW):
        history.build(seed=7)


def test_a_team_page_shows_every_figure_and_links_to_its_rows(lived_in):
    ana = sign_in("ana")
    with clock.frozen(NOW):
        page = ana.get("/health/payments/")
        assert page.status_code == 200
        text = page.content.decode()
        for expected in ("Payments: async health", "Change failure rate", "Pickup",
                         "the reviewer's hours", "Review requests answered within the agreement",
                         "Work in progress now", "Design reviews decided",
                         "Cross-team changes linking a decision record", "Weekly updates posted",
                         "Meeting load (rituals, 1:1s aside)",
                         'data-testid="deploy-chart"', "acme/ledger"):  # fmt: skip
            assert expected in text, expected
        assert "/health/deployments/?team=payments" in text
        rows = ana.get("/health/deployments/?team=payments").content.decode()
        assert "acme/ledger" in rows and "acme/mobile-app" not in rows
        assert "failed" in rows  # the demo has failed rollouts
        pulls = ana.get("/health/pulls/?team=payments").content.decode()
        assert "acme/checkout-api#" in pulls and " h · " in pulls


def test_the_organisation_page_compares_teams(lived_in):
    with clock.frozen(NOW):
        text = sign_in("olivia").get("/health/").content.decode()
    assert "Async health: the organisation" in text
    assert 'href="/health/payments/"' in text and 'href="/health/mobile/"' in text


def test_empty_states_unknown_teams_and_sign_in(demo):
    ana = sign_in("ana")
    with clock.frozen(NOW):
        text = ana.get("/health/payments/").content.decode()
        assert "No production deployments in these weeks" in text
        assert "Nothing in flight." in text
        assert ana.get("/health/no-such-team/").status_code == 404
    from django.test import Client

    assert Client().get("/health/").status_code == 302  # to the sign-in page


def test_pages_read_kept_figures_until_they_are_stale(demo, django_assert_max_num_queries):
    from datetime import timedelta

    from sunrelay.delivery import service
    from sunrelay.delivery.models import Figures
    from sunrelay.demo import webhooks as W

    ana = sign_in("ana")
    with clock.frozen(NOW):
        assert "No production deployments" in ana.get("/health/payments/").content.decode()
        kept = Figures.objects.get(scope="payments")
        sha = "a" * 40
        lines = [
            W.line("push", "p", W.push("acme/ledger", "refs/heads/main",
                                       [W.commit(sha, NOW, "a@acme.test", None)], NOW)),
            W.line("deployment_status", "s",
                   W.deployment_status("acme/ledger", 1, sha, "production", "success", NOW)),
        ]  # fmt: skip
        service.ingest(lines)
        with django_assert_max_num_queries(12):  # the kept figures, not a year of history
            text = ana.get("/health/payments/").content.decode()
        assert "No production deployments" in text  # five minutes old at most: as kept
    with clock.frozen(NOW + timedelta(minutes=11)):
        text = ana.get("/health/payments/").content.decode()
        assert "No production deployments" not in text  # stale: computed again
        assert Figures.objects.get(scope="payments").computed_at > kept.computed_at
        assert service.refresh_all_figures() == 4  # the organisation and three teams
    assert set(Figures.objects.values_list("scope", flat=True)) == {
        "*", "payments", "platform", "mobile",
    }  # fmt: skip


def test_the_rows_come_a_hundred_to_a_page(lived_in):
    ana = sign_in("ana")
    with clock.frozen(NOW):
        first = ana.get("/health/pulls/").content.decode()
        assert "page 1 of" in first and "team=&amp;page=2" in first
        second = ana.get("/health/pulls/?team=&page=2")
        assert second.status_code == 200 and "page 2 of" in second.content.decode()


def test_meeting_load_is_each_members_share_of_their_working_time(demo):
    from datetime import date, time

    from sunrelay.cadence.models import Ritual
    from sunrelay.delivery.pages import health
    from sunrelay.people.models import Person, Team

    payments = Team.objects.get(slug="payments")
    ana = Person.objects.get(slug="ana")
    standup = Ritual.objects.create(
        team=payments, title="Daily sync", kind="other", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        start_date=date(2026, 1, 5), start_time=time(13), timezone="UTC",
        duration_minutes=120, created_at=NOW,
    )  # fmt: skip
    standup.owners.add(ana)
    pair = Ritual.objects.create(team=None, title="Ana and Bruno", kind="one-on-one",
                                 rrule="FREQ=WEEKLY;BYDAY=MO", start_date=date(2026, 1, 5),
                                 start_time=time(14), timezone="UTC", duration_minutes=60,
                                 created_at=NOW)  # fmt: skip
    pair.attendees.add(ana, Person.objects.get(slug="bruno"))
    window = health.Window(date(2026, 11, 2), date(2026, 11, 9))  # one week, Monday to Monday
    found = health.meeting_load("payments", window)
    people = {r["person"]: r for r in found["people"]}
    assert people["ana"]["hours"] == 10.0  # five syncs of two hours; the 1:1 is left out
    # Ana works 09:00-18:00 in São Paulo; Monday 2 November is a public holiday there (Finados):
    # four days of nine hours
    assert people["ana"]["share"] == pytest.approx(10 / 36)
    assert found["over"] == 4 and found["target"] == 0.2  # every member: 10 h of at most 45
