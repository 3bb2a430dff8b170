"""Records through their statuses and the review workflow, with a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.decisions import review, service
from sunrelay.decisions.errors import NotAReviewer, NotTheDri, TransitionNotAllowed
from sunrelay.decisions.models import Record
from sunrelay.notify.models import Notification
from tests.conftest import sign_in

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Tokyo 21:00, Lisbon 12:00


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def record(demo) -> Record:
    with clock.frozen(MONDAY_NOON):
        return service.create_record(
            {
                "title": "Split the ledger service",
                "team": "payments",
                "dri": "ana",
                "components": ["ledger"],
                "tags": ["Storage"],
            },
            "ana",
        )


@pytest.fixture
def proposed(record) -> Record:
    with clock.frozen(MONDAY_NOON):
        return review.request_review(record.pk, "ana", reviewers=["yuki", "chloe"])


def test_new_records_start_as_drafts_from_their_template(record):
    assert (record.status, record.number, record.kind) == ("draft", 1, "adr")
    assert "## Context" in record.body and "## Consequences" in record.body
    doc = service.create_record({"title": "Payments v2", "kind": "design-doc"}, "ana")
    assert doc.number == 2 and "## Success Metrics" in doc.body
    assert record.tags == ["storage"]


def test_each_reviewer_gets_the_team_period_in_their_own_working_time(proposed):
    due = {r.person.slug: r.due_at for r in proposed.reviewers.select_related("person")}
    # payments' agreement: ADRs 2 working days. Yuki (Tokyo, 9 h days) starts Tuesday 09:30
    # and ends Wednesday 18:30 local; Chloé (Lisbon, 8.5 h days) has 5.5 h left on Monday.
    assert due == {"yuki": at("2026-11-25T09:30:00Z"), "chloe": at("2026-11-25T12:00:00Z")}
    assert proposed.review_due_at == at("2026-11-25T12:00:00Z")
    assert proposed.status == "proposed"


def test_review_requests_wait_for_each_reviewers_working_hours(proposed):
    sent = {n.recipient.slug: n for n in Notification.objects.select_related("recipient")}
    assert sent["yuki"].deliver_after == at("2026-11-24T00:30:00Z")  # Tuesday 09:30 in Tokyo
    assert sent["chloe"].deliver_after == MONDAY_NOON  # Chloé is at work


def test_team_reviewers_expand_to_members_and_consulted_people_review(demo):
    with clock.frozen(MONDAY_NOON):
        record = service.create_record(
            {"title": "Shared CI runners", "dri": "chloe", "raci": {"consulted": ["olivia"]}},
            "chloe",
        )
        review.request_review(record.pk, "chloe", teams=["platform-emea"])
    reviewers = {
        r.person.slug: (r.via_team.slug if r.via_team else None, r.consulted)
        for r in record.reviewers.select_related("person", "via_team")
    }
    assert reviewers == {
        "dieter": ("platform-emea", False),
        "priya": ("platform-emea", False),
        "emeka": ("platform-emea", False),
        "olivia": (None, True),
    }


def test_review_needs_a_dri_and_a_reviewer(demo):
    record = service.create_record({"title": "No owner"})
    with pytest.raises(ValidationFailed) as no_dri:
        review.request_review(record.pk, None, reviewers=["yuki"])
    assert no_dri.value.field == "dri"
    service.update_record(record.pk, {"dri": "ana"})
    with pytest.raises(ValidationFailed) as nobody:
        review.request_review(record.pk, "ana", reviewers=["ana"])
    assert nobody.value.field == "reviewers"


def test_only_reviewers_give_verdicts_and_only_the_dri_decides(proposed):
    with pytest.raises(NotAReviewer):
        review.approve(proposed.pk, "bruno")
    review.approve(proposed.pk, "yuki", "Looks right")
    with pytest.raises(NotTheDri):
        service.transition(proposed.pk, "accepted", "yuki")
    record = service.transition(proposed.pk, "accepted", "ana", "Both regions agree")
    assert (record.status, record.decision_note) == ("accepted", "Both regions agree")
    outcome = Notification.objects.filter(kind="decision.decided")
    assert sorted(n.recipient.slug for n in outcome) == ["chloe", "yuki"]


@pytest.mark.parametrize(
    ("steps", "to", "allowed"),
    [
        ([], "accepted", False),  # a draft cannot be accepted
        ([], "rejected", False),
        (["review"], "accepted", True),
        (["review"], "rejected", True),
        (["review"], "draft", True),  # withdrawn
        (["review", "accepted"], "deprecated", True),
        (["review", "accepted"], "draft", False),
        (["review", "rejected"], "accepted", False),
        (["review", "accepted", "deprecated"], "accepted", False),
    ],
)
def test_transitions_are_enforced(record, steps, to, allowed):
    for step in steps:
        if step == "review":
            review.request_review(record.pk, "ana", reviewers=["bruno"])
        else:
            service.transition(record.pk, step, "ana")
    if allowed:
        assert service.transition(record.pk, to, "ana").status == to
    else:
        with pytest.raises(TransitionNotAllowed):
            service.transition(record.pk, to, "ana")


def test_superseding_sets_both_records(demo):
    old = service.create_record({"title": "Use MySQL", "dri": "ana"}, "ana")
    review.request_review(old.pk, "ana", reviewers=["bruno"])
    service.transition(old.pk, "accepted", "ana")
    new = service.create_record({"title": "Use PostgreSQL", "dri": "ana"}, "ana")
    service.link(new.pk, "supersedes", old.pk, "ana")
    assert Record.objects.get(pk=old.pk).status == "accepted"  # not until the new one is
    review.request_review(new.pk, "ana", reviewers=["bruno"])
    service.transition(new.pk, "accepted", "ana")
    old.refresh_from_db()
    assert old.status == "superseded"
    assert [(x.kind, x.target_id) for x in old.links.all()] == [("superseded-by", new.pk)]
    with pytest.raises(TransitionNotAllowed):
        service.update_record(old.pk, {"body": "rewrite history"})


def test_comments_thread_and_the_dri_answers_on_a_section(proposed):
    question = review.comment(
        proposed.pk, "chloe", "Why not shard by customer?", section="Decision"
    )
    answer = review.comment(proposed.pk, "ana", "Customers vary by 1000x.", reply_to=question.pk)
    assert (answer.kind, answer.parent_id, question.section) == ("answer", question.pk, "Decision")
    with pytest.raises(ValidationFailed):
        review.comment(proposed.pk, "chloe", "  ")


def test_overdue_reviewers_are_marked_once_and_told(proposed):
    with clock.frozen(at("2026-11-25T09:30:01Z")):
        assert review.advance_reviews() == 1
        assert review.advance_reviews() == 0
    late = proposed.reviewers.get(person__slug="yuki")
    assert late.overdue_noted_at is not None
    assert Notification.objects.filter(kind="decision.overdue", recipient__slug="yuki").count() == 1
    assert list(proposed.events.filter(kind="overdue").values_list("actor__slug", flat=True)) == [
        "yuki"
    ]


def test_objections_after_the_deadline_climb_the_ladder_one_rung_at_a_time(proposed):
    with clock.frozen(at("2026-11-24T10:00:00Z")):
        review.approve(proposed.pk, "yuki")
        review.request_changes(proposed.pk, "chloe", "The migration plan is missing.")
    with clock.frozen(at("2026-11-25T11:59:00Z")):
        review.advance_reviews()
    assert Record.objects.get(pk=proposed.pk).rung == "none"  # the deadline has not passed
    with clock.frozen(at("2026-11-25T12:00:01Z")):
        review.advance_reviews()
        review.advance_reviews()  # waiting: nothing more
    assert Record.objects.get(pk=proposed.pk).rung == "async-thread"
    # Eight of Ana's working hours later (09:00:01 → 17:00:01 in São Paulo) a huddle is proposed.
    with clock.frozen(at("2026-11-25T20:00:00Z")):
        review.advance_reviews()
    assert Record.objects.get(pk=proposed.pk).rung == "async-thread"
    with clock.frozen(at("2026-11-25T20:00:02Z")):
        review.advance_reviews()
    huddle = proposed.events.filter(kind="escalated").last()
    assert huddle.data["rung"] == "huddle" and huddle.data["objectors"] == ["chloe"]
    start = at(huddle.data["start"])
    # Ana works 12:00–21:00 UTC, Chloé 09:00–17:30 UTC: the slot sits in both
    assert huddle.data["outside_minutes"] == 0
    assert start.hour >= 12 and start.hour * 60 + start.minute + 30 <= 17 * 60 + 30
    with clock.frozen(start):
        review.advance_reviews()
    assert Record.objects.get(pk=proposed.pk).rung == "huddle"
    with clock.frozen(at(huddle.data["end"])):
        review.advance_reviews()
    assert Record.objects.get(pk=proposed.pk).rung == "dri-decides"
    waiting = review.waiting_on(proposed.dri)
    assert [r.pk for r in waiting["decide"]] == [proposed.pk]
    with clock.frozen(at(huddle.data["end"])):
        service.transition(proposed.pk, "accepted", "ana", "Migration plan added as a follow-up.")
        review.record_retro(proposed.pk, "ana", "Ask for the migration plan in the template.")
    kinds = list(proposed.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "review_requested",
        "approved",
        "changes_requested",
        "escalated",
        "escalated",
        "escalated",
        "status",
        "retro",
    ]


def test_waiting_on_me_lists_reviews_to_give_soonest_first(proposed):
    yuki = proposed.reviewers.get(person__slug="yuki").person
    assert [r.record_id for r in review.waiting_on(yuki)["reviews"]] == [proposed.pk]
    review.approve(proposed.pk, "yuki")
    assert review.waiting_on(yuki)["reviews"] == []


def test_a_decision_taken_before_your_review_stays_in_sight_as_decided_without_it(proposed):
    yuki = proposed.reviewers.get(person__slug="yuki").person
    with clock.frozen(MONDAY_NOON + timedelta(hours=2)):
        service.transition(proposed.pk, "accepted", "ana", "Urgent: the disk is filling up")
        owed = review.waiting_on(yuki)
        page = sign_in("yuki").get("/decisions/waiting/?tz=UTC").content.decode()
    assert owed["reviews"] == []  # nothing to give any more...
    assert [r.record_id for r in owed["skipped"]] == [proposed.pk]  # ...but not silently
    assert "Decided without your review" in page and "accepted by Ana Lima" in page
    with clock.frozen(MONDAY_NOON + timedelta(days=31)):
        assert review.waiting_on(yuki)["skipped"] == []  # out of sight after a month


def test_someone_away_for_years_is_named_or_left_out_not_a_500(demo):
    """A five-year absence made every review request naming that person fail with a 500."""
    from datetime import date

    from sunrelay.people import service as people

    people.add_absence("bruno", date(2026, 1, 1), date(2031, 1, 1), "sabbatical")
    with clock.frozen(MONDAY_NOON):
        named = service.create_record({"title": "Named", "team": "payments"}, "ana")
        with pytest.raises(ValidationFailed) as refused:
            review.request_review(named.pk, "ana", reviewers=["bruno"])
        assert refused.value.field == "reviewers" and refused.value.message.startswith("bruno")
        assert Record.objects.get(pk=named.pk).status == "draft"

        by_team = service.create_record({"title": "Team", "team": "payments"}, "ana")
        review.request_review(by_team.pk, "ana", teams=["payments"])
    asked = Record.objects.get(pk=by_team.pk)
    assert sorted(asked.reviewers.values_list("person__slug", flat=True)) == ["chloe", "mia"]
    assert asked.events.get(kind="review_requested").data["away"] == ["bruno"]


def test_a_postmortem_owner_away_for_years_gets_an_elapsed_due_time(demo):
    from datetime import date, timedelta

    from sunrelay.incidents import service as incidents
    from sunrelay.people import service as people
    from sunrelay.people.models import Person

    ana = Person.objects.get(slug="ana")
    with clock.frozen(MONDAY_NOON):
        found = incidents.declare("Ledger down", "SEV2", ana, component="ledger")
    people.add_absence("ana", date(2026, 11, 24), date(2031, 1, 1), "sabbatical")
    with clock.frozen(MONDAY_NOON):
        incidents.move(found.pk, "resolved", ana)
    found.refresh_from_db()
    assert found.postmortem.due_at - MONDAY_NOON < timedelta(days=7)


def test_a_verdict_stays_on_the_record_when_its_reviewer_leaves(proposed):
    """Removing a reviewer used to delete their review with them, verdict and all. A
    pending review still goes (nobody can give it); a verdict given stays, naming nobody."""
    from sunrelay.decisions import queries
    from sunrelay.decisions.models import Reviewer
    from sunrelay.people import service as people

    with clock.frozen(MONDAY_NOON + timedelta(hours=1)):
        review.request_changes(proposed.pk, "chloe", "The migration plan is missing.")
    people.delete_person("chloe")
    people.delete_person("yuki")  # still pending
    [kept] = Reviewer.objects.filter(record=proposed)
    assert kept.person is None and kept.state == "changes_requested"
    with clock.frozen(MONDAY_NOON + timedelta(hours=2)):
        detail = queries.record_detail(proposed.pk)
        page = sign_in("ana").get(f"/decisions/{proposed.pk}/")
        waiting = sign_in("ana").get("/")
    assert [(r["person"], r["state"]) for r in detail["reviewers"]] == [(None, "changes_requested")]
    assert page.status_code == 200 and "someone who has left" in page.text
    assert waiting.status_code == 200
    assert "someone who has left asked for changes on" in waiting.text
    with clock.frozen(at("2026-11-27T12:00:00Z")):  # past the deadline: nobody to meet
        review.advance_reviews()
    assert Record.objects.get(pk=proposed.pk).status == "proposed"
