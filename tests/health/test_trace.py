"""The trace: who was told what about an initiative, when it reached them and when they read
it, beside what happened to it; a concern's trace only for those who may read it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.health import concerns, trace
from sunrelay.notify import service as notify
from sunrelay.notify.models import Notification
from sunrelay.people.permissions import actor_of
from sunrelay.work import service as work
from tests.conftest import sign_in
from tests.work.conftest import T0, org  # noqa: F401


def test_an_initiatives_trace_shows_what_happened_and_who_was_told_and_read_it(org):  # noqa: F811
    with clock.frozen(T0):
        for title in ("A", "B"):
            work.start(work.add_initiative(work.Draft(title, "core", "ana"), "lena").pk, "lena")
        third = work.add_initiative(work.Draft("C", "core", "carla"), "lena")
        work.start(third.pk, "lena")
        first = work.Initiative.objects.get(title="A")
    with clock.frozen(T0 + timedelta(hours=1)):
        work.drop(first.pk, "lena", reason="not needed")
    told = Notification.objects.get(kind="work.started")
    with clock.frozen(T0 + timedelta(hours=2)):
        notify.mark_read(told.recipient, told.pk)
    title, lines = trace.trace("initiative", third.pk, actor_of(None))
    assert title == f"#{third.pk} C"
    assert [(line.kind, line.who) for line in lines] == [
        ("proposed", "Lena"),
        ("queued", "Lena"),
        ("started", "Sunrelay"),
        ("told", "Carla"),
    ]
    assert lines[3].read == T0 + timedelta(hours=2)
    page = sign_in("bruno").get(f"/org-health/trace/initiative/{third.pk}/")
    assert page.status_code == 200 and b"started from the queue" in page.content


def test_a_concerns_trace_is_for_those_who_may_read_it(org):  # noqa: F811
    with clock.frozen(T0):
        concern = concerns.raise_concern("core", "bruno", "technical", "low", "no runbook")
    with pytest.raises(PermissionDenied):
        trace.trace("concern", concern.pk, actor_of("carla"))
    _, lines = trace.trace("concern", concern.pk, actor_of("lena"))
    assert [(line.kind, line.who) for line in lines] == [("raised", "Bruno"), ("told", "Lena")]
    with pytest.raises(ValidationFailed) as caught:
        trace.trace("gossip", 1, actor_of("lena"))
    assert caught.value.field == "kind"
    assert sign_in("lena").get("/api/v1/health/trace/initiative/999").status_code == 422


def test_a_decisions_and_an_incidents_trace(org):  # noqa: F811
    from sunrelay.decisions import service as decisions
    from sunrelay.incidents import service as incidents
    from tests.work.conftest import who

    with clock.frozen(T0):
        record = decisions.create_record({"title": "Events in Kafka", "team": "core"}, "ana")
        incident = incidents.declare("Ledger down", "SEV2", who("ana"), team="core")
    title, lines = trace.trace("decision", record.pk, actor_of(None))
    assert title.endswith("Events in Kafka") and lines[0].who == "Ana"
    title, lines = trace.trace("incident", incident.pk, actor_of(None))
    assert title == f"Incident #{incident.pk} Ledger down" and lines[0].kind == "state"
    with pytest.raises(ValidationFailed, match="no incident 999999"):
        trace.trace("incident", 999999, actor_of(None))
