"""The cadence and notification APIs: contract, permissions, errors."""

from __future__ import annotations

import json

from django.test import Client

from sunrelay.core import clock
from sunrelay.notify import outbox
from tests.cadence.helpers import DEMO_HOUR, utc


def call(client: Client, method: str, url: str, body: dict | None = None) -> tuple[int, object]:
    if method == "get":
        response = client.get(url)
    else:
        payload = json.dumps(body or {})
        response = getattr(client, method)(url, payload, content_type="application/json")
    return response.status_code, (response.json() if response.content else None)


def test_post_an_update_see_it_due_and_in_the_register(demo, writer, reader):
    with clock.frozen(utc(2026, 11, 23, 10)):
        status, body = call(
            writer,
            "post",
            "/api/v1/cadence/status/updates",
            {"actor": "mia", "done": "Checkout retries", "risks": "- PSP outage risk @bruno"},
        )
        assert status == 201, body
        assert body["week"] == "2026-W48" and body["items"][0]["owner"] == "bruno"
        status, due = call(reader, "get", "/api/v1/cadence/status/due?team=payments")
    assert status == 200
    mia = next(r for r in due if r["person"] == "mia")
    assert mia == {
        "person": "mia",
        "name": "Mia Roberts",
        "timezone": "Australia/Sydney",
        "week": "2026-W48",
        "due_utc": "2026-11-27T01:00:00Z",
        "due_local": "2026-11-27T12:00:00+11:00",
        "reminder_utc": "2026-11-26T22:00:00Z",
        "state": "on-time",
        "posted_at": "2026-11-23T10:00:00Z",
    }
    status, risks = call(reader, "get", "/api/v1/cadence/teams/payments/risks")
    assert [r["text"] for r in risks] == ["PSP outage risk @bruno"]
    item = risks[0]["id"]
    status, _ = call(writer, "patch", f"/api/v1/cadence/items/{item}", {"actor": "olivia"})
    assert status == 403
    status, settled = call(writer, "patch", f"/api/v1/cadence/items/{item}", {"actor": "bruno"})
    assert status == 200 and settled["state"] == "resolved"


def test_errors_name_the_field_and_read_tokens_cannot_act(demo, writer, reader):
    status, body = call(writer, "post", "/api/v1/cadence/status/updates", {"actor": "mia"})
    assert status == 422 and body["field"] == "done"
    status, body = call(
        reader, "post", "/api/v1/cadence/status/updates", {"actor": "mia", "done": "x"}
    )
    assert status == 403
    status, body = call(reader, "get", "/api/v1/cadence/status/due?week=2026-48")
    assert status == 422 and body["field"] == "week"
    status, body = call(
        writer,
        "post",
        "/api/v1/cadence/rituals",
        {
            "title": "Demo",
            "rrule": "nope",
            "start": "2026-12-03T10:00",
            "owners": ["ana"],
            "team": "payments",
        },
    )
    assert status == 422 and body["field"] == "rrule"


def test_digest_preview_participation_and_following(demo, writer, reader):
    with clock.frozen(utc(2026, 11, 23, 10)):
        call(writer, "post", "/api/v1/cadence/status/updates", {"actor": "ana", "done": "Plan Q1"})
        status, digest = call(reader, "get", "/api/v1/cadence/status/digest?team=payments")
        assert status == 200 and not digest["compiled"] and "## Ana Lima" in digest["body"]
        status, report = call(reader, "get", "/api/v1/cadence/teams/payments/participation?weeks=2")
        assert report["weeks"] == ["2026-W47", "2026-W48"]
        status, _ = call(
            writer, "post", "/api/v1/cadence/teams/payments/followers", {"actor": "olivia"}
        )
        assert status == 204


def test_handoffs_and_rituals_through_the_api(demo, writer, reader):
    with clock.frozen(utc(2026, 11, 24, 1)):
        status, h = call(
            writer,
            "post",
            "/api/v1/cadence/handoffs",
            {"actor": "olivia", "team": "mobile", "next_action": "Resubmit build 812"},
        )
        assert status == 201 and h["to"] == "sofia" and h["deliver_at"] == "2026-11-24T08:00:00Z"
        status, chain = call(reader, "get", "/api/v1/cadence/teams/mobile/chain?day=2026-11-23")
        assert [(x["from"], x["to"]) for x in chain["handoffs"]] == [
            ("sofia", "bruno"),
            ("bruno", "olivia"),
            ("olivia", "sofia"),
        ]
    with clock.frozen(utc(2026, 11, 24, 9)):
        status, waiting = call(reader, "get", "/api/v1/cadence/handoffs")
        assert waiting[0]["waiting_working_seconds"] == 3600
        status, done = call(
            writer, "post", f"/api/v1/cadence/handoffs/{h['id']}/ack", {"actor": "sofia"}
        )
        assert status == 200 and done["acknowledged_by"] == "sofia"
        status, again = call(
            writer, "post", f"/api/v1/cadence/handoffs/{h['id']}/ack", {"actor": "sofia"}
        )
        assert status == 409 and again["code"] == "already_acknowledged"
    with clock.frozen(utc(2026, 10, 1)):
        status, ritual = call(
            writer,
            "post",
            "/api/v1/cadence/rituals",
            DEMO_HOUR,
        )
        assert status == 201, ritual
        url = f"/api/v1/cadence/rituals/{ritual['id']}"
        status, occ = call(
            writer,
            "put",
            f"{url}/occurrences/2026-10-29T10:00:00Z",
            {"notes": "Shipped", "state": "held"},
        )
        assert status == 200 and occ["end"] == "2026-10-29T11:00:00Z" and occ["notes"] == "Shipped"
        status, listed = call(
            reader, "get", f"{url}/occurrences?start=2026-10-20T00:00:00Z&end=2026-11-01T00:00:00Z"
        )
        assert [o["start"] for o in listed] == ["2026-10-22T09:00:00Z", "2026-10-29T10:00:00Z"]
        assert listed[1]["state"] == "held"


def test_notification_preferences_inbox_and_dead_letters(demo, writer, reader):
    status, pref = call(
        writer,
        "put",
        "/api/v1/notify/preferences",
        {"actor": "ana", "routes": {"status": ["slack"]}},
    )
    assert status == 200 and pref["routes"] == {"status": ["slack"]}
    status, bad = call(
        writer, "put", "/api/v1/notify/preferences", {"actor": "ana", "routes": {"x": []}}
    )
    assert status == 422 and bad["field"] == "routes"
    status, sent = call(
        writer, "post", "/api/v1/notify/send", {"to": "ana", "subject": "Hi", "urgent": True}
    )
    assert status == 201 and sent["channels"] == ["inbox"]

    outbox.dispatch_due()
    status, inbox = call(writer, "get", "/api/v1/notify/inbox?actor=ana")
    assert [n["subject"] for n in inbox] == ["Hi"]
    status, _ = call(reader, "get", "/api/v1/notify/dead-letters")
    assert status == 403
    status, dead = call(writer, "get", "/api/v1/notify/dead-letters")
    assert status == 200 and dead == []
