"""Pull-request flow in the working time of whoever it waited on; review requests against the
team's agreement; work in progress; reminders for overdue reviews."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.delivery import service
from sunrelay.delivery.metrics import prs, queries
from sunrelay.demo import webhooks as P
from sunrelay.notify.models import Notification
from sunrelay.people import service as people

pytestmark = pytest.mark.django_db
REPO = "acme/ledger"


@pytest.fixture
def org(db):
    people.create_person(
        {
            "id": "rita",
            "name": "Rita",
            "timezone": "Europe/Lisbon",
            "working_hours": "09:00-17:30",
            "github": "rita-pt",
        }
    )
    people.create_person(
        {
            "id": "kenji",
            "name": "Kenji",
            "timezone": "Asia/Tokyo",
            "working_hours": "09:00-18:00",
            "holidays": "JP",
            "github": "kenji",
        }
    )
    people.create_team(
        {
            "id": "payments",
            "name": "Payments",
            "members": ["rita", "kenji"],
            "agreement": {"review": {"pr": "8h"}},
        }
    )
    people.create_component({"id": "ledger", "name": "Ledger", "owner": "payments",
                             "repos": [REPO]})  # fmt: skip


_ids = itertools.count()


def ingest(*items: tuple[str, dict]) -> None:
    report = service.ingest(P.line(e, f"d-{next(_ids)}", p) for e, p in items)
    assert report.rejected == []


def opened(number: int, at: datetime, reviewer: str | None = None, **kw) -> tuple[str, dict]:
    action = "review_requested" if reviewer else "opened"
    return ("pull_request", P.pull_request(action, REPO, number, author="rita-pt", created=at,
                                           updated=at, head_ref=f"f-{number}", requested=reviewer,
                                           **kw))  # fmt: skip


def reviewed(number: int, created: datetime, who: str, state: str, at: datetime, kind="User"):
    pull = P.pull_request(
        "opened",
        REPO,
        number,
        author="rita-pt",
        created=created,
        updated=at,
        head_ref=f"f-{number}",
        review_shape=True,
    )["pull_request"]
    made = P.review(REPO, number, reviewer=who, state=state, submitted=at, pull=pull,
                    reviewer_type=kind)  # fmt: skip
    return ("pull_request_review", made)


FRIDAY_6PM_LISBON = datetime(2026, 1, 16, 18, tzinfo=UTC)  # winter: Lisbon is on UTC
MONDAY_0930_TOKYO = datetime(2026, 1, 19, 0, 30, tzinfo=UTC)  # 09:30 JST


def flow(start=date(2026, 1, 12), end=date(2026, 1, 26)) -> dict:
    return prs.pr_flow(start, end, queries.scope())


def test_pickup_across_zones_is_thirty_working_minutes_not_two_days(org):
    """Opened Friday 18:00 in Lisbon, reviewed Monday 09:30 in Tokyo by a reviewer who works
    09:00-18:00 there: 30 minutes of his working time, 54.5 hours of the calendar."""
    ingest(
        opened(1, FRIDAY_6PM_LISBON),
        opened(1, FRIDAY_6PM_LISBON, reviewer="kenji"),
        reviewed(1, FRIDAY_6PM_LISBON, "dependabot[bot]", "approved", FRIDAY_6PM_LISBON),
        reviewed(1, FRIDAY_6PM_LISBON, "kenji", "approved", MONDAY_0930_TOKYO),
    )
    with clock.frozen(datetime(2026, 1, 20, tzinfo=UTC)):
        found = flow()
    pickup = found["stages"]["pickup"]
    assert pickup["count"] == 1
    assert pickup["working_hours"]["median"] == 0.5
    assert pickup["calendar_hours"]["median"] == 54.5
    assert found["stages"]["review"]["working_hours"]["median"] == 0.0  # approved at once
    sla = found["review_sla"]
    assert (sla["requests"], sla["in_time"], sla["share"]) == (1, 1, 1.0)
    assert found["unmapped"] == []  # the bot is no person, and not "unmapped" either


def test_a_review_past_the_agreement_is_late_and_listed(org):
    """Asked Monday 09:00 in Tokyo, answered Tuesday 14:00 there: 8 working hours ran out
    on Monday at 17:00 Tokyo time."""
    monday_9 = datetime(2026, 1, 19, 0, tzinfo=UTC)
    tuesday_14 = datetime(2026, 1, 20, 5, tzinfo=UTC)
    ingest(
        opened(2, monday_9),
        opened(2, monday_9, reviewer="kenji"),
        reviewed(2, monday_9, "kenji", "commented", tuesday_14),
    )
    with clock.frozen(datetime(2026, 1, 21, tzinfo=UTC)):
        sla = flow()["review_sla"]
    assert (sla["requests"], sla["in_time"]) == (1, 0)
    assert sla["late"] == [
        {
            "repo": REPO,
            "number": 2,
            "reviewer": "kenji",
            "requested_at": "2026-01-19T00:00:00+00:00",
            "due_at": "2026-01-19T08:00:00+00:00",
            "answered_at": "2026-01-20T05:00:00+00:00",
            "agreement": "8h",
        }
    ]
    assert sla["reviewers"] == {"kenji": {"requests": 1, "in_time": 0, "share": 0.0}}


def test_a_24h_agreement_is_a_valid_setting(org):
    people.update_team("payments", {"agreement": {"review": {"pr": "24h"}}})
    monday_9 = datetime(2026, 1, 19, 0, tzinfo=UTC)
    ingest(
        opened(2, monday_9, reviewer="kenji"),
        reviewed(2, monday_9, "kenji", "commented", datetime(2026, 1, 20, 5, tzinfo=UTC)),
    )
    with clock.frozen(datetime(2026, 1, 21, tzinfo=UTC)):
        assert flow()["review_sla"]["in_time"] == 1


def test_drafts_wait_until_ready(org):
    ingest(opened(3, FRIDAY_6PM_LISBON, draft=True))
    with clock.frozen(datetime(2026, 1, 20, tzinfo=UTC)):
        assert flow()["pulls"] == 0
    ready = FRIDAY_6PM_LISBON + timedelta(days=3)
    ingest(("pull_request", P.pull_request("ready_for_review", REPO, 3, author="rita-pt",
                                           created=FRIDAY_6PM_LISBON, updated=ready,
                                           head_ref="f-3")))  # fmt: skip
    with clock.frozen(datetime(2026, 1, 20, tzinfo=UTC)):
        found = flow()
    assert found["pulls"] == 1
    coding = found["stages"]["coding"]["calendar_hours"]["median"]
    assert coding == 72.0  # from opening (no branch push seen) to ready


def test_work_in_progress_and_reminders_of_overdue_reviews(org):
    monday_9 = datetime(2026, 1, 19, 0, tzinfo=UTC)
    ingest(*[opened(n, monday_9) for n in (4, 5)], opened(6, monday_9, reviewer="kenji"))
    with clock.frozen(datetime(2026, 1, 19, 4, tzinfo=UTC)):
        wip = {w["person"]: w for w in prs.wip(queries.scope())}
        assert wip["rita"]["total"] == 3 and wip["rita"]["over"] is True
        assert wip["kenji"]["reviewing"] == [f"{REPO}#6"] and wip["kenji"]["over"] is False
        assert service.remind_overdue_reviews() == 0  # 4 working hours in: not yet due
    with clock.frozen(datetime(2026, 1, 19, 9, tzinfo=UTC)):  # 18:00 Tokyo: 9 h in
        assert service.remind_overdue_reviews() == 1
        service.remind_overdue_reviews()  # again: the same reminder, not a second one
    sent = Notification.objects.filter(kind="review.overdue")
    assert sent.count() == 1 and sent.get().recipient.slug == "kenji"
    assert "acme/ledger#6" in sent.get().subject


def test_unmapped_logins_are_listed_never_guessed(org):
    ingest(("pull_request", P.pull_request("opened", REPO, 9, author="stranger",
                                           created=FRIDAY_6PM_LISBON, updated=FRIDAY_6PM_LISBON,
                                           head_ref="x")))  # fmt: skip
    with clock.frozen(datetime(2026, 1, 20, tzinfo=UTC)):
        assert flow()["unmapped"] == ["stranger"]


def test_the_cli_and_the_api(org, reader):
    ingest(opened(1, FRIDAY_6PM_LISBON, reviewer="kenji"),
           reviewed(1, FRIDAY_6PM_LISBON, "kenji", "approved", MONDAY_0930_TOKYO))  # fmt: skip
    with clock.frozen(datetime(2026, 1, 20, tzinfo=UTC)):
        args = ["--from", "2026-01-12", "--to", "2026-01-26", "--team", "payments", "--json"]
        done = CliRunner().invoke(app, ["metrics", "prs", *args])
        assert done.exit_code == 0, done.output
        found = json.loads(done.stdout)
        assert found["stages"]["pickup"]["working_hours"]["median"] == 0.5
        answer = reader.get("/api/v1/metrics/prs", {"from": "2026-01-12", "to": "2026-01-26",
                                                     "team": "payments"})  # fmt: skip
        assert answer.json() == found
        table = CliRunner().invoke(app, ["metrics", "prs", "--from", "2026-01-12",
                                         "--to", "2026-01-26"])  # fmt: skip
        assert "pickup" in table.stdout and "answered in time: 1 of 1" in table.stdout
        wip = reader.get("/api/v1/metrics/wip", {"team": "payments"})
        assert wip.status_code == 200 and wip.json()[0]["person"] == "rita"


def test_the_agreement_keys_are_checked_in_the_org_file():
    from sunrelay.people import orgfile

    text = (
        "version: 1\npeople: []\nteams:\n  - {id: t, name: T, agreement: "
        "{review: {pr: soon}, wip: {person: 0}}}\n"
    )
    with pytest.raises(orgfile.OrgFileInvalid) as caught:
        orgfile.parse(text)
    found = [p.message for p in caught.value.problems]
    assert "'soon' is not a working-time period like '72h' or '3d'" in found
    assert "must be a whole number of at least 1, not 0" in found


def test_a_team_whose_components_have_no_repositories_has_empty_figures(demo, reader):
    from sunrelay.people import service as people

    people.update_component("ledger", {"repos": []})
    people.update_component("checkout-api", {"repos": []})
    answer = reader.get("/api/v1/metrics/prs?from=2026-11-02&to=2026-11-30&team=payments")
    assert answer.status_code == 200, answer.content
    assert answer.json()["pulls"] == 0


def test_only_the_window_s_requests_name_unmapped_reviewers(org):
    """A request made before the window, to someone the directory does not know, is not the
    window's: its reviewer is not listed, by the columns or pull by pull."""
    before = datetime(2026, 1, 5, 9, tzinfo=UTC)
    ingest(
        opened(7, before),
        opened(7, before, reviewer="ghost"),
        opened(7, before, reviewer="kenji"),
        reviewed(7, before, "kenji", "approved", MONDAY_0930_TOKYO),
    )
    window = (date(2026, 1, 12), date(2026, 1, 26))
    with clock.frozen(datetime(2026, 1, 21, tzinfo=UTC)):
        fast = prs.pr_flow(*window, queries.scope())
        assert fast == prs.pr_flow_by_pull(*window, queries.scope())
        assert fast["unmapped"] == []
        wide = prs.pr_flow(date(2026, 1, 1), date(2026, 1, 26), queries.scope())
    assert wide["unmapped"] == ["ghost"]
