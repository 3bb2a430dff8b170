"""Access grants from request to revocation, on a frozen clock: approval (never one's own),
a reminder before expiry, the signed revoke webhook failing twice then succeeding through
the outbox, leaving a team or the organisation, rotations, and the audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from sunrelay.access import service
from sunrelay.access.models import Grant, System
from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.core.errors import Conflict, PermissionDenied, ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.integrations.webhook import signed as webhook
from sunrelay.notify import outbox
from sunrelay.notify.models import Notification
from sunrelay.people.models import Person, Team
from tests.conftest import sign_in
from tests.receivers import http_receiver

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SECRET = "revoke-secret-for-tests"


def _granted(days: int = 3, team: str | None = "payments") -> Grant:
    with clock.frozen(NOW):
        asked = service.request_grant(
            "prod-db", "read-replica", "mia", "debug the ledger lag", days, team=team,
            by=Actor("mia"),
        )  # fmt: skip
        return service.approve(asked.pk, Actor("ana"))


def test_a_request_is_checked_and_nobody_approves_their_own(demo) -> None:
    with clock.frozen(NOW):
        with pytest.raises(ValidationFailed) as role:
            service.request_grant("prod-db", "root", "mia", "x", 1, by=Actor("mia"))
        assert role.value.field == "role" and "read-replica, break-glass" in role.value.message
        with pytest.raises(ValidationFailed) as days:
            service.request_grant("prod-db", "break-glass", "mia", "x", 2, by=Actor("mia"))
        assert days.value.message == "break-glass on prod-db is granted for 1 to 1 days, not 2"
        with pytest.raises(ValidationFailed) as reason:
            service.request_grant("prod-db", "break-glass", "mia", " ", 1, by=Actor("mia"))
        assert reason.value.field == "reason"
        with pytest.raises(PermissionDenied):  # for someone else, not their lead
            service.request_grant("prod-db", "break-glass", "mia", "x", 1, by=Actor("olivia"))
        with pytest.raises(ValidationFailed) as team:
            service.request_grant(
                "grafana", "editor", "mia", "x", 1, team="mobile", by=Actor("mia")
            )
        assert team.value.message == "mia is not in mobile"
        own = service.request_grant("prod-db", "break-glass", "ana", "SEV1", 1, by=Actor("ana"))
        with pytest.raises(PermissionDenied) as self_approval:
            service.approve(own.pk, Actor("ana"))
        assert "never the grantee" in self_approval.value.message
        with pytest.raises(Conflict):
            service.request_grant("prod-db", "break-glass", "ana", "again", 1, by=Actor("ana"))
        denied = service.deny(own.pk, "use read-replica", Actor("chloe", staff=True))
    assert denied.state == "denied"
    assert [e.kind for e in denied.events.all()] == ["requested", "denied"]


def test_a_grant_is_reminded_then_expires_and_its_hook_fails_twice_then_revokes(
    demo, monkeypatch
) -> None:
    monkeypatch.setenv("SUNRELAY_DEMO_REVOKE_SECRET", SECRET)
    grant = _granted(days=3)
    assert (grant.state, grant.expires_at) == ("active", NOW + timedelta(days=3))
    assert grant.approver.slug == "ana"
    with clock.frozen(NOW + timedelta(hours=23)):  # more than two days before it expires
        assert service.remind_expiring() == 0
        assert service.expire_due() == 0
    with clock.frozen(NOW + timedelta(days=1, hours=1)):
        assert service.remind_expiring() == 2  # Mia, and Ana who approved it
        assert service.remind_expiring() == 2  # queued once: the same keys
    reminders = Notification.objects.filter(kind="access.expiring")
    assert sorted(n.recipient.slug for n in reminders) == ["ana", "mia"]
    with http_receiver(failures=2) as receiver:
        System.objects.filter(slug="prod-db").update(revoke_hook=receiver.url)
        at = NOW + timedelta(days=3)
        with clock.frozen(at):
            assert service.expire_due() == 1
            assert Grant.objects.get(pk=grant.pk).state == "revoking"
            outbox.dispatch_due()
        failed = Grant.objects.get(pk=grant.pk)
        assert (
            failed.state == "revoke-failed" and failed.revoke_error == "the receiver answered 503"
        )
        for minutes in (1, 3):  # after the outbox's backoff: 30 s, then 1 min
            with clock.frozen(at + timedelta(minutes=minutes)):
                outbox.dispatch_due()
    done = Grant.objects.get(pk=grant.pk)
    assert (done.state, done.revoke_attempts, done.revoke_error) == ("revoked", 3, "")
    assert done.closed_at == at + timedelta(minutes=3)
    assert len(receiver.requests) == 3 and len(receiver.accepted) == 1
    headers, body = receiver.requests[-1]
    assert webhook.verify(SECRET, body, headers["X-Sunrelay-Signature-256"])
    sent = json.loads(body)
    assert {k: sent[k] for k in ("action", "grant", "system", "role", "person", "why")} == {
        "action": "revoke", "grant": grant.pk, "system": "prod-db", "role": "read-replica",
        "person": {"id": "mia", "name": "Mia Roberts", "email": "mia@acme.test"},
        "why": "expired",
    }  # fmt: skip
    assert sent["id"] == headers["X-Sunrelay-Delivery"]
    assert [(e.kind, e.actor) for e in done.events.all()] == [
        ("requested", "Mia Roberts"), ("approved", "Ana Lima"), ("revoking", "Sunrelay"),
        ("revoke-failed", "Production database"), ("revoke-failed", "Production database"),
        ("revoked", "Production database"),
    ]  # fmt: skip
    assert SECRET not in " ".join(e.text for e in done.events.all())


def test_a_missing_secret_is_a_failed_revoke_that_names_the_variable(demo, monkeypatch) -> None:
    monkeypatch.delenv("SUNRELAY_DEMO_REVOKE_SECRET", raising=False)
    grant = _granted()
    with clock.frozen(NOW + timedelta(hours=1)):
        service.revoke(grant.pk, "done early", Actor("mia"))
        outbox.dispatch_due()
    found = Grant.objects.get(pk=grant.pk)
    assert found.state == "revoke-failed"
    assert found.revoke_error == "the signing secret (SUNRELAY_DEMO_REVOKE_SECRET) is not set"


def test_a_system_without_a_hook_is_revoked_by_hand(demo) -> None:
    with clock.frozen(NOW):
        grant = service.request_grant("grafana", "editor", "mia", "dashboards", 5, by=Actor("mia"))
        service.approve(grant.pk, Actor("ana"))
        revoked = service.revoke(grant.pk, "", Actor("ana"))
    assert revoked.state == "revoked"
    told = Notification.objects.get(kind="access.remove_by_hand")
    assert told.recipient.slug == "ana" and "Grafana" in told.subject


def test_leaving_the_team_or_the_organisation_revokes_what_was_granted_for_it(demo) -> None:
    for_team = _granted(team="payments")
    with clock.frozen(NOW):
        other = service.request_grant("grafana", "editor", "mia", "dashboards", 5, by=Actor("mia"))
        Team.objects.get(slug="payments").members.remove(Person.objects.get(slug="mia"))
    assert Grant.objects.get(pk=for_team.pk).state == "revoking"
    assert Grant.objects.get(pk=other.pk).state == "requested"  # not granted for the team
    with clock.frozen(NOW):
        Person.objects.get(slug="mia").delete()
    gone = Grant.objects.get(pk=other.pk)
    assert (gone.state, gone.person, gone.person_name) == ("denied", None, "Mia Roberts")
    assert gone.events.last().text == "left the organisation"


def test_rotations_are_reminded_to_their_owner_and_recorded_by_them(demo) -> None:
    with clock.frozen(NOW):  # rotated now: due in 90 days
        service.record_rotation("prod-db", "migration-user", Actor("priya"))
    with clock.frozen(NOW + timedelta(days=80)):
        assert service.remind_rotations() == 0
    with clock.frozen(NOW + timedelta(days=84)):
        assert service.remind_rotations() == 1
    told = Notification.objects.get(kind="access.rotation")
    assert told.recipient.slug == "priya" and "migration-user" in told.subject
    with pytest.raises(PermissionDenied):
        service.record_rotation("prod-db", "migration-user", Actor("mia"))
    with clock.frozen(NOW + timedelta(days=85)):
        found = service.record_rotation("prod-db", "migration-user", Actor("priya"))
    assert service.due_rotation(found) == NOW + timedelta(days=85 + 90)


def test_every_surface_requests_decides_and_shows_the_register(demo) -> None:
    mia, ana, olivia = sign_in("mia"), sign_in("ana"), sign_in("olivia")
    with clock.frozen(NOW):
        made = mia.post(
            "/api/v1/access/grants",
            {"system": "prod-db", "role": "read-replica", "person": "mia", "reason": "lag",
             "days": 7},
            content_type="application/json",
        )  # fmt: skip
        pk = made.json()["id"]
        refused = mia.post(f"/api/v1/access/grants/{pk}/approve", {}, "application/json")
        outsider = olivia.post(f"/access/grants/{pk}/approve/")
        approved = ana.post(f"/access/grants/{pk}/approve/")
        listed = CliRunner().invoke(app, ["access", "list", "--person", "mia", "--json"])
        page = ana.get("/access/")
        detail = ana.get(f"/access/grants/{pk}/")
        api = ana.get("/api/v1/access/grants?state=active").json()
        bad = ana.get("/api/v1/access/grants?state=nope")
    assert made.status_code == 201 and refused.status_code == 403
    assert outsider.status_code == 302 and approved.status_code == 302
    assert Grant.objects.get(pk=pk).state == "active"
    assert json.loads(listed.stdout)[0]["approver"] == "ana"
    assert page.status_code == 200 and b"Mia Roberts" in page.content
    assert b"approved" in detail.content and b"Ana Lima" in detail.content
    assert [g["id"] for g in api["items"]] == [pk]
    assert bad.status_code == 422 and bad.json()["field"] == "state"
    with clock.frozen(NOW):
        cli = CliRunner().invoke(
            app, ["access", "request", "grafana", "editor", "--person", "mia", "--reason", "x",
                  "--days", "200", "--as", "mia"],
        )  # fmt: skip
    assert cli.exit_code == 1 and "editor on grafana is granted for 1 to 90 days" in cli.stderr


def test_systems_travel_through_the_org_file_and_are_checked(demo) -> None:
    from sunrelay.people import orgfile
    from sunrelay.people import service as people

    dumped = orgfile.dump(people.export_org())
    assert "revoke_hook: https://hooks.acme.test/access/revoke" in dumped
    assert people.import_org(orgfile.parse(dumped, "org.yaml"), dry_run=True).lines() == []
    broken = dumped.replace("max_days: 30", "max_days: 400").replace("owner: priya", "owner: zed")
    with pytest.raises(orgfile.OrgFileInvalid) as refused:
        orgfile.parse(broken, "org.yaml")
    messages = [p.message for p in refused.value.problems]
    assert "must be a whole number of days, 1 to 366" in messages
    assert "no person 'zed'" in messages
