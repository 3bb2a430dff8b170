"""The demo holds an onboarding in progress."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sunrelay.demo import onboarding
from sunrelay.notify.models import Notification
from sunrelay.onboarding import service

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_emeka_is_twelve_days_into_his_programme(demo) -> None:
    assert onboarding.build(NOW) == 1
    found = service.status("emeka", NOW.date())
    assert (found.programme.start_date, found.day) == (date(2026, 11, 18), 12)
    assert (found.done, found.total) == (5, 12)
    assert found.programme.buddies_confirmed and found.reviews
    late = Notification.objects.filter(kind="onboarding.overdue")
    assert sorted(n.subject.split(": ", 1)[1][:13] for n in late) == [
        "Ship a PR: me",
        "Ship a doc: a",
    ]
