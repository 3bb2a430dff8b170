"""Weekly updates: due times per person, items, reminders, digests, participation."""

from __future__ import annotations

import pytest

from sunrelay.cadence import status
from sunrelay.cadence.models import Digest, Item
from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.notify.models import Notification
from tests.cadence.helpers import person, utc


def test_each_person_is_due_at_their_teams_time_on_their_own_clock(demo):
    with clock.frozen(utc(2026, 11, 23, 10)):
        rows = {r.person.slug: r for r in status.dues("2026-W48", "payments")}
    # payments is due Friday 12:00; Chloé and Bruno are also in teams due Monday 17:00
    assert rows["mia"].due == utc(2026, 11, 27, 1)  # Fri 12:00 Sydney (AEDT)
    assert rows["ana"].due == utc(2026, 11, 27, 15)  # Fri 12:00 São Paulo
    assert rows["chloe"].due == utc(2026, 11, 23, 17)  # Mon 17:00 Lisbon (platform)
    assert rows["bruno"].due == utc(2026, 11, 23, 20)  # Mon 17:00 São Paulo (mobile)
    assert rows["mia"].reminder == utc(2026, 11, 26, 22)  # her Friday window, 09:00 Sydney
    assert {r.state for r in rows.values()} == {"not-due"}


def test_posting_lifts_risks_and_asks_into_owned_items(demo):
    chloe = person("chloe")
    with clock.frozen(utc(2026, 11, 23, 10)):
        update = status.post_update(
            chloe,
            team="payments",
            done="Shipped the ledger export.",
            risks="- Cut-over may slip @bruno\n- None",
            asks="- A reviewer for ADR 8",
            links=[{"url": "https://github.com/acme/ledger/pull/42", "title": "PR 42"}],
        )
    assert update.week == "2026-W48" and update.on_time
    items = {i.text: i for i in status.register("payments")}
    assert items["Cut-over may slip @bruno"].owner.slug == "bruno"
    assert items["A reviewer for ADR 8"].owner.slug == "chloe"
    assert items["A reviewer for ADR 8"].kind == "ask"
    with clock.frozen(utc(2026, 11, 24, 9)):  # an edit, late: the first posting time counts
        again = status.post_update(chloe, week="2026-W48", risks="- Cut-over may slip @bruno")
    assert again.pk == update.pk and again.on_time and again.team.slug == "payments"
    assert [i.text for i in status.register("payments")] == ["Cut-over may slip @bruno"]
    dropped = Item.objects.get(text="A reviewer for ADR 8")
    assert dropped.state == "dropped"


def test_bad_updates_are_refused_whole(demo):
    chloe = person("chloe")
    with pytest.raises(ValidationFailed) as empty:
        status.post_update(chloe, week="2026-W48")
    assert empty.value.field == "done"
    with pytest.raises(ValidationFailed) as week:
        status.post_update(chloe, week="2026-48", done="x")
    assert week.value.field == "week"
    with pytest.raises(ValidationFailed) as link:
        status.post_update(chloe, done="x", risks="- r", links=[{"url": "javascript:alert(1)"}])
    assert link.value.field == "links.0"
    with pytest.raises(ValidationFailed) as team:
        status.post_update(chloe, done="x", team="mobile")
    assert team.value.field == "team"
    assert not Item.objects.exists() and not chloe.status_updates.exists()


def test_items_are_settled_by_their_owner_the_raiser_or_the_lead(demo):
    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(person("bruno"), team="payments", risks="- PSP rate limits")
    item = Item.objects.get()
    with pytest.raises(PermissionDenied):
        status.settle_item(item.pk, person("mia"))
    status.settle_item(item.pk, person("ana"), state="open", owner="mia")  # the lead reassigns
    with clock.frozen(utc(2026, 11, 25, 10)):
        done = status.settle_item(item.pk, person("mia"), resolution="Limits raised.")
    assert done.state == "resolved" and done.owner.slug == "mia"
    assert done.resolved_at == utc(2026, 11, 25, 10)
    assert not status.register("payments").exists()


def test_a_risk_stays_on_the_register_when_the_person_who_raised_it_leaves(demo):
    """It used to be deleted with them, though someone else owned it and it was still open."""
    from sunrelay.people import service as people
    from tests.conftest import sign_in

    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(person("bruno"), team="payments", risks="- PSP rate limits @ana")
    people.delete_person("bruno")
    item = Item.objects.get()
    assert item.raised_by is None and item.owner.slug == "ana" and item.state == "open"
    page = sign_in("ana").get("/cadence/teams/payments/risks/")
    assert "PSP rate limits" in page.text and "someone who has left" in page.text


def test_a_weekly_update_stays_the_team_s_history_when_its_author_leaves(demo):
    """It used to be deleted with them, with every week they had written."""
    from sunrelay.cadence.models import StatusUpdate
    from sunrelay.people import service as people
    from tests.conftest import sign_in

    with clock.frozen(utc(2026, 11, 23, 10)):
        posted = status.post_update(person("bruno"), team="payments", done="Retries shipped.")
    people.delete_person("bruno")
    kept = StatusUpdate.objects.get(pk=posted.pk)
    assert kept.author is None and kept.done == "Retries shipped."
    listed = sign_in("ana").get(f"/api/v1/cadence/status/updates?week={posted.week}")
    assert listed.status_code == 200
    assert [(u["author"], u["done"]) for u in listed.json()] == [(None, "Retries shipped.")]


