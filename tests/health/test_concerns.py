"""Safety nets: a concern follows its category's route in working time, an ignored one climbs,
an acknowledged one not acted on is flagged, and an anonymous one leaves no trace of who
raised it anywhere in the database."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.apps import apps

from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.health import concerns
from sunrelay.notify.models import Notification
from sunrelay.people.models import Person, Team
from tests.conftest import sign_in
from tests.work.conftest import T0, org, who  # noqa: F401

ROUTES = {
    "interpersonal": {"route": ["manager", "kenji"], "within": "1d", "anonymous": True},
    "technical": {"route": ["lead", "manager"], "within": "4h", "act_within": "1d"},
}


@pytest.fixture
def routed(org):  # noqa: F811
    core = Team.objects.get(slug="core")
    core.agreement["concerns"] = ROUTES
    core.save()
    return core


def test_an_ignored_concern_climbs_its_route_in_working_time(routed):
    with clock.frozen(T0):  # Monday 10:00 in Lisbon; lena works 09:00-17:00 there
        concern = concerns.raise_concern(
            "core", "bruno", "technical", "high", "no tests on the ledger"
        )
    (first,) = concern.steps.all()
    assert first.person.slug == "lena" and concern.due_at == T0 + timedelta(hours=4)
    assert concerns.escalate(T0 + timedelta(hours=3, minutes=59)) == (0, 0)
    assert concerns.escalate(T0 + timedelta(hours=4)) == (1, 0)
    concern.refresh_from_db()
    assert [(s.person.slug, s.missed) for s in concern.steps.all()] == [
        ("lena", True),
        ("grace", False),
    ]
    told = Notification.objects.filter(kind="health.concern").values_list(
        "recipient__slug", flat=True
    )
    assert sorted(told) == ["grace", "lena"]


def test_acknowledged_but_not_acted_on_is_flagged_once_to_the_next_on_the_route(routed):
    with clock.frozen(T0):
        concern = concerns.raise_concern("core", "bruno", "technical", "low", "flaky deploys")
        with pytest.raises(PermissionDenied):
            concerns.acknowledge(concern.pk, "carla")
        concerns.acknowledge(concern.pk, "lena")
    concern.refresh_from_db()
    # one working day of lena's is 8 h: Monday 10:00-17:00 (7 h) and Tuesday 09:00-10:00
    assert concern.act_due_at == T0 + timedelta(days=1)
    late = concern.act_due_at
    assert concerns.escalate(late) == (0, 1)
    assert concerns.escalate(late + timedelta(days=1)) == (0, 0)  # flagged once
    flagged = Notification.objects.get(kind="health.concern_flagged")
    assert flagged.recipient.slug == "grace" and "acknowledged by Lena" in flagged.subject
    with clock.frozen(late + timedelta(hours=1)):
        concerns.act(concern.pk, "lena", "quarantined the flaky suite")
    assert concerns.rates(routed) == concerns.Rates(raised=1, acknowledged=1, acted=1, flagged=1)
    assert Notification.objects.filter(
        kind="health.concern_acted", recipient__slug="bruno"
    ).exists()


def _rows() -> dict[str, list[dict[str, object]]]:
    found = {}
    for model in apps.get_models():
        if model.__module__.startswith("sunrelay."):
            found[model._meta.label] = list(model.objects.order_by("pk").values())
    return found


def test_an_anonymous_concern_leaves_no_identity_anywhere_in_the_database(routed):
    bruno = Person.objects.get(slug="bruno")
    before = _rows()
    with clock.frozen(T0):
        concern = concerns.raise_concern(
            "core", bruno, "interpersonal", "high", "meetings run over every day", anonymous=True
        )
    after = _rows()
    added = {
        label: [r for r in rows if r not in before.get(label, [])] for label, rows in after.items()
    }
    added = {k: v for k, v in added.items() if v}
    assert set(added) == {"orghealth.Concern", "orghealth.ConcernStep", "notify.Notification"}
    text = json.dumps(added, default=str).lower()
    assert "bruno" not in text
    for label, rows in added.items():
        model = apps.get_model(label)
        people = [f.attname for f in model._meta.fields if f.related_model is Person]
        assert all(row[name] != bruno.pk for row in rows for name in people), label
    assert concern.raised_by is None and concern.steps.get().person.slug == "grace"
    with pytest.raises(ValidationFailed) as caught:
        concerns.raise_concern("core", bruno, "technical", "low", "x", anonymous=True)
    assert caught.value.field == "anonymous"


def test_concerns_on_the_api_the_cli_and_the_hub_read_only_by_those_routed(routed):
    bruno, lena, carla = sign_in("bruno"), sign_in("lena"), sign_in("carla")
    with clock.frozen(T0):
        made = bruno.post(
            "/api/v1/health/concerns",
            json.dumps({"team": "core", "category": "technical", "text": "no runbook"}),
            content_type="application/json",
        )
        assert made.status_code == 201 and made.json()["route"][0]["person"] == "lena"
        pk = made.json()["id"]
        assert carla.get(f"/api/v1/health/concerns/{pk}").status_code == 403
        assert [c["id"] for c in lena.get("/api/v1/health/concerns").json()] == [pk]
        assert carla.get("/api/v1/health/concerns").json() == []
        ack = lena.post(
            f"/api/v1/health/concerns/{pk}/acknowledge", "{}", content_type="application/json"
        )
        assert ack.json()["acknowledged_by"] == "lena"
        page = lena.post(
            f"/org-health/concerns/{pk}/", {"do": "act", "action": "wrote it"}, follow=True
        )
        assert b"Acted on" in page.content
        bad = bruno.post(
            "/api/v1/health/concerns",
            json.dumps({"team": "core", "category": "gossip", "text": "x"}),
            content_type="application/json",
        )
        assert bad.status_code == 422 and bad.json()["field"] == "category"
        hub = carla.post(
            "/org-health/concerns/",
            {
                "team": "core",
                "category": "interpersonal",
                "severity": "low",
                "text": "x",
                "anonymous": "1",
            },
            follow=True,
        )
    assert b"nothing records who you are" in hub.content
    from typer.testing import CliRunner

    from sunrelay.cli.main import app

    with clock.frozen(T0):
        listed = CliRunner().invoke(app, ["health", "concern", "list", "--as", "grace", "--json"])
    assert [c["category"] for c in json.loads(listed.stdout)] == ["interpersonal"]


def test_a_risk_left_past_its_due_time_climbs_the_project_risk_route(routed):
    from sunrelay.cadence import status
    from sunrelay.cadence.models import Item

    with clock.frozen(T0):  # Monday; bruno owns it: 5 working days of his, the next Monday
        status.post_update(who("bruno"), risks="- The vendor API may slip")
    item = Item.objects.get()
    assert item.due_at == T0 + timedelta(days=7)
    assert concerns.escalate_items(T0 + timedelta(days=6)) == 0
    assert concerns.escalate_items(T0 + timedelta(days=7)) == 1
    item.refresh_from_db()
    assert item.escalated == 1 and item.due_at is not None
    told = Notification.objects.get(kind="health.item_escalated")
    assert told.recipient.slug == "lena" and "has waited 7 days" in told.subject
    with clock.frozen(T0 + timedelta(days=8)):
        status.settle_item(item.pk, who("lena"), resolution="vendor confirmed the date")
    assert concerns.escalate_items(T0 + timedelta(days=30)) == 0
