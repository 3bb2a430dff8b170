"""An onboarding programme from its team's template to day 90, on a frozen clock: buddies by
shared working hours, the week-one checklist ticked from evidence, the manager's weekly
review reminders and overdue items escalated, on every surface."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.core.errors import Conflict, PermissionDenied, ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.decisions import service as decisions
from sunrelay.delivery import service as delivery
from sunrelay.demo import webhooks as P
from sunrelay.notify.models import Notification
from sunrelay.onboarding import service
from sunrelay.onboarding.models import Item
from sunrelay.people import service as people
from sunrelay.people.models import Organization
from tests.conftest import sign_in

START = date(2026, 12, 7)  # a Monday
BEFORE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ZOE = {
    "id": "zoe", "name": "Zoe Alves", "email": "zoe@acme.test", "timezone": "America/Sao_Paulo",
    "working_hours": "09:00-18:00", "holidays": "BR", "github": "zoe-alves",
    "start_date": "2026-12-07",
}  # fmt: skip


@pytest.fixture
def zoe(demo):
    with clock.frozen(BEFORE):
        return people.create_person(dict(ZOE), team="payments")


def test_start_needs_a_start_date_and_the_lead(demo, zoe) -> None:
    with clock.frozen(BEFORE):
        with pytest.raises(ValidationFailed) as no_date:
            service.start("bruno", by=Actor("ana"))
        assert "no start date" in no_date.value.message
        with pytest.raises(PermissionDenied):
            service.start("zoe", by=Actor("bruno"))
        service.start("zoe", by=Actor("ana"))
        with pytest.raises(Conflict):
            service.start("zoe", by=Actor("ana"))


def test_the_programme_follows_the_template_and_suggests_buddies_by_shared_hours(demo, zoe) -> None:
    Organization.objects.update(
        agreement={"onboarding": {"paired": ["Pair on a ledger replay"],
                                  "goals": {30: ["Ships a ledger fix alone"]}}}
    )  # fmt: skip
    with clock.frozen(BEFORE):
        programme = service.start("zoe", by=Actor("ana"))
    # Bruno (São Paulo, 10:00-19:00): 8 h a day for ten workdays. Chloé (Lisbon, 09:00-17:30,
    # three hours ahead): 5.5 h a day, less 8 December, a holiday in Portugal. Mia (Sydney):
    # none at all.
    assert programme.suggested == [
        {"person": "bruno", "hours": 80.0}, {"person": "chloe", "hours": 49.5},
        {"person": "mia", "hours": 0.0},
    ]  # fmt: skip
    assert (programme.tech_buddy.slug, programme.culture_buddy.slug) == ("bruno", "chloe")
    assert programme.manager.slug == "ana" and not programme.buddies_confirmed
    items = [(i.kind, i.text, i.due) for i in programme.items.all()]
    assert items[:4] == [("day0", t, START) for t in (
        "Laptop delivered and set up", "Accounts and access granted (least privilege, expiring)",
        "The paved-road scaffold builds and runs", "A sample service deployed to staging",
    )]  # fmt: skip
    assert [k for k, _, _ in items[4:]] == ["week1"] * 3 + ["paired", "goal30", "goal60", "goal90"]
    assert ("paired", "Pair on a ledger replay", START + timedelta(days=14)) in items
    assert ("goal30", "Ships a ledger fix alone", START + timedelta(days=30)) in items
    told = Notification.objects.get(kind="onboarding.buddies")
    assert told.recipient.slug == "ana"
    with pytest.raises(ValidationFailed):
        service.confirm_buddies("zoe", "bruno", "bruno", Actor("ana"))
    with pytest.raises(ValidationFailed):
        service.confirm_buddies("zoe", "bruno", "yuki", Actor("ana"))
    with pytest.raises(PermissionDenied):
        service.confirm_buddies("zoe", "mia", "chloe", Actor("bruno"))
    confirmed = service.confirm_buddies("zoe", "mia", "chloe", Actor("ana"))
    assert (confirmed.tech_buddy.slug, confirmed.buddies_confirmed) == ("mia", True)


def test_week_one_is_ticked_from_evidence_and_the_rest_by_hand(demo, zoe) -> None:
    with clock.frozen(BEFORE):
        service.start("zoe", by=Actor("ana"))
    merged = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    repo = "acme/ledger"
    with clock.frozen(merged):
        payload = P.pull_request(
            "closed", repo, 901, author="zoe-alves", created=merged - timedelta(hours=5),
            updated=merged, head_ref="zoe/first", merged_at=merged, merge_sha="c" * 40,
            closed_at=merged,
        )  # fmt: skip
        report = delivery.ingest([P.line("pull_request", "d-zoe-1", payload)])
        assert report.rejected == []
        decisions.create_record(
            {"title": "Replay the ledger from the log", "team": "payments"}, "zoe"
        )
    with clock.frozen(merged + timedelta(days=1)):
        assert service.gather_evidence(service.get_programme("zoe")) == 2
    week1 = {i.key: i for i in Item.objects.filter(kind="week1")}
    assert week1["pr"].evidence == "acme/ledger#901 merged 2026-12-10"
    assert week1["doc"].evidence.endswith("Replay the ledger from the log")
    assert week1["dashboard"].done_at is None
    with clock.frozen(merged + timedelta(days=1)):
        with pytest.raises(PermissionDenied):
            service.tick(week1["dashboard"].pk, Actor("yuki"))
        done = service.tick(week1["dashboard"].pk, Actor("zoe"), "https://grafana.acme.test/d/zoe")
        with pytest.raises(Conflict):
            service.tick(done.pk, Actor("zoe"))
    assert done.evidence == "https://grafana.acme.test/d/zoe" and done.done_by.slug == "zoe"


def test_the_manager_is_reminded_weekly_until_day_90_and_told_of_overdue_items(demo, zoe) -> None:
    with clock.frozen(BEFORE):
        service.start("zoe", by=Actor("ana"))
    mondays = [datetime(2026, 12, 7, 5, 30, tzinfo=UTC) + timedelta(weeks=w) for w in range(15)]
    sent = 0
    for monday in mondays:
        with clock.frozen(monday):
            sent += service.remind_reviews()
            service.remind_reviews()  # the same week again: nothing new
    reviews = Notification.objects.filter(kind="onboarding.review")
    # day 0 to day 90 is 13 Mondays (7 Dec to 1 Mar); 8 and 15 Mar are past day 90
    assert sent == 13 and reviews.count() == 13
    assert {n.recipient.slug for n in reviews} == {"ana"}
    first = reviews.order_by("created_at").first()
    assert first.subject == "Weekly onboarding review: Zoe Alves, day 0 (0 of 12 done)"
    with clock.frozen(datetime(2026, 12, 8, 12, 0, tzinfo=UTC)):  # day 1 in São Paulo
        assert service.escalate_overdue() == 4  # the Day-0 items
        assert service.escalate_overdue() == 0  # once each
    overdue = Notification.objects.filter(kind="onboarding.overdue")
    assert {n.recipient.slug for n in overdue} == {"ana"} and overdue.count() == 4
    with clock.frozen(datetime(2026, 12, 8, 12, 0, tzinfo=UTC)):
        with pytest.raises(PermissionDenied):
            service.record_review("zoe", "ok", Actor("zoe"))
        service.record_review("zoe", "Day-0 late: laptop held at customs", Actor("ana"))


def test_every_surface_shows_the_programme(demo, zoe) -> None:
    ana, zoe_client = sign_in("ana"), sign_in("zoe")
    with clock.frozen(BEFORE):
        made = ana.post("/api/v1/onboarding/programmes", {"person": "zoe"}, "application/json")
    assert made.status_code == 201 and made.json()["total"] == 12
    item = made.json()["items"][0]["id"]
    with clock.frozen(datetime(2026, 12, 7, 13, 0, tzinfo=UTC)):
        ticked = zoe_client.post(
            f"/api/v1/onboarding/items/{item}/tick", {"evidence": "laptop ok"}, "application/json"
        )
        home = zoe_client.get("/")
        team = ana.get("/teams/payments/")
        page = ana.get("/onboarding/zoe/")
        listing = ana.get("/onboarding/")
        shown = CliRunner().invoke(app, ["onboarding", "status", "zoe", "--json"])
        pressed = ana.post("/onboarding/zoe/review/", {"note": "good start"})
    assert ticked.status_code == 200 and ticked.json()["done"] == 1
    assert b"Your onboarding: day 0 of 90" in home.content
    assert b"Zoe Alves" in team.content and b'data-testid="onboarding"' in team.content
    assert page.status_code == 200 and b"laptop ok" in page.content
    assert listing.status_code == 200 and b"Zoe Alves" in listing.content
    assert json.loads(shown.stdout)["done"] == 1
    assert pressed.status_code == 302
    assert (
        json.loads(CliRunner().invoke(app, ["onboarding", "status", "zoe", "--json"]).stdout)[
            "reviews"
        ][0]["note"]
        == "good start"
    )
    missing = ana.get("/api/v1/onboarding/programmes/bruno")
    assert missing.status_code == 404 and missing.json()["field"] == "person"
