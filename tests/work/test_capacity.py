"""Capacity signals close the loop: the responder the agreement names answers within their
own working day, or the signal climbs to the next level in hours, and the missed answer is
counted against them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.notify.models import Notification
from sunrelay.work import capacity, service
from sunrelay.work.errors import StateNotAllowed
from sunrelay.work.models import Signal
from tests.work.conftest import T0, who

# Kenji works 09:00-17:00 in Tokyo: raised at 19:00 his time on Monday, his one working day
# is all of Tuesday there, 00:00-08:00 UTC
KENJI_DUE = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_an_unanswered_signal_escalates_after_one_working_day_in_the_responders_zone(org):
    with clock.frozen(T0):
        signal = capacity.raise_signal(
            "core", "bruno", "three incidents this week; the migration slips"
        )
    assert signal.due_at == KENJI_DUE
    ask = Notification.objects.get(kind="work.capacity")
    assert ask.recipient.slug == "kenji"
    assert capacity.escalate_overdue(KENJI_DUE - timedelta(minutes=1)) == 0
    assert capacity.escalate_overdue(KENJI_DUE) == 1
    signal.refresh_from_db()
    assert signal.level == 1
    # grace, the lead above, answers in hours: 4 working hours from 03:00 in New York
    # (08:00 UTC) is 13:00 there, 18:00 UTC
    assert signal.due_at == datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    climbed = Notification.objects.filter(kind="work.capacity").exclude(recipient__slug="kenji")
    assert [n.recipient.slug for n in climbed] == ["grace"]
    assert "nobody answered" in climbed[0].subject
    assert capacity.missed_by_responder() == [("kenji", 1)]
    assert capacity.outcome(signal) == "waiting (level 1)"
    # nobody left above grace: the signal says so, and it stops climbing
    assert capacity.escalate_overdue(signal.due_at) == 1
    signal.refresh_from_db()
    assert signal.due_at is None and capacity.outcome(signal) == "unanswered, nobody left to ask"
    assert capacity.escalate_overdue(signal.due_at or KENJI_DUE + timedelta(days=9)) == 0


def test_the_responder_sheds_named_initiatives_and_the_raiser_hears(org):
    with clock.frozen(T0):
        initiative = service.add_initiative(
            service.Draft("Dark mode", "core", "ana", klass="speculative"), who("lena")
        )
        service.start(initiative.pk, who("lena"))
        signal = capacity.raise_signal("core", "bruno", "too much")
        with pytest.raises(PermissionDenied):
            capacity.respond(signal.pk, "ana", "resequence")
        with pytest.raises(ValidationFailed) as empty:
            capacity.respond(signal.pk, "kenji", "shed")
        assert empty.value.field == "shed"
        answered = capacity.respond(signal.pk, "kenji", "shed", shed=[initiative.pk], note="later")
        with pytest.raises(StateNotAllowed):
            capacity.respond(signal.pk, "kenji", "resequence")
    initiative.refresh_from_db()
    assert initiative.state == "paused"
    assert initiative.events.last().reason == f"capacity signal {signal.pk}: later"
    assert answered.response == "shed" and capacity.outcome(answered) == f"shed #{initiative.pk}"
    assert Notification.objects.get(kind="work.capacity_answered").recipient.slug == "bruno"
    assert capacity.escalate_overdue(KENJI_DUE + timedelta(days=3)) == 0
    assert capacity.missed_by_responder() == []


def test_accepting_for_now_needs_a_future_review_date(org):
    with clock.frozen(T0):
        signal = capacity.raise_signal("core", "bruno", "too much")
        with pytest.raises(ValidationFailed) as caught:
            capacity.respond(signal.pk, "kenji", "accept")
        assert caught.value.field == "until"
        with pytest.raises(ValidationFailed):
            capacity.respond(signal.pk, "kenji", "accept", until=date(2026, 11, 1))
        capacity.respond(signal.pk, "kenji", "accept", until=date(2026, 12, 7))
    assert capacity.outcome(Signal.objects.get()) == "accepted until 2026-12-07"


def test_only_the_teams_people_raise_a_signal_and_it_needs_a_note(org):
    with pytest.raises(PermissionDenied):
        capacity.raise_signal("core", "pia", "not my team")
    with pytest.raises(ValidationFailed) as caught:
        capacity.raise_signal("core", "bruno", "  ")
    assert caught.value.field == "note"
    assert not Signal.objects.exists()


def test_a_capacity_note_in_the_weekly_update_raises_the_signal_once(org):
    from sunrelay.cadence import status

    with clock.frozen(T0):
        update = status.post_update(who("bruno"), done="- shipped", capacity="on-call ate the week")
        status.post_update(who("bruno"), done="- shipped, edited", capacity="on-call ate the week")
    signal = Signal.objects.get()
    assert (signal.team.slug, signal.raised_by.slug, signal.note) == (
        "core",
        "bruno",
        update.capacity,
    )
    assert [a.person.slug for a in signal.asks.all()] == ["kenji"]


def test_an_authorised_start_beyond_a_persons_limit_is_an_exception(org):
    with clock.frozen(T0):
        for title in ("A", "B"):
            made = service.add_initiative(
                service.Draft(title, "app", "pia", people=["bruno"]), who("omar")
            )
            service.start(made.pk, who("omar"))
        third = service.add_initiative(
            service.Draft("C", "app", "pia", people=["bruno"]), who("omar")
        )
        started = service.start(
            third.pk, who("omar"), force=True, reason="bruno hands A over on Friday"
        )
    assert started.state == "active" and started.exception == "bruno hands A over on Friday"
    assert started.events.get(kind="exception").text == "started beyond bruno's limit"


def test_a_signal_accepted_for_now_comes_back_on_its_review_date_once(org):
    with clock.frozen(T0):
        signal = capacity.raise_signal("core", "bruno", "too much")
        capacity.respond(signal.pk, "kenji", "accept", until=date(2026, 12, 7))
    assert capacity.look_again(datetime(2026, 12, 6, 23, 0, tzinfo=UTC)) == 0
    assert capacity.look_again(datetime(2026, 12, 7, 0, 0, tzinfo=UTC)) == 1
    assert capacity.look_again(datetime(2026, 12, 8, 0, 0, tzinfo=UTC)) == 0
    back = Notification.objects.filter(kind="work.capacity_review")
    assert sorted(n.recipient.slug for n in back) == ["bruno", "kenji"]


def test_an_initiative_links_the_risks_and_asks_it_answers(org):
    from sunrelay.cadence import status

    with clock.frozen(T0):
        update = status.post_update(who("bruno"), risks="- The vendor API may slip")
        risk = update.items.get()
        made = service.add_initiative(
            service.Draft("Vendor fallback", "core", "ana", items=[risk.pk]), who("lena")
        )
        with pytest.raises(ValidationFailed) as caught:
            service.link(made.pk, who("lena"), items=[risk.pk + 100])
    assert caught.value.field == "items"
    assert list(risk.initiatives.all()) == [made]


def test_a_signal_outlives_the_person_who_raised_it(org):
    """Someone who once raised a signal could never be removed (a protected reference, and
    nothing can hand a signal over). The signal stays in the team's history, raised by
    "someone who has left", and can still be answered."""
    from sunrelay.people import service as people
    from tests.conftest import sign_in

    with clock.frozen(T0):
        signal = capacity.raise_signal("core", "bruno", "too much")
        people.delete_person("bruno")
        signal.refresh_from_db()
        assert signal.raised_by is None and signal.note == "too much"
        page = sign_in("lena").get(f"/work/signals/{signal.pk}/")
        assert page.status_code == 200 and "Raised by someone who has left" in page.text
        api = sign_in("lena").get(f"/api/v1/work/signals/{signal.pk}")
        assert api.json()["raised_by"] is None
        answered = capacity.respond(signal.pk, "kenji", "resequence")
    assert answered.response == "resequence"
    assert not Notification.objects.filter(kind="work.capacity_answered").exists()
