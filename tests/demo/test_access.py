"""The demo's access register holds one of each kind of grant."""

from __future__ import annotations

from datetime import UTC, datetime

from sunrelay.access.models import Grant
from sunrelay.demo import access
from sunrelay.notify.models import Notification

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_the_demo_register_has_an_expired_an_expiring_a_long_and_a_waiting_grant(demo) -> None:
    assert access.build(NOW) == 4
    found = {(g.person.slug, g.system.slug): g for g in Grant.objects.all()}
    assert {k: g.state for k, g in found.items()} == {
        ("bruno", "grafana"): "revoked", ("mia", "prod-db"): "active",
        ("priya", "grafana"): "active", ("tomas", "prod-db"): "requested",
    }  # fmt: skip
    assert [e.kind for e in found[("bruno", "grafana")].events.all()] == [
        "requested", "approved", "revoking", "revoked",
    ]  # fmt: skip
    expiring = Notification.objects.filter(kind="access.expiring")
    assert sorted(n.recipient.slug for n in expiring) == ["ana", "mia"]
