"""Who may change the cadence: 1:1s are private, rituals belong to their team, feeds to their
owner (docs/permissions.md)."""

from __future__ import annotations

import pytest

from sunrelay.cadence import feeds, rituals
from sunrelay.cadence.models import Feed, Occurrence, Ritual
from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied
from tests.cadence.helpers import DEMO_HOUR, person, utc
from tests.conftest import sign_in

ONE_ON_ONE = {
    "title": "Ana / Bruno",
    "kind": "one-on-one",
    "rrule": "FREQ=WEEKLY;BYDAY=TU",
    "start": "2026-11-03T10:00",
    "timezone": "America/Sao_Paulo",
    "duration_minutes": 30,
    "owners": ["ana"],
    "attendees": ["ana", "bruno"],
}
FIRST = "2026-11-03T13:00:00Z"  # 10:00 São Paulo


@pytest.fixture
def pair(demo) -> Ritual:
    return rituals.save_ritual(ONE_ON_ONE, by="ana")


def test_a_1on1_is_read_and_written_by_its_two_attendees_only(pair):
    with clock.frozen(utc(2026, 11, 1)):
        rituals.save_occurrence(pair, utc(2026, 11, 3, 13), "bruno", notes="private notes")
        for outsider in (sign_in("mia"), sign_in("root", staff=True)):
            assert outsider.get(f"/cadence/rituals/{pair.pk}/").status_code == 404
            api = f"/api/v1/cadence/rituals/{pair.pk}"
            assert outsider.get(f"{api}/occurrences").status_code == 404
            assert "private notes" not in outsider.get(f"{api}/occurrences").content.decode()
            put = outsider.put(
                f"{api}/occurrences/{FIRST}", {"notes": "mine now"}, "application/json"
            )
            assert put.status_code == 404
            posted = outsider.post(
                f"/cadence/rituals/{pair.pk}/", {"start": FIRST, "notes": "mine now"}
            )
            assert posted.status_code == 404
        assert Occurrence.objects.get(ritual=pair).notes == "private notes"
        assert (
            "private notes" in sign_in("ana").get(f"/cadence/rituals/{pair.pk}/").content.decode()
        )


def test_nobody_starts_a_1on1_for_others(demo):
    with pytest.raises(Exception, match="1:1 you attend"):
        rituals.save_ritual(ONE_ON_ONE, by="mia")


def test_rituals_belong_to_their_team(demo):
    """Yuki is in no Payments team: she may not hold its rituals or change them."""
    with pytest.raises(PermissionDenied, match="members of payments"):
        rituals.save_ritual(DEMO_HOUR, by="yuki")
    page = sign_in("yuki").post(
        "/cadence/teams/payments/rituals/",
        {"title": "Take-over", "rrule": "FREQ=WEEKLY", "start": "2026-12-01T10:00"},
    )
    assert page.status_code == 200 and "only members of payments" in page.content.decode()
    made = rituals.save_ritual(DEMO_HOUR, by="mia")  # a member of Payments
    with pytest.raises(PermissionDenied):
        rituals.save_ritual({"title": "Mine"}, made.pk, by="yuki")
    with pytest.raises(PermissionDenied):
        rituals.delete_ritual(made.pk, by="yuki")
    refused = sign_in("yuki").delete(f"/api/v1/cadence/rituals/{made.pk}")
    assert refused.status_code == 403 and Ritual.objects.filter(pk=made.pk).exists()
    rituals.save_ritual({"title": "Demo hour (all)"}, made.pk, by="chloe")


def test_a_feed_is_renewed_by_its_owner_or_the_team_lead(demo):
    token = feeds.feed_for(person("ana")).token
    team_token = feeds.feed_for(person("ana").teams.get(slug="payments")).token
    mia = sign_in("mia")
    mia.post("/cadence/calendar/", {"team": "payments"})
    assert Feed.objects.get(team__slug="payments").token == team_token
    with pytest.raises(PermissionDenied):
        feeds.renew(person("ana"), by="mia")
    assert Feed.objects.get(person__slug="ana").token == token
    sign_in("ana").post("/cadence/calendar/", {"team": "payments"})
    assert Feed.objects.get(team__slug="payments").token != team_token


def _private_one_on_one(title: str, at: str) -> None:
    """A weekly 1:1 of ana and bruno, made a week before the demo's Monday."""
    from tests.cadence.helpers import utc

    with clock.frozen(utc(2026, 11, 16)):
        rituals.save_ritual(
            {"title": title, "kind": "one-on-one", "rrule": "FREQ=WEEKLY", "start": at,
             "timezone": "UTC", "owners": ["ana"], "attendees": ["ana", "bruno"]},
            by="ana",
        )  # fmt: skip


def test_the_api_lists_a_1on1_only_to_its_attendees(demo):
    _private_one_on_one("Ana / Bruno", "2026-11-18T13:00")
    seen = {
        who: [r["title"] for r in sign_in(who).get("/api/v1/cadence/rituals").json()]
        for who in ("ana", "bruno", "yuki")
    }
    assert seen["ana"] == seen["bruno"] == ["Ana / Bruno"] and seen["yuki"] == []


def test_the_burden_page_does_not_show_someone_elses_1on1(demo):
    from tests.cadence.helpers import utc

    _private_one_on_one("Ana / Bruno: pay review", "2026-11-18T22:00")
    with clock.frozen(utc(2026, 11, 17)):
        theirs = sign_in("yuki").get("/cadence/burden/?person=bruno").content.decode()
        own = sign_in("bruno").get("/cadence/burden/?person=bruno").content.decode()
    assert "pay review" not in theirs and "pay review" in own
