"""Retrospectives: cards on a meeting's board ("not working" is expected), a card made an
owned action with a due date, finished by its owner; and skip-level 1:1 coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sunrelay.cadence import retros, rituals
from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.notify.models import Notification
from tests.conftest import sign_in

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RETRO = {
    "title": "Payments retro",
    "kind": "retro",
    "team": "payments",
    "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
    "start": "2026-11-27T15:00",
    "timezone": "Europe/Lisbon",
    "owners": ["ana"],
}
MEETING = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # Lisbon is on UTC in winter


def test_a_not_working_card_becomes_an_owned_action_and_is_finished(demo):
    with clock.frozen(NOW):
        retro = rituals.save_ritual(RETRO, by="ana")
        card = retros.add_input(
            retro.pk, MEETING, "bruno", kind="not-working", text="Planning runs late"
        )
        with pytest.raises(PermissionDenied):  # yuki is not in payments
            retros.add_input(retro.pk, MEETING, "yuki", kind="idea", text="x")
        with pytest.raises(ValidationFailed) as caught:
            retros.make_action(card.pk, "ana", owner="chloe", due=date(2026, 11, 1))
        assert caught.value.field == "due"
        retros.make_action(card.pk, "ana", owner="chloe", due=date(2026, 12, 4))
        with pytest.raises(PermissionDenied):
            retros.complete_action(card.pk, "mia")
        assert [a.text for a in retros.open_actions(retro)] == ["Planning runs late"]
        retros.complete_action(card.pk, "chloe")
    assert not retros.open_actions(retro).exists()
    assert Notification.objects.get(kind="cadence.retro_action").recipient.slug == "chloe"
    with clock.frozen(NOW):
        page = sign_in("ana").get(f"/cadence/rituals/{retro.pk}/")
    assert page.status_code == 200 and b'data-testid="retro-board"' in page.content


def test_skip_level_coverage_per_manager(demo):
    from sunrelay.health import skiplevel

    with clock.frozen(NOW):
        rituals.save_ritual(
            {"title": "Chloé / Yuki", "kind": "one-on-one", "attendees": ["chloe", "yuki"],
             "rrule": "FREQ=WEEKLY", "start": "2026-11-24T09:00", "timezone": "UTC",
             "owners": ["chloe"]},
            by="chloe",
        )  # fmt: skip
    (platform,) = [c for c in skiplevel.coverage() if c.manager.slug == "chloe"]
    assert "yuki" in platform.covered and "liam" in platform.reports
    assert platform.share == round(1 / len(platform.reports), 3)
