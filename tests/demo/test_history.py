"""`sunrelay demo load`: twelve weeks of history through the service functions, the same from
the same seed, and something true on every hub page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import transaction
from django.db.models import F

from sunrelay.cadence.models import Handoff, Occurrence, StatusUpdate
from sunrelay.core import clock
from sunrelay.decisions.models import Record
from sunrelay.delivery.metrics import prs, queries
from sunrelay.delivery.models import Deployment, PullRequest
from sunrelay.delivery.pages import health
from sunrelay.demo import history
from sunrelay.incidents.models import Incident
from sunrelay.oncall.models import AlertGroup
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def snapshot() -> dict[str, object]:
    return {
        "updates": sorted(StatusUpdate.objects.values_list("author__slug", "week", "posted_at")),
        "records": sorted(Record.objects.values_list("title", "status", "rung")),
        "handoffs": sorted(Handoff.objects.values_list("created_at", "acknowledged_by__slug")),
        "occurrences": sorted(Occurrence.objects.values_list("ritual__title", "start", "state")),
        "incidents": sorted(Incident.objects.values_list("title", "state", "cause_deployment")),
        "pulls": sorted(PullRequest.objects.values_list("repo", "number", "merged_at", "author")),
        "deployments": sorted(Deployment.objects.values_list("github_id", "sha", "created_at")),
    }


def test_the_same_seed_writes_the_same_history(demo):
    with clock.frozen(NOW):
        with transaction.atomic():
            history.build(seed=7)
            first = snapshot()
            transaction.set_rollback(True)
        history.build(seed=7)
    assert snapshot() == first
    assert first["updates"] and len(set(first["records"])) == 9


def test_the_history_has_every_state_a_page_can_show(demo):
    with clock.frozen(NOW):
        written = history.build(seed=7).written
    assert written["weekly updates"] > 100 and written["hand-offs"] > 10
    statuses = set(Record.objects.values_list("status", flat=True))
    assert statuses == {"draft", "proposed", "accepted", "rejected", "deprecated"}
    assert Record.objects.exclude(rung="none").exists()  # a late review climbed the ladder
    assert StatusUpdate.objects.filter(posted_at__gt=F("due_at")).exists()  # some came late
    assert Handoff.objects.filter(acknowledged_by__isnull=False).exists()
    assert Occurrence.objects.filter(state="held").exclude(recording_url="").exists()
    assert AlertGroup.objects.filter(state="firing").exists()
    assert set(Incident.objects.values_list("state", flat=True)) >= {"resolved", "closed"}
    ana = sign_in("ana")
    with clock.frozen(NOW):
        home = ana.get("/").content.decode()
        assert "Move checkout to event sourcing" in ana.get("/decisions/").content.decode()
        assert "Ledger replica lag above 30 s" in ana.get("/oncall/alerts/").content.decode()
        pairs = ana.get("/cadence/one-on-ones/").content.decode()
        assert "Bruno Costa</a>" in pairs and "% (" in pairs  # held in the last 90 days
    assert "Yuki Tanaka asked for changes on ADR-" in home  # her late, objected record


def test_the_history_has_delivery_every_figure_can_show(demo):
    with clock.frozen(NOW):
        history.build(seed=7)
        start, end = date(2026, 9, 1), NOW.date()
        keys = queries.dora_keys(start, end, queries.scope(team="payments"))
        flow = prs.pr_flow(start, end, queries.scope(team="payments"), "payments")
        cross = health.figures("payments")["cross_team"]
    assert keys["deployments"] > 20 and 0 < keys["change_failure_rate"]["value"] < 0.5
    assert keys["lead_time_hours"]["median"] is not None
    assert keys["time_to_restore_hours"]["median"] is not None
    assert flow["pulls"] > 20 and flow["unmapped"] == []
    pickup = flow["stages"]["pickup"]
    assert pickup["working_hours"]["median"] < pickup["calendar_hours"]["median"]
    assert 0 < flow["review_sla"]["in_time"] < flow["review_sla"]["requests"]  # some are late
    assert Incident.objects.filter(cause_deployment__isnull=False).exists()
    assert 0 < cross["with_record"] < cross["changes"]  # some cross-team changes link a record


def test_the_history_has_work_every_board_can_show(demo):
    from sunrelay.people.models import Team
    from sunrelay.work import queries as work
    from sunrelay.work.models import Signal, ValveOpening

    with clock.frozen(NOW):
        history.build(seed=7)
        payments = work.board(Team.objects.get(slug="payments"))
    assert len(payments.active) == 3 and len(payments.exceptions) == 1  # a spike beyond 2
    assert [i.title for _, i in payments.queued] == [
        "Refund automation",
        "Currency rounding clean-up",
    ]
    past = ValveOpening.objects.get(name="quarter-end")
    assert past.state == "closed" and [c["person"] for c in past.confirmations] == ["ana", "sofia"]
    assert past.paused and payments.active[-1].title == "Fraud model experiments"
    wallet = payments.team.initiatives.model.objects.get(title="Wallet screen on ledger v2")
    assert wallet.descope_granted_at is not None  # the ledger slipped eight days
    (migration,) = work.migrations()
    assert {p.state for p in migration.progress.all()} == {"done", "under-way", "not-started"}
    assert Signal.objects.filter(response="accept").count() == 1
    climbed = Signal.objects.get(team__slug="platform-apac")
    assert climbed.level == 1 and climbed.response == ""


def test_every_work_page_renders_the_demo(demo):
    from sunrelay.work.models import Initiative, Signal

    with clock.frozen(NOW):
        history.build(seed=7)
    ana = sign_in("ana")
    pages = ["/work/", "/work/migrations/", "/work/teams/payments/", "/teams/payments/"]
    pages += [f"/work/{pk}/" for pk in Initiative.objects.values_list("pk", flat=True)]
    pages += [f"/work/signals/{pk}/" for pk in Signal.objects.values_list("pk", flat=True)]
    with clock.frozen(NOW):
        for url in pages:
            assert ana.get(url).status_code == 200, url
        board = ana.get("/work/teams/payments/").content.decode()
    assert "Refund automation" in board and "quarter-end" in board and "the quarter closed" in board


def test_the_history_has_operating_states_and_a_slide(demo):
    from sunrelay.health.models import TeamWeek, Transition
    from sunrelay.notify.models import Notification

    with clock.frozen(NOW):
        history.build(seed=7)
    states = set(TeamWeek.objects.values_list("state", flat=True))
    assert states == {"normal", "optimized", "barely-functioning", "unknown"}
    away = TeamWeek.objects.get(team__slug="platform-amer", state="unknown")
    assert away.reasons == ["4 signals with data; 5 needed"]  # its only member was away
    slide = Transition.objects.get(team__slug="payments", to_state="barely-functioning")
    assert slide.reasons == ["the team's own view (0 struggling, 1 ahead): 0"]
    assert Notification.objects.filter(kind="health.barely", recipient__slug="ana").exists()
    from sunrelay.health import drift
    from sunrelay.health.models import Concern

    with clock.frozen(NOW):
        items = drift.find()
    assert ("overlap", ("mobile", "payments")) in [(i.kind, i.teams) for i in items]
    trail = {c.category: c for c in Concern.objects.all()}
    assert trail["technical"].acted_at and trail["project-risk"].flagged_at
    assert trail["interpersonal"].raised_by is None
