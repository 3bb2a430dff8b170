"""Drift between teams: two teams' work on one component, an accepted decision contradicted
by another team's newer one, and the drift written into a cross-team sync's agenda."""

from __future__ import annotations

import json

from sunrelay.cadence import rituals
from sunrelay.core import clock
from sunrelay.decisions import service as decisions
from sunrelay.decisions.models import Record
from sunrelay.health import drift
from sunrelay.people.models import Component
from sunrelay.work import service as work
from tests.conftest import sign_in
from tests.work.conftest import T0, org  # noqa: F401

SYNC = {
    "title": "Cross-team sync",
    "rrule": "FREQ=WEEKLY;BYDAY=TH",
    "start": "2026-11-26T15:00",
    "timezone": "Europe/Lisbon",
    "team": "core",
    "owners": ["lena"],
}


def test_two_teams_on_one_component_and_contradicting_decisions_are_drift(org):  # noqa: F811
    with clock.frozen(T0):
        work.add_initiative(work.Draft("Ledger v2", "core", "ana", components=["ledger"]), "lena")
        work.add_initiative(
            work.Draft("Ledger reports", "app", "pia", components=["ledger"]), "omar"
        )
        work.add_initiative(work.Draft("Web polish", "app", "pia", components=["web"]), "omar")
        for team, dri, title in (
            ("core", "ana", "Events in Kafka"),
            ("app", "pia", "Events in SQS"),
        ):
            made = decisions.create_record({"title": title, "team": team}, dri)
            # accepted after review, on the same component and topic
            Record.objects.filter(pk=made.pk).update(status="accepted", tags=["messaging"])
            made.components.add(Component.objects.get(slug="ledger"))
    found = drift.find(T0)
    kinds = [(i.kind, i.teams) for i in found]
    assert kinds == [("overlap", ("app", "core")), ("contradiction", ("core", "app"))]
    assert found[0].text == "2 teams have work in flight on ledger"
    assert "both decide messaging for ledger" in found[1].text


def test_drift_goes_onto_the_next_agenda_of_a_sync_and_replaces_its_last_section(org):  # noqa: F811
    with clock.frozen(T0):
        work.add_initiative(work.Draft("Ledger v2", "core", "ana", components=["ledger"]), "lena")
        work.add_initiative(
            work.Draft("Ledger reports", "app", "pia", components=["ledger"]), "omar"
        )
        sync = rituals.save_ritual(SYNC, by="lena")
        assert drift.to_agenda(sync.pk, "lena") == 1
        assert drift.to_agenda(sync.pk, "lena") == 1
    occurrence = sync.occurrences.get()
    assert occurrence.agenda.count(drift.HEADING) == 1
    assert "2 teams have work in flight on ledger" in occurrence.agenda
    assert "](/work/" in occurrence.agenda  # the items linked
    with clock.frozen(T0):
        api = sign_in("lena").get("/api/v1/health/drift").json()
    assert api[0]["kind"] == "overlap" and json.dumps(api)


def test_stale_runbooks_and_a_team_silent_in_a_cross_team_ritual_are_drift(org):  # noqa: F811
    from datetime import timedelta

    from sunrelay.cadence.models import Ritual
    from sunrelay.people import service as people

    with clock.frozen(T0 - timedelta(days=200)):
        people.update_component(
            "ledger", {"links": [{"url": "https://wiki.acme.test/ledger", "title": "Runbook"}]}
        )
    with clock.frozen(T0 - timedelta(weeks=3)):
        cross = {**SYNC, "team": None, "attendees": ["lena", "omar"], "start": "2026-10-01T15:00"}
        sync = rituals.save_ritual(cross, by="lena")
    first = rituals.occurrences(sync, T0 - timedelta(weeks=3), T0)[0]
    with clock.frozen(T0 - timedelta(weeks=2)):
        rituals.save_occurrence(sync, first, "lena", owners=["lena"], state="held")
    found = {(i.kind, i.teams) for i in drift.find(T0)}
    assert ("stale", ("core",)) in found
    assert ("silent", ("app",)) in found and ("silent", ("core",)) not in found
    assert Ritual.objects.count() == 1
