"""Delegations decided in advance: while the lead is away their delegate is asked in their
place, pages say who decides, and the duty returns when the absence ends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sunrelay.core import clock
from sunrelay.people import delegation, failure, orgfile
from sunrelay.people import service as people
from sunrelay.people.models import Team
from sunrelay.work import capacity
from tests.conftest import sign_in
from tests.work.conftest import org, who  # noqa: F401

AWAY = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # omar is away Mon 23 to Wed 25 Nov
BACK = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def delegated(org):  # noqa: F811
    app = Team.objects.get(slug="app")
    app.agreement = {"failure": {"delegates": [{"person": "omar", "delegate": "pia"}]}}
    app.save()
    people.add_absence("omar", date(2026, 11, 23), date(2026, 11, 25), "conference")
    return app


def test_a_delegate_is_asked_while_the_lead_is_away_and_the_duty_returns(delegated):
    with clock.frozen(AWAY):
        away = capacity.raise_signal("app", "pia", "two launches at once")
    with clock.frozen(BACK):
        back = capacity.raise_signal("app", "pia", "still two launches")
    assert sorted(a.person.slug for a in away.asks.all()) == ["grace", "pia"]
    assert sorted(a.person.slug for a in back.asks.all()) == ["grace", "omar"]
    assert delegation.stand_in(who("omar"), "oncall", AWAY) == who("pia")  # all duties


def test_pages_say_who_decides_and_a_lead_without_a_delegate_is_flagged(delegated):
    with clock.frozen(AWAY):
        (notice,) = delegation.notices(delegated, AWAY)
        page = sign_in("pia").get("/teams/app/").content.decode()
        core = sign_in("lena").get("/teams/core/").content.decode()
    assert notice.text() == (
        "Omar is away until Thu 26 Nov; Pia decides for "
        "decisions, reviews, escalations, handoffs, oncall"
    )
    assert notice.text() in page and 'data-testid="no-delegate"' not in page
    assert 'data-testid="no-delegate"' in core  # lena names nobody


def test_a_delegate_who_is_away_too_leaves_the_duty_where_it_was(delegated):
    people.add_absence("pia", date(2026, 11, 24), date(2026, 11, 24), "sick")
    assert delegation.stand_in(who("omar"), "decisions", AWAY) == who("omar")


def test_failure_agreements_are_checked_by_org_lint():
    with pytest.raises(ValueError, match="cannot be their own delegate"):
        failure.check_delegates([{"person": "a", "delegate": "a"}])
    with pytest.raises(ValueError, match="'do nothing' is a valid answer"):
        failure.check_playbooks([{"when": "lead-away", "decides": "a"}])
    text = (
        "version: 1\npeople: [{id: a, name: A, timezone: UTC}]\n"
        "teams: [{id: t, name: T, agreement: {failure: {delegates: "
        "[{person: a, delegate: b, for: [naps]}]}}}]\n"
    )
    with pytest.raises(orgfile.OrgFileInvalid) as caught:
        orgfile.parse(text)
    assert "for: must list duties among decisions" in str(caught.value.problems[0])


def test_an_absent_reviewers_delegate_reviews_in_their_place(delegated):
    from sunrelay.decisions import review
    from sunrelay.decisions import service as decisions

    with clock.frozen(AWAY):
        record = decisions.create_record({"title": "Payouts in batches", "team": "app"}, "grace")
        review.request_review(record.pk, "grace", reviewers=["omar"])
    assert [r.person.slug for r in record.reviewers.all()] == ["pia"]
    asked = record.events.get(kind="review_requested")
    assert asked.data["standing_in"] == {"pia": "omar"}
    with clock.frozen(BACK):  # omar is back: he reviews his own from now on
        again = decisions.create_record({"title": "Refunds in batches", "team": "app"}, "grace")
        review.request_review(again.pk, "grace", reviewers=["omar"])
    assert [r.person.slug for r in again.reviewers.all()] == ["omar"]


def test_the_person_and_decision_pages_say_who_decides_while_someone_is_away(delegated):
    from sunrelay.decisions import service as decisions

    with clock.frozen(AWAY):
        record = decisions.create_record({"title": "Payouts in batches", "team": "app"}, "omar")
        person = sign_in("pia").get("/people/omar/").content.decode()
        page = sign_in("pia").get(f"/decisions/{record.pk}/").content.decode()
    text = "Omar is away until Thu 26 Nov; Pia decides for"
    assert text in person and 'data-testid="dri-away"' in page and text in page
