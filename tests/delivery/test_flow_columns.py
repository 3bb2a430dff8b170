"""The pull-request figures read as columns from the kept review facts (ADR 26) are the figures
worked out pull request by pull request from every stored request and review.

Random histories of real webhook payloads (drafts made ready, review requests made and
withdrawn, reviews by teammates, by the author, by bots and by people outside the directory,
ties in time, merges that reach the default branch and deployments that ship them or fail)
are delivered shuffled in chunks of random sizes. Whatever the order, the kept facts must be
the ones worked out from scratch, and ``pr_flow`` must equal ``pr_flow_by_pull`` for every
window, to the last digit.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.test import override_settings

from sunrelay.core import clock
from sunrelay.delivery import service
from sunrelay.delivery.ingest import derived
from sunrelay.delivery.metrics import columns, prs, queries
from sunrelay.delivery.models import PullRequest, ReviewRequest
from sunrelay.demo import webhooks as P
from sunrelay.people import service as people

pytestmark = pytest.mark.django_db
REPOS = ["acme/ledger", "acme/web"]
MAPPED = ["rita-pt", "kenji", "ana-l", "omar"]
LOGINS = [*MAPPED, "stranger", "Kenji"]  # one outside the directory; one in another case
BEGIN = datetime(2026, 3, 2, 8, tzinfo=UTC)
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
def org(db):
    for pid, zone, login in (
        ("rita", "Europe/Lisbon", "rita-pt"),
        ("kenji", "Asia/Tokyo", "kenji"),
        ("ana", "America/New_York", "ana-l"),
        ("omar", "Asia/Kolkata", "omar"),
    ):
        people.create_person({"id": pid, "name": pid.title(), "timezone": zone, "github": login,
                              "working_hours": "09:00-17:00"})  # fmt: skip
    people.create_team({"id": "payments", "name": "Payments", "members": ["rita", "kenji"],
                        "agreement": {"review": {"pr": "4h"}}})  # fmt: skip
    people.create_team({"id": "web", "name": "Web", "members": ["ana", "omar"]})
    people.create_component({"id": "ledger", "name": "Ledger", "owner": "payments",
                             "repos": ["acme/ledger"]})  # fmt: skip
    people.create_component({"id": "site", "name": "Site", "owner": "web", "repos": ["acme/web"]})


def pull(repo: str, number: int, shape: dict, action: str, at: datetime, **kw) -> tuple:
    made = P.pull_request(action, repo, number, updated=at, **shape, **kw)
    return ("pull_request", made)


def history(seed: int) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    items: list[tuple[str, dict]] = []
    t = BEGIN
    deployment = 0
    landed: dict[str, list[str]] = {r: [] for r in REPOS}
    for number in range(1, 41):
        t += timedelta(minutes=rng.choice([0, 10, 90, 600, 1500]))
        repo, author = rng.choice(REPOS), rng.choice(LOGINS[:5])
        shape = {"author": author, "head_ref": f"f-{number}", "created": t}
        draft = rng.random() < 0.3
        began = t - timedelta(hours=rng.randrange(1, 20))
        first = P.commit(f"{seed:02x}{number:04x}".ljust(40, "a"), began, "dev@acme.test", author)
        items.append(("push", P.push(repo, f"refs/heads/f-{number}", [first], t)))
        items.append(pull(repo, number, shape, "opened", t, draft=draft))
        ready = t
        if draft:
            ready = t + timedelta(minutes=rng.randrange(5, 900))
            items.append(pull(repo, number, shape, "ready_for_review", ready))
        for login in rng.sample(LOGINS, rng.randrange(0, 3)):  # some asked while a draft
            asked = t + timedelta(minutes=rng.randrange(0, 600))
            items.append(pull(repo, number, shape, "review_requested", asked, requested=login,
                              draft=asked < ready))  # fmt: skip
            if rng.random() < 0.2:
                gone = asked + timedelta(minutes=rng.randrange(1, 600))
                items.append(pull(repo, number, shape, "review_request_removed", gone,
                                  requested=login))  # fmt: skip
        when = ready
        for _ in range(rng.randrange(0, 4)):
            who = rng.choice([*LOGINS, author, "dependabot[bot]"])
            when = when + timedelta(minutes=rng.choice([0, 0, 30, 400, 2000]))  # ties happen
            state = rng.choice(["commented", "approved", "changes_requested", "approved"])
            body = P.pull_request("opened", repo, number, updated=when, review_shape=True,
                                  **shape)["pull_request"]  # fmt: skip
            kind = "Bot" if who.endswith("[bot]") else "User"
            items.append(("pull_request_review", P.review(
                repo, number, reviewer=who, state=state, submitted=when, pull=body,
                reviewer_type=kind)))  # fmt: skip
        if rng.random() < 0.8:
            merged = when + timedelta(minutes=rng.randrange(1, 900))
            sha = f"{seed:02x}{number:04x}".ljust(40, "m")
            items.append(pull(repo, number, shape, "closed", merged, merged_at=merged,
                              merge_sha=sha, closed_at=merged))  # fmt: skip
            landing = P.commit(sha, merged, "dev@acme.test", author)
            items.append(("push", P.push(repo, "refs/heads/main", [landing], merged)))
            landed[repo].append(sha)
            t = merged
        if landed[repo] and rng.random() < 0.6:
            deployment += 1
            target = landed[repo][-1] if rng.random() < 0.8 else rng.choice(landed[repo])
            outcome = rng.choice(["success", "success", "success", "failure"])
            at = t + timedelta(minutes=rng.randrange(5, 3000))
            items.append(("deployment_status", P.deployment_status(
                repo, deployment, target, "production", outcome, at)))  # fmt: skip
            roll = rng.random()  # a retry that succeeded, or a success reported earlier
            if roll < 0.3 or (outcome == "failure" and roll < 0.6):
                again = at + timedelta(minutes=rng.choice([-40, -5, 20, 300]))
                items.append(("deployment_status", P.deployment_status(
                    repo, deployment, target, "production", "success", again)))  # fmt: skip
    return items


def deliver_shuffled(seed: int) -> None:
    rng = random.Random(500 + seed)
    lines = [P.line(e, f"c-{seed}-{i}", p) for i, (e, p) in enumerate(history(seed))]
    rng.shuffle(lines)
    while lines:
        size = rng.choice([1, 3, 10, 40])
        report = service.ingest(lines[:size])
        assert report.rejected == []
        lines = lines[size:]


def kept() -> tuple[list[tuple], list[tuple]]:
    facts = list(
        PullRequest.objects.order_by("pk").values_list(
            "pk",
            "asked_at",
            "first_review_at",
            "first_reviewer",
            "approved_at",
            "approver",
            "deployed_at",
        )
    )
    answers = list(ReviewRequest.objects.order_by("pk").values_list("pk", "answered_at"))
    return facts, answers


WINDOWS = [
    (date(2026, 3, 2), date(2026, 3, 9)),
    (date(2026, 3, 1), date(2026, 4, 1)),
    (date(2026, 3, 16), date(2026, 3, 30)),
    (date(2026, 2, 1), date(2026, 6, 1)),
]


@pytest.mark.parametrize("seed", range(4))
def test_columns_give_the_figures_worked_out_pull_by_pull(org, seed):
    deliver_shuffled(seed)
    assert derived.reviews_current()
    facts, answers = kept()
    assert sum(f[2] is not None for f in facts) > 10 and len(answers) > 10
    assert sum(f[6] is not None for f in facts) > 5
    derived.refresh_reviews()
    derived.refresh_shipped()
    assert kept() == (facts, answers)  # the order of arrival left what scratch gives
    with clock.frozen(NOW):
        for team in (None, "payments"):
            where = queries.scope(team)
            for start, end in WINDOWS:
                fast = prs.pr_flow(start, end, where, team)
                assert fast == prs.pr_flow_by_pull(start, end, where, team)
        whole = prs.pr_flow(date(2026, 2, 1), date(2026, 6, 1), queries.scope(None))
    assert whole["stages"]["pickup"]["count"] > 5
    assert whole["stages"]["deploy"]["count"] > 3
    assert whole["review_sla"]["requests"] > 5


def test_a_new_list_of_bots_is_read_pull_by_pull_until_the_facts_are_worked_out_again(org):
    deliver_shuffled(7)
    where, window = queries.scope(None), (date(2026, 2, 1), date(2026, 6, 1))
    with clock.frozen(NOW):
        before = prs.pr_flow(*window, where)
    assert PullRequest.objects.filter(first_reviewer__iexact="kenji").exists()
    with override_settings(SUNRELAY_BOTS=["kenji"]), clock.frozen(NOW):
        assert not derived.reviews_current()
        answer = prs.pr_flow(*window, where)
        assert answer == prs.pr_flow_by_pull(*window, where)
        assert answer["stages"] != before["stages"]  # kenji's reviews no longer count
        # the next delivery works every pull request's facts out again, with kenji a bot
        one = P.line("push", "after", P.push("acme/web", "refs/heads/x", [], NOW))
        assert service.ingest([one]).rejected == []
        assert derived.reviews_current()
        assert not PullRequest.objects.filter(first_reviewer__iexact="kenji").exists()
        assert prs.pr_flow(*window, where) == answer


def test_shipping_on_arrays_is_the_walk_over_the_history():
    """A baseline ships nothing, a redeploy or rollback nothing more, a failure nothing; a
    deployment ships what lies after the furthest an earlier one reached, up to its own."""
    k = np.array  # keys (pushed, push, position) as ranks suffice: one component each
    d_repo = k([0, 0, 0, 0, 0, 1, 1])
    d_at = k([10, 20, 30, 40, 25, 5, 50])
    d_gid = k([1, 2, 3, 4, 5, 6, 7])
    d_key = (k([3, 7, 5, 9, 9, 2, 4]), k([0] * 7), k([0] * 7))
    c_repo = k([0, 0, 0, 0, 0, 0, 1, 1, 1])
    c_key = (k([1, 3, 4, 7, 8, 10, 1, 3, 5]), k([0] * 9), k([0] * 9))
    got = columns.ship_columns(d_repo, d_at, d_gid, d_key, c_repo, c_key)
    nat = columns.NAT
    # repo 0 in time: 10 a baseline (to 3), 20 ships 4-7, 25 ships 8-9, 30 and 40 nothing
    assert got.tolist() == [nat, nat, 20, 20, 25, nat, nat, 50, nat]
