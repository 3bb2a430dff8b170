"""Operating states: a team slides to barely functioning for stated reasons, the slide is a
recorded transition, and the lead and the lead's manager hear it with the team's valves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sunrelay.cadence import status
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.health import logic, service
from sunrelay.health.models import Transition
from sunrelay.incidents import service as incidents
from sunrelay.notify.models import Notification
from sunrelay.people.models import Team
from tests.work.conftest import org, who  # noqa: F401  (the organisation of work in flight)

LATER = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # both weeks are over


def test_a_team_slides_to_barely_functioning_for_stated_reasons(org):  # noqa: F811
    core = Team.objects.get(slug="core")
    core.agreement["states"] = {"incidents": {"strained": 1, "failing": 2}}
    core.save()
    with clock.frozen(datetime(2026, 11, 17, 9, 0, tzinfo=UTC)):  # week 47
        for slug in ("lena", "ana", "bruno", "carla"):
            status.post_update(who(slug), done="- shipped", outlook="steady")
    with clock.frozen(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)):  # week 48: two SEV2s
        incidents.declare("Ledger down", "SEV2", who("ana"), team="core")
        incidents.declare("Payouts late", "SEV2", who("ana"), team="core")
    with clock.frozen(LATER):
        before = service.compute(core, "2026-W47")
        after = service.compute(core, "2026-W48")
    assert before.state == logic.NORMAL
    assert after.state == logic.BARELY
    assert after.reasons == [
        "weekly updates posted on time: 0",
        "SEV1/SEV2 incidents open: 2",
    ]
    verdicts = {r["name"]: r["verdict"] for r in after.readings}
    assert verdicts["incidents"] == "failing" and verdicts["queue"] == "unknown"
    (move,) = Transition.objects.all()
    assert (move.week, move.from_state, move.to_state) == (
        "2026-W48",
        "normal",
        "barely-functioning",
    )
    told = Notification.objects.filter(kind="health.barely")
    assert sorted(n.recipient.slug for n in told) == ["grace", "lena"]
    assert "valves incident-load, by-hand" in told[0].body
    # computing again changes nothing and tells nobody twice
    with clock.frozen(LATER):
        service.compute(core, "2026-W48")
    assert Transition.objects.count() == 1 and told.count() == 2


def test_a_quiet_team_is_normal_and_an_empty_one_unknown(org):  # noqa: F811
    from sunrelay.people import service as people

    people.update_team("eng", {"members": []})
    with clock.frozen(LATER):
        empty = service.compute(Team.objects.get(slug="eng"), "2026-W48")
        quiet = service.compute(Team.objects.get(slug="app"), "2026-W48")
    assert empty.state == logic.UNKNOWN  # nothing measured is not "fine"
    assert quiet.state == logic.NORMAL and quiet.reasons == [
        "weekly updates posted on time: 0 (failing)"
    ]


def test_a_bad_week_is_refused_naming_the_field(org):  # noqa: F811
    with pytest.raises(ValidationFailed) as caught:
        service.states(week="2026-48")
    assert caught.value.field == "week"


def test_the_state_rules_are_pure_and_an_optimized_sprint_is_flagged():
    rules = {}
    ok = [logic.verdict("incidents", 0, rules), logic.verdict("queue", 0, rules)]
    ahead = logic.verdict("self_report", 1.0, rules)
    assert logic.state_of([*ok, ok[0], ok[1], ahead], rules)[0] == logic.OPTIMIZED
    assert logic.state_of(ok, rules) == (logic.UNKNOWN, ["2 signals with data; 5 needed"])
    struggling = logic.verdict("self_report", 0.0, rules)
    assert logic.state_of([*ok, ok[0], ok[1], struggling], rules)[0] == logic.BARELY
    rising = [(logic.OPTIMIZED, 0.0), (logic.OPTIMIZED, 1.0), (logic.OPTIMIZED, 3.0)]
    assert logic.sprint_warning(rising, rules)
    assert not logic.sprint_warning([(logic.NORMAL, 0.0), *rising[1:]], rules)
    with pytest.raises(ValueError, match="failing must be above strained"):
        logic.check_states({"incidents": {"strained": 3, "failing": 1}})


def test_states_on_the_cli_the_api_and_the_heat_map(org):  # noqa: F811
    import json

    from typer.testing import CliRunner

    from sunrelay.cli.main import app
    from tests.conftest import sign_in

    with clock.frozen(LATER):
        shown = CliRunner().invoke(
            app, ["health", "state", "--team", "core", "--week", "2026-W48", "--json"]
        )
        (row,) = json.loads(shown.stdout)
        assert set(row) == {
            "team",
            "week",
            "state",
            "signals",
            "reasons",
            "since",
            "sprint_warning",
        }
        assert row["since"] == "2026-W48" and {s["name"] for s in row["signals"]} == set(
            logic.SIGNALS
        )
        assert set(row["signals"][0]) == {"name", "value", "threshold", "failing", "verdict"}
        lena = sign_in("lena")
        api = lena.get("/api/v1/health/states?week=2026-W48").json()
        assert [r["team"] for r in api] == ["app", "core", "eng"]
        bad = lena.get("/api/v1/health/states?week=someday")
        assert bad.status_code == 422 and bad.json()["field"] == "week"
        service.refresh_all()
        page = lena.get("/org-health/")
    assert page.status_code == 200 and b'data-testid="heat-map"' in page.content


def test_meetings_outside_the_attendees_hours_count_as_after_hours_load(org):  # noqa: F811
    from sunrelay.cadence import rituals
    from sunrelay.health.signals import READERS
    from sunrelay.health.weeks import Week

    core = Team.objects.get(slug="core")
    with clock.frozen(datetime(2026, 11, 16, 9, 0, tzinfo=UTC)):
        rituals.save_ritual(
            {"title": "Late sync", "team": "core", "rrule": "FREQ=WEEKLY;BYDAY=TU",
             "start": "2026-11-17T20:00", "timezone": "Europe/Lisbon", "owners": ["lena"]},
            by="lena",
        )  # fmt: skip
    # 20:00 in Lisbon is after everyone's 09:00-17:00: four seats out of hours that week
    assert READERS["after_hours_meetings"](core, Week.of("2026-W48")) == 4.0
