"""Background jobs through the real queue storage: SQLite by default, Redis when REDIS_URL
is set (CI runs this file both ways)."""

from datetime import timedelta

import pytest
from django.conf import settings
from huey.exceptions import TaskLockedException

from sunrelay.core import clock
from sunrelay.core.models import ApiToken
from sunrelay.core.tasks import purge_expired_tokens
from sunrelay.core.tokens import create_token
from sunrelay.jobs import huey

pytestmark = [pytest.mark.jobs, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_queue():
    huey.storage.flush_all()
    yield
    huey.storage.flush_all()


def test_the_configured_storage_is_used():
    expected = "RedisHuey" if settings.REDIS_URL else "SqliteHuey"
    assert expected in type(huey).__name__ and not huey.immediate


def test_a_job_travels_through_the_queue_and_runs():
    create_token("old", days=1)
    create_token("new")
    with clock.frozen(clock.now() + timedelta(days=40)):
        purge_expired_tokens()  # enqueued, not run
        assert huey.pending_count() == 1 and ApiToken.objects.count() == 2
        huey.execute(huey.dequeue())
    assert huey.pending_count() == 0
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["new"]


def test_two_workers_never_run_the_periodic_purge_at_once():
    lock = huey.lock_task("purge-expired-tokens")
    with lock:
        purge_expired_tokens()
        task = huey.dequeue()
        huey.execute(task)
        result = purge_expired_tokens.call_local
        with pytest.raises(TaskLockedException):
            result()
    assert not lock.is_locked()


def test_the_purge_is_scheduled_daily_at_0317_utc():
    from datetime import datetime

    due = {t.name for t in huey.read_periodic(datetime(2026, 11, 21, 3, 17))}  # noqa: DTZ001
    assert "purge_expired_tokens" in due
    assert not huey.read_periodic(datetime(2026, 11, 21, 3, 18))  # noqa: DTZ001


def test_burst_runs_due_periodic_jobs_and_drains_the_queue():
    from typer.testing import CliRunner

    from sunrelay.cli.main import app
    from sunrelay.notify import service as notify
    from sunrelay.notify.models import Notification
    from sunrelay.people import orgfile
    from sunrelay.people import service as people
    from tests.conftest import DEMO

    people.import_org(orgfile.parse(DEMO.read_text()))
    sent = notify.send("ana", "test", "Deliver me", urgent=True)
    purge_expired_tokens()  # queue one job as the web process would
    assert huey.pending_count() == 1
    result = CliRunner().invoke(app, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert huey.pending_count() == 0
    # the every-minute outbox job ran (other periodic jobs due this minute may queue more)
    assert Notification.objects.get(pk=sent.pk).state == "sent"
