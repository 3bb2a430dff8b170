"""Delivery through real local servers: SMTP (aiosmtpd), Slack and signed webhooks (HTTP)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations import webhook
from sunrelay.notify import logic, outbox, service
from sunrelay.notify.models import Notification
from sunrelay.people.models import Person
from tests.receivers import free_port, http_receiver, smtp_server

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _drain(n: Notification) -> Notification:
    """Run the outbox at each retry time until the notification is settled."""
    for _ in range(logic.MAX_ATTEMPTS + 1):
        n.refresh_from_db()
        if n.state in ("sent", "dead"):
            break
        with clock.frozen(max(n.deliver_after, MONDAY_NOON)):
            outbox.dispatch_due()
    n.refresh_from_db()
    return n


@override_settings(SUNRELAY_URL="https://hub.acme.test")
def test_email_reaches_a_real_smtp_server_once(demo):
    with (
        smtp_server() as (url, messages),
        override_settings(SMTP_URL=url),
        clock.frozen(MONDAY_NOON),
    ):
        n = service.send("chloe", "notify.manual", "Café at 3?", "Bring the ADR.", url="/x/")
        assert n.channels == ["inbox", "email"]
        n = _drain(n)
    assert n.state == "sent" and n.delivered == ["inbox", "email"]
    [mail] = messages
    assert mail["To"] == "chloe@acme.test" and mail["Subject"] == "Café at 3?"
    assert mail["X-Sunrelay-Key"] == n.key and mail["Message-ID"].endswith("@sunrelay>")
    text = mail.get_payload(decode=True).decode()
    assert "Bring the ADR." in text and "https://hub.acme.test/x/" in text


def test_a_subject_with_a_line_break_is_still_emailed_on_one_line(demo):
    """An alert summary with a line break used to fail the header guard on every attempt, so
    the page went to the dead letters and the on-call was never emailed."""
    with (
        smtp_server() as (url, messages),
        override_settings(SMTP_URL=url),
        clock.frozen(MONDAY_NOON),
    ):
        n = service.send(
            "chloe", "page.alert", "Ledger down\r\nBcc: all@acme.test", "", urgent=True
        )
        n = _drain(n)
    assert n.state == "sent" and n.subject == "Ledger down Bcc: all@acme.test"
    [mail] = messages
    assert mail["Subject"] == "Ledger down Bcc: all@acme.test" and mail["Bcc"] is None


def test_an_unreachable_smtp_server_leaves_a_dead_letter_that_resends(demo):
    down = f"smtp://127.0.0.1:{free_port()}"
    with override_settings(SMTP_URL=down), clock.frozen(MONDAY_NOON):
        n = service.send("chloe", "notify.manual", "Are you there?", urgent=True)
    with override_settings(SMTP_URL=down):
        n = _drain(n)
    assert n.state == "dead" and n.attempts == logic.MAX_ATTEMPTS
    assert n.delivered == ["inbox"] and "email" in n.last_error
    assert list(service.dead_letters()) == [n]
    with smtp_server() as (url, messages), override_settings(SMTP_URL=url):
        service.retry_dead_letter(n.pk)
        n = _drain(n)
    assert n.state == "sent" and len(messages) == 1


def test_webhook_is_signed_retried_and_accepted_exactly_once(demo):
    chloe = Person.objects.get(slug="chloe")
    with http_receiver(failures=2) as receiver:
        pref = service.set_preferences(chloe, routes={"*": ["webhook"]}, webhook_url=receiver.url)
        with clock.frozen(MONDAY_NOON):
            n = service.send("chloe", "status.reminder", "Post your update", urgent=True)
        assert n.channels == ["inbox", "webhook"]
        n = _drain(n)
    assert n.state == "sent" and n.attempts == 3
    assert len(receiver.requests) == 3 and len(receiver.accepted) == 1
    headers, body = receiver.requests[-1]
    assert webhook.verify(pref.webhook_secret, body, headers["X-Sunrelay-Signature-256"])
    assert not webhook.verify("another secret", body, headers["X-Sunrelay-Signature-256"])
    assert headers["X-Sunrelay-Delivery"] == n.key
    assert json.loads(body) == {
        "id": n.key,
        "kind": "status.reminder",
        "subject": "Post your update",
        "body": "",
        "url": "",
        "urgent": True,
        "recipient": {"id": "chloe", "name": "Chloé Martin"},
        "created_at": "2026-11-23T12:00:00Z",
    }


def test_a_batch_of_webhooks_reads_each_recipients_preferences_with_the_claim(
    demo, django_assert_num_queries
):
    """Each delivery read its recipient's preferences again: one query per message on top of
    the write that settled it. Now the batch reads them with the claim, and the outcomes are
    written together."""
    people = list(Person.objects.order_by("slug")[:4])
    with http_receiver() as receiver:
        for person in people:
            service.set_preferences(person, routes={"*": ["webhook"]}, webhook_url=receiver.url)
        with clock.frozen(MONDAY_NOON):
            for i in range(12):
                service.send(people[i % 4], "notify.manual", f"n{i}", urgent=True)
            # the claim (select and mark, in a savepoint here), the batch with its recipients
            # and their preferences in one query, then the outcomes in one statement
            with django_assert_num_queries(4 + 1 + 3):
                assert outbox.dispatch_due().sent == 12
    assert len(receiver.accepted) == 12
    assert {body["recipient"]["id"] for body in receiver.accepted} == {p.slug for p in people}


def test_a_receiver_that_never_recovers_gives_a_dead_letter(demo):
    chloe = Person.objects.get(slug="chloe")
    with http_receiver(failures=1000) as receiver:
        service.set_preferences(chloe, routes={"*": ["webhook"]}, webhook_url=receiver.url)
        with clock.frozen(MONDAY_NOON):
            n = service.send("chloe", "notify.manual", "Lost?", urgent=True)
        n = _drain(n)
    assert n.state == "dead" and len(receiver.requests) == logic.MAX_ATTEMPTS
    assert "503" in n.last_error and receiver.accepted == []


def test_slack_gets_its_own_message_format_with_escaping(demo):
    chloe = Person.objects.get(slug="chloe")
    with http_receiver() as receiver:
        service.set_preferences(chloe, routes={"status": ["slack"]}, slack_webhook_url=receiver.url)
        with clock.frozen(MONDAY_NOON):
            n = service.send("chloe", "status.digest", "Payments <W48>", "A & B", url="/s/")
            other = service.send("chloe", "decision.outcome", "ADR 7 accepted", urgent=True)
        _drain(n)
    assert n.channels == ["inbox", "slack"] and other.channels == ["inbox"]
    [message] = receiver.accepted
    assert message["text"] == "Payments &lt;W48&gt;"
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Payments <W48>", "emoji": True},
    }
    assert message["blocks"][1]["text"] == {"type": "mrkdwn", "text": "A &amp; B"}
    assert "/s/|Open in Sunrelay>" in message["blocks"][2]["elements"][0]["text"]


def test_preferences_are_validated_field_by_field(demo):
    chloe = Person.objects.get(slug="chloe")
    with pytest.raises(ValidationFailed) as bad_group:
        service.set_preferences(chloe, routes={"gossip": ["email"]})
    assert bad_group.value.field == "routes" and "gossip" in bad_group.value.message
    with pytest.raises(ValidationFailed) as bad_channel:
        service.set_preferences(chloe, routes={"status": ["pigeon"]})
    assert "email, slack, webhook" in bad_channel.value.message
    with pytest.raises(ValidationFailed) as bad_url:
        service.set_preferences(chloe, webhook_url="ftp://x")
    assert bad_url.value.field == "webhook_url"
    assert service.preference(chloe).routes == {}  # nothing half-written
    first = service.set_preferences(chloe, webhook_url="https://hooks.acme.test/a").webhook_secret
    assert len(first) == 64
    assert service.set_preferences(chloe, new_secret=True).webhook_secret != first
