"""Incident command end to end through the service: declaring pages by severity, the
timeline, command hand-over, status-update reminders, postmortems due in the commander's
working time, action items reminded after closing, drills kept out of the figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.decisions.models import Record
from sunrelay.incidents import followups, logic, reports, service
from sunrelay.incidents.errors import StateNotAllowed
from sunrelay.notify.models import Notification
from sunrelay.oncall import alerts
from sunrelay.people.models import Person

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday; chloe holds payments-primary


def who(slug: str) -> Person:
    return Person.objects.get(slug=slug)


def test_a_sev1_pages_the_team_and_the_acknowledgement_lands_on_the_timeline(demo):
    with clock.frozen(T0):
        incident = service.declare("Ledger down", "SEV1", who("ana"), component="ledger")
    assert incident.team.slug == "payments" and incident.acknowledged_at is None
    group = incident.alert_group
    assert group.policy.slug == "payments" and group.title == "[SEV1] Ledger down"
    assert [p.person.slug for p in group.pages.all()] == ["chloe"]
    assert Notification.objects.get(kind="page.alert").urgent
    with clock.frozen(T0 + timedelta(minutes=4)):
        alerts.acknowledge(group.pk, who("chloe"))
    incident.refresh_from_db()
    assert incident.acknowledged_at == T0 + timedelta(minutes=4)
    kinds = [(e.kind, e.text) for e in incident.entries.all()]
    assert ("page", "Chloé Martin was paged") in kinds
    assert ("ack", "Chloé Martin acknowledged the page") in kinds
    assert incident.update_due_at == T0 + timedelta(minutes=30)


def test_sev2_alerts_the_on_call_and_sev3_files_a_ticket_for_the_lead(demo):
    with clock.frozen(T0):
        two = service.declare("Slow checkout", "sev2", who("bruno"), team="payments")
        three = service.declare("Stale cache", "SEV3", who("bruno"), team="payments")
    assert two.alert_group is None and two.acknowledged_at == T0
    alert = Notification.objects.get(kind="incident.alert")
    assert alert.recipient.slug == "chloe" and alert.urgent
    ticket = Notification.objects.get(kind="incident.ticket")
    assert ticket.recipient.slug == "ana" and not ticket.urgent
    assert three.update_due_at is None
    with pytest.raises(ValidationFailed) as caught:
        service.declare("x", "SEV9", who("bruno"), team="payments")
    assert caught.value.field == "severity"


def test_severities_and_postmortem_period_follow_the_working_agreement(demo):
    from sunrelay.people import service as people

    people.update_team(
        "payments",
        {
            "agreement": {
                "incident": {
                    "postmortem_due": "2d",
                    "severities": {"SEV2": {"update_every": "15m"}},
                }
            }
        },
    )
    with clock.frozen(T0):
        incident = service.declare("Slow checkout", "SEV2", who("bruno"), team="payments")
    assert incident.update_due_at == T0 + timedelta(minutes=15)
    assert logic.postmortem_due(incident.team.agreement) == logic.Period(2, "d")
    with pytest.raises(ValidationFailed) as caught:
        people.update_team(
            "payments", {"agreement": {"incident": {"severities": {"SEV2": {"response": "shout"}}}}}
        )
    assert "shout" in caught.value.message


def test_resolution_creates_a_postmortem_due_in_the_commanders_working_time(demo):
    with clock.frozen(T0):
        incident = service.declare("Ledger down", "SEV1", who("ana"), component="ledger")
        service.add_entry(
            incident.pk, "decision", "Fail over to the replica", who("ana"), "primary disk full"
        )
    with clock.frozen(T0 + timedelta(minutes=20)):
        service.move(incident.pk, "mitigated", who("ana"), "replica serving")
    # Friday 17:00 in São Paulo; Ana works 09:00-18:00: 1 h that Friday, 45 h the next week,
    # and the last 2 h on Monday 7 December, until 11:00 in São Paulo
    friday = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    with clock.frozen(friday):
        service.move(incident.pk, "resolved", who("ana"))
    incident.refresh_from_db()
    pm = incident.postmortem
    assert pm.owner.slug == "ana" and incident.alert_group.state == "resolved"
    assert pm.due_at == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    assert "| decision | Ana Lima | Fail over to the replica |" in pm.body
    assert "## Root cause" in pm.body and "(America/Sao_Paulo)" in pm.body
    with pytest.raises(StateNotAllowed):
        service.move(incident.pk, "closed", who("ana"))
    with clock.frozen(friday + timedelta(days=1)):
        followups.complete_postmortem(incident.pk, who("ana"))
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.postmortem.on_time


def test_command_hands_over_across_zones_with_a_note(demo):
    with clock.frozen(T0):
        incident = service.declare("Gateway errors", "SEV2", who("dieter"), team="platform")
        with pytest.raises(ValidationFailed):
            service.assign_role(incident.pk, "commander", "yuki", who("dieter"))
        service.assign_role(
            incident.pk, "commander", "yuki", who("dieter"), "EU signing off; retries at 50%"
        )
        service.assign_role(incident.pk, "communications", "chloe", who("yuki"))
    incident.refresh_from_db()
    assert incident.commander.slug == "yuki" and incident.communications.slug == "chloe"
    handed = incident.entries.get(kind="command")
    assert "(21:00 Asia/Tokyo): EU signing off" in handed.text
    assert Notification.objects.get(kind="page.command").recipient.slug == "yuki"


def test_the_comms_lead_is_reminded_when_an_update_is_due(demo):
    with clock.frozen(T0):
        incident = service.declare("Ledger down", "SEV1", who("ana"), component="ledger")
        service.assign_role(incident.pk, "communications", "bruno", who("ana"))
    assert reports.remind(T0 + timedelta(minutes=29)).updates == 0
    with clock.frozen(T0 + timedelta(minutes=31)):
        assert reports.remind().updates == 1
        assert reports.remind().updates == 0  # once per due update
        service.post_update(incident.pk, "Replica promoted; writes recovering.", who("bruno"))
    incident.refresh_from_db()
    assert incident.update_due_at == T0 + timedelta(minutes=61)
    [n] = Notification.objects.filter(kind="incident.update_due")
    assert n.recipient.slug == "bruno" and n.urgent


def test_action_items_are_reminded_daily_until_done_even_after_closing(demo):
    with clock.frozen(T0):
        incident = service.declare("Stale cache", "SEV3", who("bruno"), team="payments")
        item = followups.add_action_item(
            incident.pk, "Alert on cache age", "mia", date(2026, 11, 24), who("bruno")
        )
        service.move(incident.pk, "resolved", who("bruno"))
        followups.complete_postmortem(incident.pk, who("bruno"))
    later = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 12:00 on the 25th in Sydney
    assert reports.remind(later).action_items == 1
    assert reports.remind(later + timedelta(hours=3)).action_items == 0
    assert reports.remind(later + timedelta(days=1)).action_items == 1
    followups.complete_action_item(item.pk, who("mia"))
    assert reports.remind(later + timedelta(days=2)).action_items == 0


def test_an_open_action_item_is_handed_over_before_its_owner_can_leave(demo, writer, tmp_path):
    """Removing its owner used to delete the open action item with them, and nothing could
    hand one over. Now the owner or whoever runs the incident hands it over, from every
    surface; while one is open its owner cannot be removed."""
    from typer.testing import CliRunner

    from sunrelay.cli.main import app
    from sunrelay.core.errors import Conflict, PermissionDenied
    from sunrelay.people import service as people
    from tests.conftest import sign_in

    with clock.frozen(T0):
        incident = service.declare("Stale cache", "SEV3", who("bruno"), team="payments")
        item = followups.add_action_item(
            incident.pk, "Alert on cache age", "mia", date(2026, 11, 24), who("bruno")
        )
        done = followups.add_action_item(
            incident.pk, "Write the runbook", "mia", date(2026, 11, 24), who("bruno")
        )
        followups.complete_action_item(done.pk, who("mia"))
        with pytest.raises(Conflict) as caught:
            people.delete_person("mia")
        assert f"action item #{item.pk} 'Alert on cache age'" in caught.value.message
        assert "Write the runbook" not in caught.value.message
        with pytest.raises(PermissionDenied):  # someone from another team
            followups.reassign_action_item(item.pk, "yuki", who("yuki"))
        followups.reassign_action_item(item.pk, "ana", who("mia"))  # its owner hands it on
        answer = writer.post(
            f"/api/v1/incidents/action-items/{item.pk}/owner",
            {"owner": "nobody", "actor": "bruno"},
            content_type="application/json",
        )
        assert answer.status_code == 422 and answer.json()["field"] == "owner"
        answer = sign_in("bruno").post(
            "/incidents/action-items/", {"item": item.pk, "owner": "chloe"}
        )  # the commander
        assert answer.status_code == 302
        ran = CliRunner().invoke(
            app, ["incident", "action", "reassign", str(item.pk), "--to", "mia", "--as", "bruno"]
        )
        assert ran.exit_code == 0, ran.output
    people.delete_person("ana")  # ana owns nothing open any more
    item.refresh_from_db()
    assert item.owner.slug == "mia"
    texts = list(incident.entries.values_list("text", flat=True))
    assert "action item handed from Mia Roberts to Ana Lima: Alert on cache age" in texts
    with pytest.raises(ValidationFailed):  # done already
        followups.reassign_action_item(done.pk, "chloe", who("bruno"))


def test_a_done_action_item_stays_on_the_postmortem_when_its_owner_leaves(demo):
    """It used to be deleted with them: the postmortem lost what was done about it."""
    from sunrelay.incidents.models import ActionItem
    from sunrelay.people import service as people
    from tests.conftest import sign_in

    with clock.frozen(T0):
        incident = service.declare("Stale cache", "SEV3", who("bruno"), team="payments")
        done = followups.add_action_item(
            incident.pk, "Write the runbook", "mia", date(2026, 11, 24), who("bruno")
        )
        followups.complete_action_item(done.pk, who("mia"))
    people.delete_person("mia")
    kept = ActionItem.objects.get(pk=done.pk)
    assert kept.owner is None and kept.done_at is not None
    with clock.frozen(T0):
        room = sign_in("bruno").get(f"/incidents/{incident.pk}/")
        listed = sign_in("bruno").get("/incidents/action-items/")
    assert "Write the runbook" in room.text and "someone who has left" in room.text
    assert listed.status_code == 200
    with pytest.raises(ValidationFailed):  # done: nothing to hand over
        followups.reassign_action_item(done.pk, "chloe", who("bruno"))


def test_a_decision_becomes_a_draft_adr(demo):
    with clock.frozen(T0):
        incident = service.declare("Ledger down", "SEV2", who("ana"), team="payments")
        entry = service.add_entry(
            incident.pk, "decision", "Cap ledger batch size at 500", who("ana"), "OOM at 2k"
        )
        pk = service.promote_decision(entry.pk, who("ana"))
        assert service.promote_decision(entry.pk, who("ana")) == pk
    record = Record.objects.get(pk=pk)
    assert record.title == "Cap ledger batch size at 500" and record.status == "draft"
    assert "OOM at 2k" in record.body and f"incident #{incident.pk}" in record.body


def test_reports_leave_drills_out(demo):
    with clock.frozen(T0):
        real = service.declare("Ledger down", "SEV1", who("ana"), component="ledger")
        drill = service.declare(
            "Follow-the-sun drill", "SEV1", who("dieter"), team="platform", drill=True
        )
    with clock.frozen(T0 + timedelta(minutes=6)):
        alerts.acknowledge(real.alert_group.pk, who("chloe"))
        alerts.acknowledge(drill.alert_group.pk, who("dieter"))
    with clock.frozen(T0 + timedelta(minutes=50)):
        service.move(real.pk, "resolved", who("ana"))
        found = reports.report(T0 - timedelta(days=1), T0 + timedelta(days=1))
    rows = {(f.severity, f.team): f for f in found.figures}
    assert set(rows) == {("SEV1", "payments"), ("SEV1", "*")}
    assert rows["SEV1", "*"].mtta_minutes == 6.0 and rows["SEV1", "*"].mttr_minutes == 50.0
    assert found.postmortems_open == 1
    assert "[DRILL SEV1]" in drill.alert_group.title


def test_resolving_in_the_hub_says_the_postmortem_date_and_whose_hours_count(demo):
    from tests.conftest import sign_in

    with clock.frozen(T0):
        incident = service.declare("Ledger down", "SEV2", who("ana"), component="ledger")
    friday = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    with clock.frozen(friday):
        page = sign_in("ana").post(
            f"/incidents/{incident.pk}/?tz=UTC",
            {"action": "state", "state": "resolved"},
            follow=True,
        )
    text = page.content.decode()
    # 48 working hours of Ana's, over a weekend: ten calendar days, said as a date
    assert "The postmortem is due Mon 07 Dec 14:00 your time (in 9 days)" in text
    assert "counts Ana Lima&#x27;s working hours" in text


def test_a_refused_declaration_keeps_what_was_typed(demo):
    from tests.conftest import sign_in

    page = sign_in("ana").post(
        "/incidents/",
        {"title": "Checkout 502s", "severity": "SEV9", "summary": "Since the 14:00 deploy"},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "severity" in text
    assert 'value="Checkout 502s"' in text and "Since the 14:00 deploy</textarea>" in text