def test_someone_who_owns_an_open_risk_is_not_removed_until_it_is_handed_over(demo, writer):
    """Removing them used to delete the open risk with them."""
    from sunrelay.core.errors import Conflict
    from sunrelay.people import service as people

    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(person("bruno"), team="payments", risks="- PSP rate limits @ana")
    item = Item.objects.get()
    with pytest.raises(Conflict) as caught:
        people.delete_person("ana")
    assert f"item #{item.pk} 'PSP rate limits @ana' (risk, open)" in caught.value.message
    assert writer.delete("/api/v1/people/ana").status_code == 409
    status.settle_item(item.pk, person("ana"), state="open", owner="mia")  # handed over
    people.delete_person("ana")
    assert Item.objects.get().owner.slug == "mia"


def test_a_settled_risk_stays_on_the_register_when_its_owner_leaves(demo):
    """It used to be deleted with them. It stays, owned by someone who has left, and it is
    reopened only with a new owner: open work always has one."""
    from sunrelay.people import service as people
    from tests.conftest import sign_in

    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(person("bruno"), team="payments", risks="- PSP rate limits @mia")
    item = Item.objects.get()
    status.settle_item(item.pk, person("mia"), resolution="Limits raised.")
    people.delete_person("mia")
    kept = Item.objects.get()
    assert kept.owner is None and kept.state == "resolved"
    with pytest.raises(ValidationFailed) as reopened:
        status.settle_item(item.pk, person("ana"), state="open")
    assert reopened.value.field == "owner"
    page = sign_in("ana").get("/cadence/teams/payments/risks/?state=resolved")
    assert "PSP rate limits" in page.text and "someone who has left" in page.text
    status.settle_item(item.pk, person("ana"), state="open", owner="bruno")
    assert Item.objects.get().owner.slug == "bruno"


def test_an_item_whose_team_was_removed_is_still_settled_from_the_hub(demo):
    """Settling it used to end in a 500: the page went back to its team's risk register,
    and there was no team to go back to."""
    from sunrelay.people import service as people
    from tests.conftest import sign_in

    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(person("bruno"), team="payments", risks="- PSP rate limits")
    item = Item.objects.get()
    people.delete_team("payments")
    answer = sign_in("bruno").post(f"/cadence/items/{item.pk}/", {"state": "resolved"})
    assert answer.status_code == 302 and answer["Location"] == "/cadence/status/"
    assert Item.objects.get().state == "resolved"


def test_reminders_go_once_in_working_hours_and_skip_those_who_posted(demo):
    with clock.frozen(utc(2026, 11, 23, 9, 5)):  # Chloé's Monday window has begun
        status.post_update(person("dieter"), done="Gateway upgrade.")
        sent = status.send_reminders()
        assert status.send_reminders() == 0  # a second run sends nothing new
    reminded = set(
        Notification.objects.filter(kind="status.reminder").values_list(
            "recipient__slug", flat=True
        )
    )
    assert "chloe" in reminded and "dieter" not in reminded
    assert "mia" not in reminded  # her reminder is Thursday 22:00 UTC
    assert sent == len(reminded)


def test_the_digest_waits_for_the_last_due_time_then_reaches_members_and_followers(
    demo, django_assert_num_queries
):
    status.follow("payments", person("olivia"))
    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(person("chloe"), team="payments", done="Export shipped", asks="- Review")
    with clock.frozen(utc(2026, 11, 27, 14, 59)):  # Ana (São Paulo) is due at 15:00 UTC
        made = status.compile_digests()  # last week's digests, not this one's
        assert not [d for d in made if d.team.slug == "payments" and d.week == "2026-W48"]
    with clock.frozen(utc(2026, 11, 27, 15)):
        digest = next(d for d in status.compile_digests() if d.team.slug == "payments")
        # once; and a run with nothing left to compile reads the digests and teams, no more
        with django_assert_num_queries(2):
            assert not status.compile_digests()
    assert digest.week == "2026-W48"
    assert (
        "1 of 4 posted (1 on time). Not posted: Ana Lima, Bruno Costa, Mia Roberts." in digest.body
    )
    assert "## Chloé Martin" in digest.body and "- Review (owner: Chloé Martin)" in digest.body
    readers = Notification.objects.filter(kind="status.digest", subject__endswith="2026-W48")
    readers = readers.filter(subject__startswith="Payments")
    assert sorted(readers.values_list("recipient__slug", flat=True)) == [
        "ana",
        "bruno",
        "chloe",
        "mia",
        "olivia",
    ]
    assert Digest.objects.filter(team__slug="payments", week="2026-W48").count() == 1


def test_participation_counts_away_weeks_out(demo):
    with clock.frozen(utc(2026, 11, 23, 10)):
        status.post_update(person("ana"), done="Planning")
    with clock.frozen(utc(2026, 12, 4, 15, 1)):  # a minute after Friday 12:00 São Paulo
        status.post_update(person("ana"), week="2026-W49", done="Late one")
    with clock.frozen(utc(2026, 12, 29, 12)):
        report = status.participation("payments", ["2026-W48", "2026-W49", "2026-W52"])
    ana = next(p for p in report["people"] if p["id"] == "ana")
    assert ana["weeks"] == {"2026-W48": "on-time", "2026-W49": "late", "2026-W52": "away"}
    assert ana["rate"] == 1.0
    mia = next(p for p in report["people"] if p["id"] == "mia")
    assert mia["weeks"]["2026-W48"] == "missing" and mia["rate"] == 0.0
    assert report["by_week"]["2026-W48"] == 0.25  # one of four
