"""Incidents are open to join, and run by their commander, the owning team and staff."""

from __future__ import annotations

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied
from sunrelay.incidents import service
from sunrelay.incidents.models import Incident
from tests.cadence.helpers import person, utc
from tests.conftest import sign_in


@pytest.fixture
def ledger(demo) -> Incident:
    with clock.frozen(utc(2026, 11, 23, 14)):
        return service.declare("Ledger down", "SEV2", person("ana"), component="ledger")


def test_another_teams_member_cannot_take_command_or_resolve(ledger):
    yuki = sign_in("yuki")  # Platform APAC: not Payments, not commander
    with clock.frozen(utc(2026, 11, 23, 15)):
        page = yuki.post(
            f"/incidents/{ledger.pk}/",
            {"action": "role", "role": "commander", "person": "yuki", "note": "mine"},
            follow=True,
        )
        assert "only the commander, payments&#x27;s members and lead or staff" in (
            page.content.decode()
        )
        api = yuki.post(
            f"/api/v1/incidents/{ledger.pk}/state",
            {"state": "resolved"},
            content_type="application/json",
        )
        assert api.status_code == 403
        ledger.refresh_from_db()
        assert ledger.commander.slug == "ana" and ledger.state == "declared"

        # open to all: joining as a responder and writing on the timeline
        service.assign_role(ledger.pk, "responder", "yuki", person("yuki"))
        service.add_entry(ledger.pk, "note", "Replica lag is 40 s", person("yuki"))
        with pytest.raises(PermissionDenied):
            service.assign_role(ledger.pk, "responder", "liam", person("yuki"))
        with pytest.raises(PermissionDenied):
            service.post_update(ledger.pk, "All good", person("yuki"), state="resolved")
        ledger.refresh_from_db()
        assert ledger.state == "declared" and not ledger.entries.filter(kind="update").exists()

        # a member of the owning team runs it
        service.assign_role(ledger.pk, "commander", "bruno", person("mia"), note="night shift")
        service.move(ledger.pk, "resolved", person("bruno"))
    ledger.refresh_from_db()
    assert ledger.commander.slug == "bruno" and ledger.state == "resolved"
