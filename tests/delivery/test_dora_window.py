"""The window reader answers exactly as the whole history does.

``queries.window_keys`` reads only what one window's deployments need (every deployment, each
deployed commit's place on the default branch, the stretch the window shipped, from the facts
derived at ingestion); ``dora_rows`` reads everything. Random histories, built from real
webhook payloads, are answered both ways for many windows: the answers must be identical.
The histories hold what makes the stretch hard to find: baselines inside and before
windows, redeploys, rollbacks, failures, deployments of commits never seen on main, commits
pushed to main twice, reused branches, staging, incidents naming commits, two repositories,
pushes in the same second.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from sunrelay.delivery import service
from sunrelay.delivery.metrics import dora, queries
from sunrelay.demo import webhooks as P

pytestmark = pytest.mark.django_db
REPOS = ("acme/ledger", "acme/gateway")
BEGIN = datetime(2026, 2, 2, 8, tzinfo=UTC)
ANA = "ana@acme.test"


def history(seed: int) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    items: list[tuple[str, dict]] = []
    t = BEGIN
    main_shas: dict[str, list[str]] = {r: [] for r in REPOS}
    deployed: list[tuple[str, str]] = []
    number, did, shas = 0, 0, 0

    def sha() -> str:
        nonlocal shas
        shas += 1
        return f"{seed:02x}{shas:06x}".ljust(40, "0")

    def push(repo: str, ref: str, commits: list[tuple[str, datetime]], at: datetime) -> None:
        made = [P.commit(s, c, ANA, "analima") for s, c in commits]
        items.append(("push", P.push(repo, ref, made, at)))

    for _ in range(70):
        t += timedelta(minutes=rng.choice([0, 0, 1, 30, 240, 900, 1800]))
        repo = rng.choice(REPOS)
        roll = rng.random()
        if roll < 0.45:  # a pull request: branch pushes, a merge, the merge reaching main
            number += 1
            head = f"feat-{rng.randrange(6)}"  # branches are reused
            firsts = [(sha(), t - timedelta(hours=rng.randrange(1, 30)))]
            push(repo, f"refs/heads/{head}", firsts, t)
            merged_at = t + timedelta(minutes=rng.randrange(1, 600))
            merge = sha()
            pull = P.pull_request(
                "closed", repo, number, author="analima", created=t, updated=merged_at,
                head_ref=head, merged_at=merged_at, merge_sha=merge, closed_at=merged_at,
            )  # fmt: skip
            items.append(("pull_request", pull))
            carried = [(s, c) for s, c in firsts if rng.random() < 0.5] + [(merge, merged_at)]
            if main_shas[repo] and rng.random() < 0.15:  # a commit main already had, again
                carried.insert(0, (rng.choice(main_shas[repo]), merged_at))
            push(repo, "refs/heads/main", carried, merged_at)
            main_shas[repo] += [s for s, _ in carried]
            t = merged_at
        elif roll < 0.55:  # a direct push
            one = sha()
            push(repo, "refs/heads/main", [(one, t)], t)
            main_shas[repo].append(one)
        elif roll < 0.92:  # a deployment: the head, a rollback, or a commit main never had
            did += 1
            pick = rng.random()
            if main_shas[repo] and pick < 0.7:
                target = main_shas[repo][-1]
            elif main_shas[repo] and pick < 0.85:
                target = rng.choice(main_shas[repo])
            else:
                target = sha()
            env = "staging" if rng.random() < 0.1 else "production"
            outcome = rng.choice(["success", "success", "success", "failure", "error"])
            items.append(("deployment_status", P.deployment_status(
                repo, did, target, env, outcome, t + timedelta(minutes=5))))  # fmt: skip
            if outcome != "success" and rng.random() < 0.5:
                items.append(("deployment_status", P.deployment_status(
                    repo, did, target, env, "success", t + timedelta(minutes=50))))  # fmt: skip
            deployed.append((repo, target))
        elif deployed:  # an incident naming a deployed commit by its short sha
            cause_repo, cause = rng.choice(deployed)
            items.append(("issues", P.issue(
                "closed", cause_repo, 100 + len(items), created=t, updated=t + timedelta(hours=2),
                closed=t + timedelta(hours=2), labels=("Incident",),
                body=f"root cause: {cause[:7]}")))  # fmt: skip
    return items


def windows() -> list[tuple[date, date]]:
    first = BEGIN.date() - timedelta(days=7)
    found = [(first + timedelta(days=7 * n), first + timedelta(days=7 * n + 7)) for n in range(12)]
    found += [(first, first + timedelta(days=120)), (first + timedelta(days=10), first +
              timedelta(days=40)), (date(2025, 1, 1), date(2025, 2, 1))]  # fmt: skip
    return found


@pytest.mark.parametrize("seed", range(6))
def test_the_window_reader_answers_as_the_whole_history_does(seed):
    items = history(seed)
    lines = [P.line(event, f"d-{seed}-{i}", payload) for i, (event, payload) in enumerate(items)]
    report = service.ingest(lines)
    assert report.rejected == []
    where = queries.scope(None)
    whole = queries.dora_rows.__wrapped__(where)  # type: ignore[attr-defined]
    answered = set()
    for start, end in windows():
        expected = dora.compute(*whole, start, end)
        assert queries.window_keys(where, start, end) == expected
        answered.add(expected["lead_time_hours"]["median"] is not None)
    assert answered == {True, False}  # some windows shipped changes, some did not


def test_one_repository_of_two(db):
    items = history(7)
    service.ingest([P.line(event, f"d-{i}", payload) for i, (event, payload) in enumerate(items)])
    where = queries.scope(repo="acme/gateway")
    whole = queries.dora_rows.__wrapped__(where)  # type: ignore[attr-defined]
    start, end = BEGIN.date(), BEGIN.date() + timedelta(days=60)
    expected = dora.compute(*whole, start, end)
    assert expected["deployments"] > 0
    assert queries.window_keys(where, start, end) == expected


@pytest.mark.parametrize("seed", range(3))
def test_the_pull_request_reads_answer_as_the_whole_history_does(seed):
    """The pull-request figures read first commits for their own pull requests only, and the
    deployments from their earliest merge on: the same answers as the whole history's."""
    from sunrelay.delivery.models import PullRequest

    items = history(seed)
    service.ingest([P.line(e, f"d-{seed}-{i}", p) for i, (e, p) in enumerate(items)])
    where = queries.scope(None)
    every = queries.first_commits.__wrapped__(where)  # type: ignore[attr-defined]
    mine = queries.first_commits_of(PullRequest.objects.all())
    by_key = {(repo, number): pk for pk, repo, number in
              PullRequest.objects.values_list("pk", "repo", "number")}  # fmt: skip
    assert {key: mine[pk] for key, pk in by_key.items()} == every
    rows, main, _, _ = queries.dora_rows.__wrapped__(where)  # type: ignore[attr-defined]
    whole = dora.ship(rows, main)
    for since in (BEGIN.date(), BEGIN.date() + timedelta(days=20), date(2026, 6, 1)):
        expected = {(d.row.repo, s): d.at for d in whole if d.at.date() >= since for s in d.shipped}
        assert queries.shipped_since(where, since) == expected
    assert expected == {} and len(whole) > 10


@pytest.mark.parametrize("seed", range(3))
def test_the_weekly_trend_from_the_window_is_the_whole_history_s(seed):
    """The health page's trend reads the window's deployments only."""
    items = history(seed)
    service.ingest([P.line(e, f"d-{seed}-{i}", p) for i, (e, p) in enumerate(items)])
    where = queries.scope(None)
    whole = queries.dora_rows.__wrapped__(where)  # type: ignore[attr-defined]
    for start, weeks in ((BEGIN.date() - timedelta(days=3), 8), (BEGIN.date(), 2)):
        expected = dora.weekly(*whole, start, weeks)
        found = queries.window_deployments(where, start, start + timedelta(weeks=weeks))
        assert dora.by_week(*found, start, weeks) == expected
        assert sum(w["deployments"] for w in expected) > 0
