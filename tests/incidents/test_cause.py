"""Naming what caused an incident: a commit or a deployment, on every surface, by those who
run it; delivery metrics then count the deployment as failed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.incidents import service
from sunrelay.incidents.models import Incident
from sunrelay.people.models import Person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
T = datetime(2026, 3, 10, 10, tzinfo=UTC)


def declared() -> Incident:
    with clock.frozen(T):
        return service.declare("Ledger errors", "SEV3", Person.objects.get(slug="ana"),
                               component="ledger")  # fmt: skip


def test_the_commander_names_a_commit_and_a_deployment(demo):
    incident = declared()
    ana = Person.objects.get(slug="ana")
    with clock.frozen(T):
        service.name_cause(incident.pk, ana, sha="ACAC0123", deployment=23)
    found = Incident.objects.get(pk=incident.pk)
    assert (found.cause_sha, found.cause_deployment) == ("acac0123", 23)
    assert found.entries.filter(text="caused by commit acac0123 and deployment 23").exists()
    with pytest.raises(ValidationFailed) as caught:
        service.name_cause(incident.pk, ana, sha="not-a-sha")
    assert caught.value.field == "sha"
    with pytest.raises(ValidationFailed) as caught:
        service.name_cause(incident.pk, ana, deployment=0)
    assert caught.value.field == "deployment"
    with pytest.raises(PermissionDenied):  # not on the owning team, not a responder
        service.name_cause(incident.pk, Person.objects.get(slug="yuki"), sha="abcdef0")
    assert Incident.objects.get(pk=incident.pk).cause_sha == "acac0123"


def test_the_cli_the_api_and_the_hub(demo, writer):
    incident = declared()
    done = CliRunner().invoke(
        app, ["incident", "cause", str(incident.pk), "--sha", "abcdef0", "--as", "ana", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["cause"] == {"sha": "abcdef0", "deployment": None}
    answer = writer.post(
        f"/api/v1/incidents/{incident.pk}/cause",
        {"deployment": 42, "actor": "ana"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["cause"]["deployment"] == 42
    bad = writer.post(
        f"/api/v1/incidents/{incident.pk}/cause",
        {"sha": "zz", "actor": "ana"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "sha"
    hub = sign_in("ana")
    hub.post(f"/incidents/{incident.pk}/", {"action": "cause", "sha": "", "deployment": "77"})
    assert Incident.objects.get(pk=incident.pk).cause_deployment == 77
    page = hub.post(
        f"/incidents/{incident.pk}/", {"action": "cause", "deployment": "x"}, follow=True
    )
    assert "deployment" in page.content.decode()
    assert Incident.objects.get(pk=incident.pk).cause_deployment == 77
