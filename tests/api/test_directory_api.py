"""/api/v1/ contract: auth, scopes, CRUD, pagination and the error shape."""

import json

import pytest

from sunrelay.people.models import Absence, Person

pytestmark = pytest.mark.django_db


def post(client, path, body, method="post"):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def test_anonymous_requests_get_401(client):
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthorized",
        "message": "a valid bearer token is required",
        "field": None,
    }


def test_unknown_expired_or_revoked_tokens_get_401(db, client):
    from datetime import timedelta

    from sunrelay.core import clock
    from sunrelay.core.tokens import create_token, revoke_token

    issued = create_token("t", days=1)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/people", **headers).status_code == 200
    with clock.frozen(clock.now() + timedelta(days=2)):
        assert client.get("/api/v1/people", **headers).status_code == 401
    revoke_token(issued.secret[:10])
    assert client.get("/api/v1/people", **headers).status_code == 401
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION="Bearer sr_nope").status_code == 401


def test_a_read_token_writing_gets_403(reader):
    response = post(reader, "/api/v1/people", {"id": "x", "name": "X", "timezone": "UTC"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Person.objects.exists()


def test_people_crud(writer):
    created = post(
        writer,
        "/api/v1/people",
        {
            "id": "zoe",
            "name": "Zoe",
            "timezone": "Asia/Tokyo",
            "working_hours": {"mon": "09:00-17:00"},
        },
    )
    assert created.status_code == 201
    assert created.json()["workdays"] == ["mon"]
    assert writer.get("/api/v1/people/zoe").json()["timezone"] == "Asia/Tokyo"
    patched = post(writer, "/api/v1/people/zoe", {"holidays": "JP"}, method="patch")
    assert patched.status_code == 200 and patched.json()["holidays"] == "JP"
    assert (
        post(writer, "/api/v1/people", {"id": "zoe", "name": "Z", "timezone": "UTC"}).json()["code"]
        == "already_exists"
    )
    assert writer.delete("/api/v1/people/zoe").status_code == 204
    missing = writer.get("/api/v1/people/zoe")
    assert missing.status_code == 404 and missing.json()["code"] == "person_not_found"


def test_bad_input_names_the_field_and_writes_nothing(writer):
    bad = post(writer, "/api/v1/people", {"id": "b", "name": "B", "timezone": "Mars/Base"})
    assert bad.status_code == 422
    assert bad.json() == {
        "code": "invalid",
        "message": "'Mars/Base' is not an IANA time zone",
        "field": "timezone",
    }
    missing = post(writer, "/api/v1/people", {"id": "b", "name": "B"})
    assert missing.status_code == 422 and missing.json()["field"] == "timezone"
    assert not Person.objects.exists()


def test_list_is_paginated_and_searchable(demo, reader):
    page = reader.get("/api/v1/people?limit=5&offset=5").json()
    assert page["count"] == 15 and len(page["items"]) == 5
    assert [p["id"] for p in reader.get("/api/v1/people?q=Tokyo").json()["items"]] == ["yuki"]


def test_teams_and_components(demo, writer):
    apac = writer.get("/api/v1/teams/platform-apac").json()
    assert apac == {
        "id": "platform-apac",
        "name": "Platform APAC",
        "lead": "yuki",
        "members": ["liam", "noah", "sagar", "yuki"],
        "wip_limit": 3,
        "successor": "platform-emea",
        "parent": "platform",
        "description": "",
        "charter": "",
    }
    assert writer.get("/api/v1/teams").json()["count"] == 6
    bad = post(writer, "/api/v1/teams", {"id": "x", "name": "X", "lead": "ghost"})
    assert bad.status_code == 422 and bad.json()["field"] == "lead"
    created = post(
        writer,
        "/api/v1/components",
        {
            "id": "web",
            "name": "Web",
            "owner": "mobile",
            "links": [{"url": "https://web.acme.test"}],
        },
    )
    assert created.status_code == 201 and created.json()["owner"] == "mobile"
    patched = post(writer, "/api/v1/components/web", {"criticality": "high"}, method="patch")
    assert patched.json()["criticality"] == "high"
    wrong = post(writer, "/api/v1/components/web", {"criticality": "extreme"}, method="patch")
    assert wrong.status_code == 422 and wrong.json()["field"] == "criticality"


def test_absences(demo, writer):
    created = post(
        writer,
        "/api/v1/absences",
        {"person": "bruno", "from": "2027-01-04", "to": "2027-01-08", "reason": "trip"},
    )
    assert created.status_code == 201
    assert created.json() | {"id": 0} == {
        "id": 0,
        "person": "bruno",
        "from": "2027-01-04",
        "to": "2027-01-08",
        "reason": "trip",
        "source": "api",
    }
    listed = writer.get("/api/v1/absences?person=bruno").json()
    assert listed["count"] == 1 and listed["items"][0]["from"] == "2027-01-04"
    backwards = post(
        writer, "/api/v1/absences", {"person": "bruno", "from": "2027-01-08", "to": "2027-01-04"}
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "to"
    assert writer.delete(f"/api/v1/absences/{created.json()['id']}").status_code == 204
    assert not Absence.objects.filter(person__slug="bruno").exists()


def test_ics_upload(demo, writer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import FIXTURES

    upload = SimpleUploadedFile(
        "ooo.ics", (FIXTURES / "out-of-office.ics").read_bytes(), content_type="text/calendar"
    )
    response = writer.post("/api/v1/people/ana/absences/ics", {"file": upload})
    assert response.status_code == 200 and len(response.json()["created"]) == 3


def test_openapi_document_is_published(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/v1/people",
        "/api/v1/teams/{tid}",
        "/api/v1/components",
        "/api/v1/absences",
        "/api/v1/time/business-hours",
        "/api/v1/time/overlap",
        "/api/v1/time/slots",
        "/api/v1/time/chain",
        "/api/v1/time/online",
    ):
        assert path in paths


def test_the_interactive_docs_use_no_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "https://" not in page.split("<body", 1)[0]
