"""/api/v1/time/…: the same answers the CLI gives."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_business_hours(demo, reader):
    got = reader.get(
        "/api/v1/time/business-hours?person=ana&from=2026-12-14T00:00Z&to=2026-12-28T00:00Z"
    ).json()
    # 14-18 Dec worked (5 x 9 h); from the 21st Ana is on vacation.
    assert got == {
        "person": "ana",
        "from": "2026-12-14T00:00:00Z",
        "to": "2026-12-28T00:00:00Z",
        "seconds": 45 * 3600,
    }


def test_business_hours_errors(demo, reader):
    bad = reader.get("/api/v1/time/business-hours?person=ana&from=yesterday&to=2026-12-28T00:00Z")
    assert bad.status_code == 422 and bad.json()["field"] == "from"
    naive = reader.get(
        "/api/v1/time/business-hours?person=ana&from=2026-12-14T00:00&to=2026-12-28T00:00Z"
    )
    assert naive.status_code == 422 and "offset" in naive.json()["message"]
    unknown = reader.get(
        "/api/v1/time/business-hours?person=zed&from=2026-12-14T00:00Z&to=2026-12-28T00:00Z"
    )
    assert unknown.status_code == 404


def test_batch(demo, reader):
    rows = [
        {"person": "ana", "from": "2026-11-23T00:00Z", "to": "2026-11-24T00:00Z"},
        {"person": "sagar", "from": "2026-11-22T00:00Z", "to": "2026-11-23T00:00Z"},
    ]
    got = reader.post(
        "/api/v1/time/business-hours/batch",
        data=json.dumps({"rows": rows}),
        content_type="application/json",
    ).json()
    assert [r["seconds"] for r in got["rows"]] == [9 * 3600, 8 * 3600]  # Sagar works Sundays


def test_online_overlap_slots_chain(demo, reader):
    online = reader.get("/api/v1/time/online?at=2026-11-23T10:00Z&team=platform").json()
    assert online == {
        "at": "2026-11-23T10:00:00Z",
        "online": ["chloe", "dieter", "emeka", "priya", "sagar"],
    }
    overlap = reader.get(
        "/api/v1/time/overlap?people=ana&people=chloe&from=2026-11-23T00:00Z&to=2026-11-24T00:00Z"
    ).json()
    # Ana 12:00-21:00Z, Chloé 09:00-17:30Z (Lisbon in winter is UTC).
    assert overlap["windows"] == [["2026-11-23T12:00:00Z", "2026-11-23T17:30:00Z"]]
    assert overlap["total_seconds"] == 5.5 * 3600
    slots = reader.get(
        "/api/v1/time/slots?team=payments&duration=30m&from=2026-11-23T00:00Z"
        "&to=2026-11-24T00:00Z&limit=2"
    ).json()
    assert slots["slots"][0]["outside"] == [{"person": "mia", "minutes": 30}]
    chain = reader.get("/api/v1/time/chain?team=platform&date=2026-11-25").json()
    assert [(h["from"], h["to"]) for h in chain["handoffs"]] == [
        ("platform-apac", "platform-emea"),
        ("platform-emea", "platform-amer"),
        ("platform-amer", "platform-apac"),
    ]
    assert (
        reader.get("/api/v1/time/overlap?from=2026-11-23T00:00Z&to=2026-11-24T00:00Z").json()[
            "field"
        ]
        == "people"
    )
