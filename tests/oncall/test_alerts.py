"""Alert intake as Alertmanager really sends it, routing, escalation with a frozen clock,
one-time links, and pages delivered through real local SMTP and HTTP receivers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.notify import logic as notify_logic
from sunrelay.notify import outbox
from sunrelay.notify import service as notify
from sunrelay.notify.models import Notification
from sunrelay.oncall import alerts, escalation
from sunrelay.oncall.errors import BadPayload, IntegrationNotFound, LinkInvalid
from sunrelay.oncall.models import Alert, AlertGroup, Integration
from sunrelay.people import service as people
from sunrelay.people.models import Person
from tests.receivers import http_receiver, smtp_server

FIXTURES = Path(__file__).parents[1] / "fixtures" / "alertmanager"
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # chloe holds payments-primary this week


def payload(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def secret(demo) -> str:
    _, found = alerts.create_integration("prometheus", "Prometheus", "alertmanager")
    return found


def pages(group: AlertGroup) -> list[tuple[str, int, int]]:
    return [(p.person.slug, p.step, p.round) for p in group.pages.select_related("person")]


def test_firing_repeated_then_resolved_makes_one_group_and_one_page(secret):
    with clock.frozen(T0):
        first = alerts.receive(secret, payload("firing"))
    with clock.frozen(T0 + timedelta(minutes=4)):  # Alertmanager's repeat of the same group
        again = alerts.receive(secret, payload("firing"))
    assert first.created and not again.created and again.group.pk == first.group.pk
    group = AlertGroup.objects.get()
    assert group.component.slug == "ledger" and group.team.slug == "payments"
    assert group.policy.slug == "payments" and group.title == "Ledger error rate above 5%"
    assert sorted(Alert.objects.values_list("fingerprint", "received")) == [
        ("5e1b4d3c2a1f0e9d", 2),
        ("8a7b6c5d4e3f2a1b", 2),
    ]
    assert pages(group) == [("chloe", 0, 0)]  # the on-call of payments-primary, once
    [n] = Notification.objects.filter(kind="page.alert")
    assert n.urgent and n.recipient.slug == "chloe" and n.deliver_after == T0
    assert "5.2% of ledger writes failed" in n.body
    assert "Runbook: https://runbooks.acme.test/ledger" in n.body
    assert "DRI Ana Lima" in n.body and "service=ledger" in n.body
    assert "/oncall/link/" in n.body
    with clock.frozen(T0 + timedelta(minutes=22)):
        done = alerts.receive(secret, payload("resolved"))
        assert escalation.escalate_due() == 0
    group.refresh_from_db()
    assert done.resolved and group.state == "resolved" and group.next_step_at is None
    assert set(Alert.objects.values_list("status", flat=True)) == {"resolved"}
    # the same resolve delivered again changes nothing; a new firing opens a new group
    with clock.frozen(T0 + timedelta(minutes=25)):
        assert not alerts.receive(secret, payload("resolved")).created
        assert alerts.receive(secret, payload("firing")).created
    assert AlertGroup.objects.count() == 2


def test_the_ladder_escalates_on_time_and_stops_at_an_acknowledgement(secret):
    with clock.frozen(T0):
        group = alerts.receive(secret, payload("firing")).group
    assert escalation.escalate_due(T0 + timedelta(minutes=9, seconds=59)) == 0
    with clock.frozen(T0 + timedelta(minutes=10)):
        assert escalation.escalate_due() == 1
    group.refresh_from_db()
    assert pages(group) == [("chloe", 0, 0), ("ana", 1, 0)]
    second = Notification.objects.get(kind="page.alert", recipient__slug="ana")
    assert "5.2% of ledger writes failed" in second.body  # read back from the stored alerts
    assert "DRI Ana Lima" in second.body and "/oncall/link/" in second.body
    with clock.frozen(T0 + timedelta(minutes=12)):
        alerts.acknowledge(group.pk, Person.objects.get(slug="ana"))
        alerts.acknowledge(group.pk, Person.objects.get(slug="bruno"))  # changes nothing
    with clock.frozen(T0 + timedelta(hours=2)):
        assert escalation.escalate_due() == 0
    group.refresh_from_db()
    assert group.state == "acknowledged" and group.acknowledged_by.slug == "ana"
    assert group.acknowledged_at == T0 + timedelta(minutes=12)
    assert len(pages(group)) == 2


def test_an_unanswered_ladder_repeats_then_tells_the_lead(secret):
    with clock.frozen(T0):
        group = alerts.receive(secret, payload("firing")).group
    at = T0
    for wait in (10, 10, 15, 10, 10, 15):
        at += timedelta(minutes=wait)
        with clock.frozen(at):
            escalation.escalate_due()
    group.refresh_from_db()
    team = ["ana", "bruno", "chloe", "mia"]
    assert pages(group) == [
        ("chloe", 0, 0),
        ("ana", 1, 0),
        *[(p, 2, 0) for p in team],
        ("chloe", 0, 1),
        ("ana", 1, 1),
        *[(p, 2, 1) for p in team],
        ("ana", -1, 1),  # the lead hears that nobody acknowledged
    ]
    assert group.exhausted and group.state == "firing"
    assert "exhausted" in group.log[-1]["text"]


def test_signed_links_act_once_and_cannot_be_forged(secret):
    with clock.frozen(T0):
        group = alerts.receive(secret, payload("firing")).group
    page = group.pages.get()
    ack = escalation.link_token(page, "acknowledge")
    with clock.frozen(T0 + timedelta(minutes=3)):
        assert alerts.use_link(ack).state == "acknowledged"
        with pytest.raises(LinkInvalid, match="used already"):
            alerts.use_link(ack)
        with pytest.raises(LinkInvalid, match="not valid"):
            alerts.use_link(ack[:-2] + "xx")
        assert alerts.use_link(escalation.link_token(page, "resolve")).state == "resolved"
    group.refresh_from_db()
    assert group.acknowledged_by.slug == "chloe" and group.resolved_by.slug == "chloe"


def test_a_page_stays_in_the_alert_s_history_when_the_person_paged_leaves(secret):
    """It used to be deleted with them, and the alert forgot whom it had paged. It stays;
    its links no longer act."""
    from tests.conftest import sign_in

    with clock.frozen(T0):
        group = alerts.receive(secret, payload("firing")).group
    page = group.pages.get()
    ack = escalation.link_token(page, "acknowledge")
    people.delete_person("chloe")
    page.refresh_from_db()
    assert page.person is None and page.step == 0
    with clock.frozen(T0 + timedelta(minutes=3)):
        with pytest.raises(LinkInvalid, match="has left"):
            alerts.use_link(ack)
        shown = sign_in("ana").get(f"/oncall/alerts/{group.pk}/")
    assert shown.status_code == 200 and "someone who has left" in shown.text
    assert AlertGroup.objects.get(pk=group.pk).state == "firing"


def test_generic_webhooks_dedup_by_key_and_resolve_when_every_alert_has(demo):
    _, secret = alerts.create_integration("cron", "Cron checks", "generic", team="platform")
    body = {"dedup_key": "backup-nightly", "summary": "Nightly backup did not run"}
    with clock.frozen(T0):
        first = alerts.receive(secret, body)
        alerts.receive(secret, body)
        other = alerts.receive(
            secret, {**body, "dedup_key": "backup-weekly", "group": "backup-nightly"}
        )
    assert first.group.pk == other.group.pk and first.group.team.slug == "platform"
    assert first.group.component is None  # no route: the integration's team
    with clock.frozen(T0 + timedelta(minutes=5)):
        half = alerts.receive(secret, {"dedup_key": "backup-nightly", "status": "resolved"})
        assert not half.resolved
        assert alerts.receive(
            secret, {"dedup_key": "backup-weekly", "group": "backup-nightly", "status": "resolved"}
        ).resolved


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": "3", "groupKey": "x", "alerts": []}, "version"),
        ({"version": "4", "alerts": [{}]}, "groupKey"),
        (
            {"version": "4", "groupKey": "k", "status": "firing", "alerts": [{"status": "firing"}]},
            "alerts.0.fingerprint",
        ),
        (
            {
                "version": "4",
                "groupKey": "k",
                "status": "boom",
                "alerts": [{"status": "firing", "fingerprint": "f"}],
            },
            "status",
        ),
    ],
)
def test_bad_payloads_name_the_field_and_store_nothing(secret, body, field):
    with pytest.raises(BadPayload) as caught:
        alerts.receive(secret, body)
    assert caught.value.field == field
    assert not AlertGroup.objects.exists()


def test_an_unknown_secret_is_refused(secret):
    with pytest.raises(IntegrationNotFound):
        alerts.receive("not-the-secret", payload("firing"))


def _drain(at: datetime) -> None:
    for attempt in range(notify_logic.MAX_ATTEMPTS + 1):
        with clock.frozen(at + notify_logic.backoff(attempt + 1) * 2):
            outbox.dispatch_due()
        at += notify_logic.backoff(attempt + 1) * 2


@override_settings(SUNRELAY_URL="https://hub.acme.test")
def test_pages_reach_real_receivers_and_a_dead_channel_moves_the_ladder_on(secret):
    chloe = Person.objects.get(slug="chloe")
    with http_receiver(failures=1000) as hook:
        notify.set_preferences(chloe, routes={"page": ["email", "webhook"]}, webhook_url=hook.url)
        with smtp_server() as (url, messages), override_settings(SMTP_URL=url):
            with clock.frozen(T0):
                group = alerts.receive(secret, payload("firing")).group
                outbox.dispatch_due()
            _drain(T0)
        [mail] = messages
        text = mail.get_payload(decode=True).decode()
        assert mail["To"] == "chloe@acme.test" and mail["Subject"].startswith("Page: Ledger")
        assert "Acknowledge: https://hub.acme.test/oncall/link/" in text
        assert len(hook.requests) == notify_logic.MAX_ATTEMPTS and not hook.accepted
    page = Notification.objects.get(kind="page.alert", recipient=chloe)
    assert page.state == "dead" and page.delivered == ["inbox", "email"]
    # Email got through, so the page is not all dead: the ladder waits for its 10 minutes
    assert escalation.escalate_due(T0 + timedelta(minutes=5)) == 0
    # With only the failing webhook chosen, the page dies and the ladder moves on at once
    notify.set_preferences(chloe, routes={"page": ["webhook"]})
    Notification.objects.filter(pk=page.pk).update(channels=["webhook"], delivered=[])
    with clock.frozen(T0 + timedelta(minutes=5)):
        assert escalation.escalate_due() == 1
    group.refresh_from_db()
    assert [p[0] for p in pages(group)] == ["chloe", "ana"]
    assert "failed to deliver" in group.log[-2]["text"]


def test_the_minute_job_reads_only_groups_that_may_move(secret, django_assert_num_queries):
    """Every minute the ladder looked at (and locked) every firing group, one transaction
    each: at 10,000 open groups that was a minute's work every minute. Now groups that are
    neither due nor failing cost nothing: two queries, however many there are."""
    with clock.frozen(T0):
        for i in range(30):
            body = payload("firing")
            body["groupKey"] = f'{{}}:{{alertname="Ledger", shard="{i}"}}'
            alerts.receive(secret, body)
    with django_assert_num_queries(2):
        assert escalation.escalate_due(T0 + timedelta(minutes=9)) == 0
    # one group's page dies on every channel outside the hub: that group, and only it, moves
    first = AlertGroup.objects.order_by("pk").first()
    Notification.objects.filter(key=first.pages.get().notification_key).update(
        state=Notification.DEAD, delivered=["inbox"]
    )
    with clock.frozen(T0 + timedelta(minutes=9)):
        assert escalation.escalate_due() == 1
    first.refresh_from_db()
    assert first.step == 1 and "failed to deliver" in first.log[-2]["text"]
    with clock.frozen(T0 + timedelta(minutes=10)):  # the rest wait their 10 minutes
        assert escalation.escalate_due() == 29


def intake_path(writer, slug: str) -> str:
    """A new Alertmanager integration made through the API; the path of its intake URL."""
    made = writer.post(
        "/api/v1/oncall/integrations",
        {"id": slug, "name": "Prometheus", "kind": "alertmanager"},
        content_type="application/json",
    ).json()
    return made["url"].split("localhost:8000")[-1]


def test_what_real_alertmanagers_send_is_stored(demo, writer):
    """A groupKey over 500 characters, a fingerprint over 200 and NUL bytes used to fail on
    PostgreSQL on every retry, so the alert was never stored."""
    url = intake_path(writer, "prom-long")
    long_key = "{}/{}:{" + ",".join(f'label{i}="value{i}"' for i in range(60)) + "}"
    payload = {
        "version": "4",
        "groupKey": long_key,
        "status": "firing",
        "receiver": "sunrelay",
        "groupLabels": {},
        "commonLabels": {"alertname": "Lag\x00", "service": "ledger"},
        "commonAnnotations": {"summary": "Replica lag\x00 high"},
        "externalURL": "http://alertmanager:9093",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "Lag", "service": "ledger", "pod": "db-0\x00"},
                "annotations": {},
                "startsAt": "2026-11-23T10:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus:9090/graph",
                "fingerprint": "f" * 300,
            }
        ],
    }
    assert len(long_key) > 500
    first = writer.post(url, payload, content_type="application/json")
    again = writer.post(url, payload, content_type="application/json")
    assert first.status_code == again.status_code == 202, first.content
    assert first.json()["created"] and not again.json()["created"]
    assert again.json()["group"] == first.json()["group"]
    group = AlertGroup.objects.get(pk=first.json()["group"])
    assert len(group.group_key) == 500 and group.title == "Replica lag high"
    assert group.alerts.get().labels["pod"] == "db-0"


def test_an_oversized_or_too_deep_body_is_refused_with_a_4xx(demo, writer):
    url = intake_path(writer, "prom-big")
    big = writer.post(url, b"{" + b" " * (6 * 1024 * 1024) + b"}", content_type="application/json")
    assert big.status_code == 413 and big.json()["code"] == "too_large"
    deep = writer.post(url, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert deep.status_code == 422 and deep.json()["field"] == "body"


def test_a_page_whose_alert_resolved_before_it_went_out_is_not_sent(secret):
    """After a storm, 1,500 pages went out after their alert had already resolved."""
    with clock.frozen(T0):
        opened = alerts.receive(secret, payload("firing"))
    with clock.frozen(T0 + timedelta(seconds=30)):  # resolved while the page still waits
        alerts.receive(secret, payload("resolved"))
        report = outbox.dispatch_due()
    [page] = Notification.objects.filter(kind="page.alert")
    assert report.withdrawn == 1 and report.sent == 0
    assert page.state == "withdrawn" and page.delivered == [] and page.inbox_at is None
    assert "the alert had resolved" in page.last_error
    opened.group.refresh_from_db()
    assert (
        opened.group.log[-1]["text"] == "did not page Chloé Martin: the alert had already resolved"
    )


POSTGRES = int(connection.vendor == "postgresql")


def test_a_delivery_costs_a_bounded_number_of_queries(secret, django_assert_max_num_queries):
    """A storm of new alert groups is paid per delivery in queries: routing, the policy, who is
    on call (and away), the page and its notification, in one transaction (one more on
    PostgreSQL, its advisory lock). A repeat of an open group costs far fewer. Here the set-up
    is read from the ORM, as inside any outer transaction; with its read model built a new
    group costs 13 (tests/oncall/test_config.py)."""
    with clock.frozen(T0), django_assert_max_num_queries(19 + POSTGRES):
        assert alerts.receive(secret, payload("firing")).created
    with clock.frozen(T0 + timedelta(minutes=4)), django_assert_max_num_queries(8 + POSTGRES):
        assert not alerts.receive(secret, payload("firing")).created


def test_the_integration_notes_its_last_delivery_at_most_once_a_minute(secret):
    integration = Integration.objects.get(slug="prometheus")
    assert integration.last_received_at is None
    for minutes in (0, 0.5, 1.5):
        with clock.frozen(T0 + timedelta(minutes=minutes)):
            alerts.receive(secret, payload("firing"))
        integration.refresh_from_db()
        noted = T0 + timedelta(minutes=0 if minutes < 1 else minutes)
        assert integration.last_received_at == noted


def test_an_away_on_call_is_not_paged_and_the_team_decides_who_covers(secret):
    """chloe holds payments-primary this week but is away: the schedule step has nobody and
    the ladder moves on to ana at once; once the team agrees that the next in the rotation
    covers, mia is paged instead. `oncall who` says so."""
    people.add_absence("chloe", T0.date(), T0.date() + timedelta(days=2), "sick")
    with clock.frozen(T0):
        group = alerts.receive(secret, payload("firing")).group
    assert pages(group) == [("ana", 1, 0)]
    assert any("step 1: nobody to page" in e["text"] for e in group.log)
    out = CliRunner().invoke(app, ["oncall", "who", "payments-primary", "--at", T0.isoformat()])
    assert "payments-primary at 2026-11-23T12:00:00Z: nobody" in out.stdout
    assert "chloe is away 2026-11-23T12:00:00Z → 2026-11-26T00:00:00Z and nobody covers" in (
        " ".join(out.stdout.split())
    )
    alerts.resolve(group.pk, None)
    people.update_team("payments", {"agreement": {"oncall": {"when_away": "next-in-rotation"}}})
    with clock.frozen(T0 + timedelta(minutes=30)):
        again = alerts.receive(secret, payload("firing")).group
    assert pages(again) == [("mia", 0, 0)]
