"""On-call and incidents through the API, the CLI, the pages and the calendar feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import vobject
from django.test import Client
from typer.testing import CliRunner

from sunrelay.cadence import feeds
from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.oncall.models import AlertGroup
from sunrelay.people.models import Person
from tests.conftest import DEMO, FIXTURES, sign_in

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
runner = CliRunner()


def test_the_cli_answers_from_an_org_file_without_a_database():
    who = runner.invoke(
        app,
        [
            "oncall",
            "who",
            "platform-sun",
            "--at",
            "2026-11-23T10:00Z",
            "--org",
            str(DEMO),
            "--json",
        ],
    )
    assert who.exit_code == 0, who.output
    assert json.loads(who.stdout) == {
        "schedule": "platform-sun",
        "at": "2026-11-23T10:00:00Z",
        "on_call": ["priya"],
        "away": [],
    }
    shifts = runner.invoke(
        app,
        [
            "oncall",
            "shifts",
            "payments-primary",
            "--from",
            "2026-11-23T00:00Z",
            "--to",
            "2026-11-30T12:00Z",
            "--org",
            str(DEMO),
            "--json",
        ],
    )
    data = json.loads(shifts.stdout)
    assert [(s["person"], s["start"], s["end"]) for s in data["shifts"]] == [
        ("bruno", "2026-11-23T00:00:00Z", "2026-11-23T10:00:00Z"),
        ("chloe", "2026-11-23T10:00:00Z", "2026-11-30T10:00:00Z"),
        ("mia", "2026-11-30T10:00:00Z", "2026-11-30T12:00:00Z"),
    ]
    assert data["gaps"] == []
    missing = runner.invoke(app, ["oncall", "who", "nope", "--org", str(DEMO)])
    assert missing.exit_code == 1 and "no on-call schedule with id 'nope'" in missing.stderr


def test_schedules_overrides_and_alerts_through_the_api(demo, writer: Client):
    bad = writer.put(
        "/api/v1/oncall/schedules/nights",
        {"timezone": "Mars/Olympus", "layers": [{"participants": ["ana"], "start": "2026-01-01"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "timezone"
    made = writer.put(
        "/api/v1/oncall/schedules/nights",
        {"timezone": "UTC", "layers": [{"participants": ["ana", "ghost"], "start": "2026-01-01"}]},
        content_type="application/json",
    )
    assert made.status_code == 422 and made.json()["field"] == "layers.0.participants.1"
    override = writer.post(
        "/api/v1/oncall/schedules/payments-primary/overrides",
        {
            "person": "bruno",
            "replaces": "chloe",
            "start": "2026-11-24T00:00Z",
            "end": "2026-11-25T00:00Z",
            "reason": "dentist",
        },
        content_type="application/json",
    )
    assert override.status_code == 201, override.json()
    who = writer.get("/api/v1/oncall/schedules/payments-primary/who?at=2026-11-24T12:00Z").json()
    assert who["on_call"] == ["bruno"]
    shifts = writer.get(
        "/api/v1/oncall/schedules/payments-primary/shifts?start=2026-11-24T00:00Z&end=2026-11-26T00:00Z"
    ).json()
    assert [(s["person"], s["layer"]) for s in shifts["shifts"]] == [
        ("bruno", "override"),
        ("chloe", "weekly"),
    ]
    made = writer.post(
        "/api/v1/oncall/integrations",
        {"id": "prom", "kind": "alertmanager"},
        content_type="application/json",
    ).json()
    secret_url = made["url"].split("/api/v1", 1)[1]
    body = json.loads((FIXTURES / "alertmanager" / "firing.json").read_text())
    anonymous = Client()
    with clock.frozen(T0):
        first = anonymous.post("/api/v1" + secret_url, body, content_type="application/json")
        again = anonymous.post("/api/v1" + secret_url, body, content_type="application/json")
    assert first.status_code == 202 and first.json()["created"] and not again.json()["created"]
    assert (
        anonymous.post(
            "/api/v1/oncall/intake/wrong", body, content_type="application/json"
        ).status_code
        == 404
    )
    broken = anonymous.post(
        "/api/v1" + secret_url, {"version": "4"}, content_type="application/json"
    )
    assert broken.status_code == 422 and broken.json()["field"] == "groupKey"
    group = first.json()["group"]
    acked = writer.post(
        f"/api/v1/oncall/alerts/{group}/acknowledge",
        {"actor": "chloe"},
        content_type="application/json",
    )
    assert acked.json()["state"] == "acknowledged" and acked.json()["acknowledged_by"] == "chloe"
    detail = writer.get(f"/api/v1/oncall/alerts/{group}").json()
    assert [a["received"] for a in detail["alerts"]] == [2, 2]


def test_incidents_through_the_api_and_the_cli(demo, writer: Client):
    with clock.frozen(T0):
        made = writer.post(
            "/api/v1/incidents",
            {
                "title": "Checkout 500s",
                "severity": "SEV2",
                "component": "checkout-api",
                "actor": "bruno",
            },
            content_type="application/json",
        )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert made.json()["roles"]["commander"] == "bruno" and made.json()["team"] == "payments"
    wrong = writer.post(
        f"/api/v1/incidents/{pk}/state",
        {"state": "closed", "actor": "bruno"},
        content_type="application/json",
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "state_not_allowed"
    update = ["incident", "update", str(pk), "Rolled back", "--as", "bruno", "--state", "mitigated"]
    with clock.frozen(T0 + timedelta(minutes=20)):
        result = runner.invoke(app, update)
    assert result.exit_code == 0, result.output
    with clock.frozen(T0 + timedelta(minutes=40)):
        result = runner.invoke(app, ["incident", "resolve", str(pk), "--as", "bruno", "--json"])
    data = json.loads(result.stdout)
    assert data["state"] == "resolved" and data["postmortem"]["state"] == "draft"
    # ``update --state`` moves first, then posts the update that explains it, in one write
    assert [e["kind"] for e in data["timeline"]][-3:] == ["state", "update", "state"], data[
        "timeline"
    ]
    listed = runner.invoke(app, ["incident", "list", "--json"])
    assert [i["id"] for i in json.loads(listed.stdout)] == [pk]
    declared = runner.invoke(
        app,
        [
            "incident",
            "declare",
            "Drill",
            "-s",
            "SEV3",
            "--as",
            "ana",
            "--team",
            "payments",
            "--drill",
            "--json",
        ],
    )
    assert json.loads(declared.stdout)["drill"] is True
    with clock.frozen(T0 + timedelta(hours=1)):
        report = writer.get("/api/v1/incidents/report").json()
    assert [r["incidents"] for r in report["by_severity_and_team"]] == [1, 1]


def test_shifts_appear_in_each_persons_calendar_feed(demo):
    with clock.frozen(T0):
        feed = feeds.feed_for(Person.objects.get(slug="chloe"))
        text = feeds.calendar(feed.token).decode()
    cal = vobject.readOne(text)
    shifts = [e for e in cal.vevent_list if e.summary.value == "On call: Payments primary"]
    starts = sorted(e.dtstart.value.astimezone(UTC) for e in shifts)
    assert datetime(2026, 11, 23, 10, 0, tzinfo=UTC) in starts
    assert all(e.dtstart.value.tzinfo is not None for e in shifts)
    # a day later the feed starts a day later: Bruno's shift cut by its start (19-26 October)
    # keeps its UID, like every other shift in both (calendars would otherwise show it twice)
    bruno = Person.objects.get(slug="bruno")
    ends = []
    for day in (0, 1):
        with clock.frozen(T0 + timedelta(days=day)):
            found = vobject.readOne(feeds.calendar(feeds.feed_for(bruno).token).decode())
        ends.append(
            {
                e.dtend.value.astimezone(UTC): e.uid.value
                for e in found.vevent_list
                if e.summary.value == "On call: Payments primary"
            }
        )
    assert datetime(2026, 10, 26, 10, 0, tzinfo=UTC) in ends[0].keys() & ends[1].keys()
    assert all(ends[0][end] == ends[1][end] for end in ends[0].keys() & ends[1].keys())


def test_the_pages_render_for_a_signed_in_person(demo):
    client = sign_in("chloe")
    now = client.get("/oncall/")
    assert now.status_code == 200 and "Payments primary" in now.content.decode()
    page = client.get("/oncall/schedules/platform-sun/?days=7").content.decode()
    assert 'data-testid="schedule-chart"' in page and "follow-the-sun" in page
    assert client.get("/incidents/").status_code == 200
    made = client.post(
        "/incidents/", {"title": "Gateway 502s", "severity": "SEV3", "team": "platform"}
    )
    assert made.status_code == 302
    room = client.get(made["Location"]).content.decode()
    assert "Gateway 502s" in room and "Chloé Martin is the incident commander" in room
    sev1 = client.post(
        "/incidents/", {"title": "Ledger down", "severity": "SEV1", "component": "ledger"}
    )
    room = client.get(sev1["Location"]).content.decode()
    assert "[SEV1] Ledger down" in room
    alert = client.get(f"/oncall/alerts/{AlertGroup.objects.get().pk}/").content.decode()
    assert "Acknowledge" in alert and "opened in the hub for team Payments" in alert
    for path in ("/oncall/alerts/", "/incidents/action-items/", "/incidents/postmortems/"):
        assert client.get(path).status_code == 200


def test_the_schedule_page_and_shifts_show_who_is_away_and_who_covers(demo):
    from sunrelay.people import service as people

    people.add_absence("chloe", T0.date(), T0.date() + timedelta(days=2), "sick")
    with clock.frozen(T0):
        page = sign_in("ana").get("/oncall/schedules/payments-primary/?days=7").content.decode()
        shifts = CliRunner().invoke(
            app,
            ["oncall", "shifts", "payments-primary", "--from", "2026-11-23T12:00Z",
             "--to", "2026-11-30T12:00Z", "--json"],
        )  # fmt: skip
    assert 'data-testid="away"' in page and "chloe is away" in page
    assert "nobody covers" in page
    assert json.loads(shifts.stdout)["away"] == [
        {"person": "chloe", "start": "2026-11-23T12:00:00Z", "end": "2026-11-26T00:00:00Z",
         "layer": "weekly", "covered_by": []}
    ]  # fmt: skip


def test_a_follow_the_sun_layer_whose_team_was_removed_is_a_gap_not_an_error(demo):
    """Removing a team (an org import that no longer lists it) made every on-call page, and
    My day, answer 404 for the schedules that followed the sun over it."""
    from sunrelay.people import service as people

    people.delete_team("platform")
    client = sign_in("ana")
    with clock.frozen(T0):
        assert client.get("/oncall/").status_code == 200
        assert client.get("/oncall/schedules/platform-sun/?days=7").status_code == 200
        assert client.get("/").status_code == 200
