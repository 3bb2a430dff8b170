"""Follow-the-sun hand-offs: routed to the next unit, delivered at its day's start,
acknowledged once, escalated to the lead after the agreed working time."""

from __future__ import annotations

import pytest

from sunrelay.cadence import handoffs
from sunrelay.cadence.errors import AlreadyAcknowledged, NoNextRegion, NotAReceiver
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.notify.models import Notification
from sunrelay.people import service as people
from tests.cadence.helpers import person, utc


def test_a_handoff_waits_for_the_receivers_morning_and_escalates_after_two_hours(demo):
    # Olivia ends her Monday at 17:00 Los Angeles (01:00 UTC); Sofia starts 09:00 Rome
    with clock.frozen(utc(2026, 11, 24, 1)):
        h = handoffs.write_handoff(
            person("olivia"),
            "mobile",
            context="Release 4.2 is in review.",
            blockers="App Store rejected the build once.",
            next_action="Resubmit build 812 with the privacy manifest",
            owner="sofia",
            links=["https://appstoreconnect.apple.com/apps/1"],
        )
    assert (h.source, h.target) == ("olivia", "sofia")
    assert h.deliver_at == utc(2026, 11, 24, 8)
    assert h.escalate_at == utc(2026, 11, 24, 10)  # the default 2 working hours
    note = Notification.objects.get(kind="handoff.received")
    assert note.recipient.slug == "sofia" and note.deliver_after == h.deliver_at
    with clock.frozen(utc(2026, 11, 24, 9)):
        [waiting] = handoffs.open_handoffs("mobile")
        assert waiting.waiting_seconds == 3600 and not waiting.overdue
        assert handoffs.escalate_overdue() == 0
    with clock.frozen(utc(2026, 11, 24, 10)):
        assert handoffs.escalate_overdue() == 1
        assert handoffs.escalate_overdue() == 0  # once
    lead = Notification.objects.get(kind="handoff.escalated")
    assert lead.recipient.slug == "olivia"


def test_only_a_receiver_or_the_lead_acknowledges_and_only_once(demo):
    with clock.frozen(utc(2026, 11, 24, 1)):
        h = handoffs.write_handoff(person("olivia"), "mobile", next_action="Resubmit")
    with pytest.raises(NotAReceiver):
        handoffs.acknowledge(h.pk, person("bruno"))
    with clock.frozen(utc(2026, 11, 24, 8, 5)):
        done = handoffs.acknowledge(h.pk, person("sofia"))
    assert done.acknowledged_by.slug == "sofia" and done.acknowledged_at == utc(2026, 11, 24, 8, 5)
    with pytest.raises(AlreadyAcknowledged, match="sofia"):
        handoffs.acknowledge(h.pk, person("olivia"))
    with clock.frozen(utc(2026, 11, 24, 12)):
        assert handoffs.escalate_overdue() == 0 and handoffs.open_handoffs() == []


def test_pods_hand_over_to_the_next_pod_with_the_teams_escalation_period(demo):
    # Rafael (Americas pod) ends his day at 17:00 New York; APAC is next and partly at work
    with clock.frozen(utc(2026, 11, 23, 22)):
        h = handoffs.write_handoff(person("rafael"), "platform", next_action="Watch the canary")
    assert (h.source, h.target) == ("platform-amer", "platform-apac")
    assert sorted(p.slug for p in h.receivers.all()) == ["liam", "noah", "sagar", "yuki"]
    assert h.deliver_at == utc(2026, 11, 23, 22)  # Liam starts 08:30 Adelaide right now
    assert h.escalate_at == utc(2026, 11, 24, 1)  # platform agrees on 3 working hours


def test_receivers_who_are_away_do_not_receive_the_handoff(demo):
    people.add_absence("noah", utc(2026, 11, 20).date(), utc(2026, 11, 27).date(), "vacation")
    with clock.frozen(utc(2026, 11, 23, 22)):
        h = handoffs.write_handoff(person("rafael"), "platform", next_action="Watch the canary")
    assert sorted(p.slug for p in h.receivers.all()) == ["liam", "sagar", "yuki"]
    told = Notification.objects.filter(kind="handoff.received").values_list("recipient__slug")
    assert sorted(x for (x,) in told) == ["liam", "sagar", "yuki"]


def test_handoffs_refuse_what_cannot_be_routed(demo):
    with pytest.raises(ValidationFailed) as empty:
        handoffs.write_handoff(person("olivia"), "mobile", next_action=" ")
    assert empty.value.field == "next_action"
    with pytest.raises(ValidationFailed) as outsider:
        handoffs.write_handoff(person("yuki"), "mobile", next_action="x")
    assert outsider.value.field == "source"
    people.create_team({"id": "solo", "name": "Solo", "members": ["emeka"]})
    with pytest.raises(NoNextRegion):
        handoffs.write_handoff(person("emeka"), "solo", next_action="x")


def test_a_handoff_stays_with_the_team_when_its_author_leaves(demo):
    """It used to be deleted with them, acknowledged or not."""
    from tests.conftest import sign_in

    with clock.frozen(utc(2026, 11, 24, 1)):
        h = handoffs.write_handoff(person("bruno"), "mobile", next_action="Resubmit build 812")
    receiver = h.receivers.first()
    assert receiver is not None
    people.delete_person("bruno")
    kept = handoffs.get_handoff(h.pk)
    assert kept.author is None and kept.next_action == "Resubmit build 812"
    with clock.frozen(h.deliver_at):
        page = sign_in(receiver.slug).get(f"/cadence/handoffs/{h.pk}/")
        assert page.status_code == 200 and "written by someone who has left" in page.text
        today = sign_in(receiver.slug).get("/")
        assert "Hand-off from someone who has left" in today.text
        listed = sign_in(receiver.slug).get("/api/v1/cadence/handoffs")
    assert listed.status_code == 200
    assert [x["author"] for x in listed.json() if x["id"] == h.pk] == [None]
