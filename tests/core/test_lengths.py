"""One length rule for every surface: too long is refused naming the field, never cut or 500."""

from __future__ import annotations

from datetime import date

import pytest

from sunrelay.core.errors import ValidationFailed
from sunrelay.incidents import service as incidents
from sunrelay.incidents.models import Incident
from sunrelay.people import service as people
from sunrelay.people.models import Person
from tests.conftest import sign_in


def test_too_long_is_refused_the_same_way_everywhere(demo, writer):
    long = "x" * 10_000
    with pytest.raises(ValidationFailed) as person:
        people.create_person({"id": "nn", "name": long, "timezone": "UTC"})
    assert person.value.field == "name" and "at most 200" in person.value.message
    api = writer.post(
        "/api/v1/people", {"id": "nn", "name": long, "timezone": "UTC"}, "application/json"
    )
    assert api.status_code == 422 and api.json()["field"] == "name"
    with pytest.raises(ValidationFailed) as title:  # was cut to 300 without a word
        incidents.declare(long, "SEV2", Person.objects.get(slug="ana"), component="ledger")
    assert title.value.field == "title"
    page = sign_in("ana").post("/incidents/", {"title": long, "severity": "SEV2"})
    assert "at most 300" in page.content.decode()
    with pytest.raises(ValidationFailed):
        people.add_absence("ana", date(2027, 1, 4), date(2027, 1, 5), reason=long)
    assert not Incident.objects.exists() and not Person.objects.filter(slug="nn").exists()


def test_an_empty_name_is_refused(demo, writer):
    api = writer.post(
        "/api/v1/people", {"id": "nn", "name": "  ", "timezone": "UTC"}, "application/json"
    )
    assert api.status_code == 422 and api.json()["field"] == "name"
    assert "cannot be empty" in api.json()["message"]
