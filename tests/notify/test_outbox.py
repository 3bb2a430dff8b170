"""The outbox: stored first, sent once, held for working hours, retried, then a dead letter."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.notify import channels, logic, outbox, service
from sunrelay.notify.models import Notification

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Tokyo 21:00, Lisbon 12:00


class Flaky:
    """An in-memory channel that fails its first ``failures`` deliveries."""

    name = "flaky"

    def __init__(self, failures: int):
        self.failures, self.delivered = failures, []

    def available(self, person, preference) -> bool:
        return False

    def deliver(self, notification: Notification) -> None:
        if self.failures:
            self.failures -= 1
            raise channels.DeliveryFailed("receiver answered 503")
        self.delivered.append(notification.key)


@pytest.fixture
def flaky():
    def install(failures: int) -> Flaky:
        channel = Flaky(failures)
        channels.register(channel)
        return channel

    yield install
    channels._channels.pop("flaky", None)


def test_the_same_key_is_queued_once(demo):
    first = service.send("chloe", "test", "Hello", key="weekly:chloe:2026-W48")
    again = service.send("chloe", "test", "Hello again", key="weekly:chloe:2026-W48")
    assert first.pk == again.pk and Notification.objects.count() == 1


def test_one_message_to_many_is_queued_as_each_would_be_alone(demo, django_assert_max_num_queries):
    """A digest to a team: the same rows ``send`` would queue one by one (each held for its
    reader's working hours, on the channels they chose), in a few statements for all."""
    from sunrelay.people.models import Person

    service.set_preferences(
        Person.objects.get(slug="mia"), routes={"*": ["webhook"]}, webhook_url="https://x.test/h",
        new_secret=True,
    )  # fmt: skip
    readers = list(Person.objects.filter(slug__in=["ana", "mia", "yuki", "dieter"]))
    service.send("ana", "status.digest", "Digest", key="digest:ana")  # queued before
    with clock.frozen(MONDAY_NOON), django_assert_max_num_queries(5):
        queued = service.send_many(
            readers, "status.digest", "Digest\nweek 48", "Body", url="/d/",
            key=lambda p: f"digest:{p.slug}",
        )  # fmt: skip
    assert queued == 3
    with clock.frozen(MONDAY_NOON):
        alone = {p.slug: service.send(p, "status.digest", "Digest week 48", "Body", url="/d/",
                                      key=f"alone:{p.slug}") for p in readers}  # fmt: skip
    fields = ("recipient_id", "kind", "subject", "body", "url", "urgent", "channels",
              "deliver_after", "state")  # fmt: skip
    for p in readers:
        if p.slug == "ana":
            assert Notification.objects.get(key="digest:ana").subject == "Digest"  # left as is
            continue
        many = Notification.objects.get(key=f"digest:{p.slug}")
        assert [getattr(many, f) for f in fields] == [getattr(alone[p.slug], f) for f in fields]
    assert Notification.objects.get(key="digest:mia").channels == ["inbox", "webhook"]
    assert Notification.objects.get(key="digest:yuki").deliver_after == datetime(
        2026, 11, 24, 0, 30, tzinfo=UTC
    )  # Tue 09:30 in Tokyo
    assert (
        service.send_many(readers, "status.digest", "Digest", key=lambda p: f"digest:{p.slug}") == 0
    )
    with pytest.raises(ValidationFailed, match="at most 200") as refused:
        service.send_many(readers, "status.digest", "Digest", key=lambda p: "k" * 201)
    assert refused.value.field == "key"
    with pytest.raises(ValidationFailed, match="needs a subject"):
        service.send_many(readers, "status.digest", " \n ", key=lambda p: p.slug)


def test_quiet_hours_hold_until_the_next_working_window_and_urgent_goes_now(demo):
    with clock.frozen(MONDAY_NOON):
        held = service.send("yuki", "test", "Can wait")
        urgent = service.send("yuki", "test", "Paging", urgent=True)
        assert outbox.dispatch_due().sent == 1  # only the urgent one
    assert held.deliver_after == datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # Tue 09:30 Tokyo
    assert urgent.deliver_after == MONDAY_NOON
    with clock.frozen(datetime(2026, 11, 24, 0, 30, tzinfo=UTC)):
        assert outbox.dispatch_due().sent == 1
    assert [n.subject for n in service.inbox(held.recipient)] == ["Can wait", "Paging"]


def test_failures_retry_with_backoff_then_deliver_exactly_once(demo, flaky):
    channel = flaky(2)
    with clock.frozen(MONDAY_NOON):
        n = service.send("chloe", "test", "Retry me", urgent=True)
        Notification.objects.filter(pk=n.pk).update(channels=["inbox", "flaky"])
        assert outbox.dispatch_due().retried == 1
        assert outbox.dispatch_due().sent == 0  # not due again yet
    n.refresh_from_db()
    assert n.deliver_after == MONDAY_NOON + logic.backoff(1) and n.delivered == ["inbox"]
    for _ in range(2):
        n.refresh_from_db()
        with clock.frozen(n.deliver_after):
            outbox.dispatch_due()
    n.refresh_from_db()
    assert n.state == "sent" and channel.delivered == [n.key] and n.attempts == 3


def test_a_channel_that_never_recovers_ends_in_the_dead_letters_and_can_be_resent(demo, flaky):
    flaky(100)
    at = MONDAY_NOON
    with clock.frozen(at):
        n = service.send("chloe", "test", "Doomed", urgent=True)
        Notification.objects.filter(pk=n.pk).update(channels=["inbox", "flaky"])
    for _ in range(logic.MAX_ATTEMPTS):
        n.refresh_from_db()
        with clock.frozen(max(at, n.deliver_after)):
            outbox.dispatch_due()
    n.refresh_from_db()
    assert n.state == "dead" and "503" in n.last_error
    assert list(service.dead_letters()) == [n]
    listed = CliRunner().invoke(app, ["notify", "dead-letters", "--json"])
    assert listed.exit_code == 0 and f'"id": {n.pk}' in listed.stdout
    retried = CliRunner().invoke(app, ["notify", "dead-letters", "--retry", str(n.pk)])
    assert retried.exit_code == 0
    n.refresh_from_db()
    assert (n.state, n.attempts) == ("pending", 0)
    again = CliRunner().invoke(app, ["notify", "dead-letters", "--retry", str(n.pk)])
    assert again.exit_code == 1 and "not a dead letter" in again.stderr


def test_backoff_doubles():
    assert [logic.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_deliver_each_notification_once(flaky):
    from sunrelay.people import orgfile
    from sunrelay.people import service as people
    from tests.conftest import DEMO

    people.import_org(orgfile.parse(DEMO.read_text()))
    channel = flaky(0)
    for i in range(40):
        n = service.send("chloe", "test", f"n{i}", urgent=True, key=f"race:{i}")
        Notification.objects.filter(pk=n.pk).update(channels=["inbox", "flaky"])
    start = threading.Barrier(2)

    def work() -> None:
        start.wait()
        try:
            outbox.dispatch_due()
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(channel.delivered) == sorted(f"race:{i}" for i in range(40))
    assert Notification.objects.filter(state="sent").count() == 40
    connection.close()


def test_cli_send_queues_through_the_outbox(demo):
    result = CliRunner().invoke(
        app, ["notify", "send", "--to", "ana", "--subject", "Hi", "--urgent", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert Notification.objects.get().subject == "Hi"
    missing = CliRunner().invoke(app, ["notify", "send", "--to", "nobody", "--subject", "Hi"])
    assert missing.exit_code == 1 and "nobody" in missing.stderr
    empty = CliRunner().invoke(app, ["notify", "send", "--to", "ana", "--subject", " "])
    assert empty.exit_code == 1 and "subject" in empty.stderr


def test_lease_expiry_lets_another_worker_finish_an_abandoned_send(demo):
    with clock.frozen(MONDAY_NOON):
        n = service.send("chloe", "test", "Crashed mid-send", urgent=True)
        Notification.objects.filter(pk=n.pk).update(
            state="sending", lease_until=MONDAY_NOON + timedelta(minutes=5)
        )
        assert outbox.dispatch_due().sent == 0
    with clock.frozen(MONDAY_NOON + timedelta(minutes=6)):
        assert outbox.dispatch_due().sent == 1


def test_the_inbox_only_sends_you_back_within_the_hub(demo):
    from sunrelay.notify import service
    from tests.conftest import sign_in

    note = service.send("ana", "test", "Hello", "")
    ana = sign_in("ana")
    for elsewhere in ("https://evil.test/", "//evil.test/x", "javascript:alert(1)"):
        answer = ana.post("/notifications/", {"id": note.pk, "next": elsewhere})
        assert answer["Location"] == "/notifications/"
    back = ana.post("/notifications/", {"id": note.pk, "next": "/decisions/?status=draft"})
    assert back["Location"] == "/decisions/?status=draft"


def test_the_local_admin_password_is_shown_once(db, settings, tmp_path):
    from sunrelay.core.admin_login import ensure_local_admin

    settings.VAR_DIR = tmp_path
    first = ensure_local_admin()
    password = (tmp_path / "admin-password").read_text().strip()
    assert first == f"admin / {password}"
    later = ensure_local_admin()
    assert password not in later and "admin-password" in later


def test_urgent_goes_first_and_batches_are_bounded(demo):
    """A new page used to wait behind 8,500 reminders, sent 500 a minute oldest first."""
    from sunrelay.people.models import Person

    chloe = Person.objects.get(slug="chloe")
    with clock.frozen(MONDAY_NOON - timedelta(hours=1)):
        Notification.objects.bulk_create(
            Notification(
                key=f"reminder:{i}",
                recipient=chloe,
                kind="status.reminder",
                subject="Your update is due",
                channels=["inbox"],
                created_at=clock.now(),
                deliver_after=clock.now(),
            )
            for i in range(250)
        )
    with clock.frozen(MONDAY_NOON):
        page = service.send("chloe", "page.alert", "Ledger down", urgent=True)
        first = outbox.dispatch_due(limit=100)
        assert first.claimed == 100
        page.refresh_from_db()
        assert page.state == "sent"  # in the first batch, ahead of 250 older ones
        assert Notification.objects.filter(state="sent").count() == 100
        while outbox.dispatch_due(limit=100).claimed:
            pass
    assert Notification.objects.filter(state="sent").count() == 251


def test_an_urgent_page_abandoned_mid_send_is_sent_again_within_a_minute(demo):
    with clock.frozen(MONDAY_NOON):
        page = service.send("chloe", "page.alert", "Ledger down", urgent=True)
        [claimed] = outbox.claim()  # a worker takes it, then dies
        assert claimed.lease_until == MONDAY_NOON + timedelta(minutes=1)
    with clock.frozen(MONDAY_NOON + timedelta(seconds=59)):
        assert outbox.dispatch_due().claimed == 0
    with clock.frozen(MONDAY_NOON + timedelta(seconds=61)):
        assert outbox.dispatch_due().sent == 1
    page.refresh_from_db()
    assert page.state == "sent" and page.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_the_drain_loop_delivers_batch_after_batch_until_stopped(demo):
    """250 due: the loop claims 100, 100, then 50 without pausing between full batches. (No
    wait in this test relies on a timeout running out: the suite also runs under faketime.)"""
    import time

    stop = threading.Event()
    with clock.frozen(MONDAY_NOON):
        for i in range(250):
            service.send("chloe", "test", f"n{i}", urgent=True)
        thread = outbox.start_drain(stop)
        try:
            for _ in range(600):  # bounded: 60 s at most, done in about a second
                if Notification.objects.filter(state="sent").count() == 250:
                    break
                time.sleep(0.1)
        finally:
            stop.set()
            thread.join()
    assert not thread.is_alive()
    assert Notification.objects.filter(state="sent").count() == 250


class Watching:
    """A channel that, as it delivers each message, reads what the database says of the
    ones it delivered before."""

    name = "watching"

    def __init__(self) -> None:
        self.seen: list[list[str]] = []
        self.delivered: list[int] = []

    def available(self, person, preference) -> bool:
        return False

    def deliver(self, notification: Notification) -> None:
        before = Notification.objects.filter(pk__in=self.delivered).order_by("pk")
        self.seen.append(list(before.values_list("state", flat=True)))
        self.delivered.append(notification.pk)


@pytest.mark.parametrize(
    ("every", "expected"),
    [
        (0, [[], ["sent"], ["sent", "sent"]]),  # each written as soon as it is settled
        (3600, [[], ["sending"], ["sending", "sending"]]),  # written together at the end
    ],
)
def test_outcomes_are_written_together_but_never_later_than_settle_every(
    demo, monkeypatch, every, expected
):
    """A batch's outcomes go to the database in one statement, not one commit each; one that
    takes longer than ``SETTLE_EVERY`` is written as it goes, so a worker that dies mid-batch
    leaves only the last moments' deliveries to be sent again."""
    monkeypatch.setattr(outbox, "SETTLE_EVERY", every)
    from sunrelay.people.models import Person

    chloe = Person.objects.get(slug="chloe")
    watching = Watching()
    channels.register(watching)
    try:
        with clock.frozen(MONDAY_NOON):
            for i in range(3):
                Notification.objects.create(
                    key=f"w{i}", recipient=chloe, kind="notify.manual",
                    subject=f"n{i}", channels=["watching"], created_at=MONDAY_NOON,
                    deliver_after=MONDAY_NOON,
                )  # fmt: skip
            assert outbox.dispatch_due().sent == 3
    finally:
        channels._channels.pop("watching", None)
    assert watching.seen == expected
    assert set(Notification.objects.values_list("state", "attempts")) == {("sent", 1)}
