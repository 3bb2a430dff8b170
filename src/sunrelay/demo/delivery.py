"""The demo organisation's delivery history: GitHub deliveries for its six repositories,
generated in GitHub's own shapes and taken in through ``delivery.service.ingest``, the path a
real backfill takes.

Each team's engineers open pull requests in their own working hours; a teammate is asked to
review and answers within a few hours of *their* working time, which is the point of the
figures; most merges are squashes. Each repository deploys to production on workdays, some
deployments fail and are fixed, and a few cause an incident filed as a GitHub issue labelled
``Incident``. Deterministic from the seed and the instant it is built at.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings

from sunrelay.demo import webhooks as W
from sunrelay.people.logic import Directory
from sunrelay.people.models import Component
from sunrelay.people.queries import load_directory
from sunrelay.worktime import deadline, zone

BOT = "dependabot[bot]"


def _sha(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


@dataclass
class _Repo:
    name: str
    team: list[str]  # people with a GitHub login, authors and reviewers
    outsiders: list[str] = field(default_factory=list)  # others who sometimes send a change
    main: str = ""  # the default branch's head, as generated
    merges: list[tuple[datetime, str]] = field(default_factory=list)  # (when, squash commit)
    deployed: datetime | None = None  # when the newest deployed merge landed
    numbers: Iterator[int] = field(default_factory=lambda: iter(range(1, 100_000)))


class _Writer:
    def __init__(self, rng: random.Random, directory: Directory, now: datetime):
        self.rng, self.directory, self.now = rng, directory, now
        self.out: list[tuple[datetime, str, dict]] = []
        self.deployments = iter(range(900_001, 10_000_000))

    def add(self, at: datetime, event: str, payload: dict) -> None:
        if at < self.now:
            self.out.append((at, event, payload))

    def login(self, person: str) -> str:
        return self.directory.person(person).github

    def local(self, person: str, day: datetime, hour: float) -> datetime:
        """``hour`` o'clock on ``day``'s date, on ``person``'s wall clock."""
        tz = zone(self.directory.person(person).timezone)
        at = datetime.combine(day.date(), time(int(hour), int(hour % 1 * 60)), tzinfo=tz)
        return at.astimezone(day.tzinfo)

    def after(self, person: str, start: datetime, hours: float) -> datetime:
        """When ``hours`` of ``person``'s working time have passed since ``start``."""
        return deadline(self.directory.schedule(person), start, timedelta(hours=hours))


def build(rng: random.Random, start: datetime, now: datetime) -> list[tuple[str, str, dict]]:
    """Every delivery from ``start`` to ``now``, in order, as (event, delivery id, payload)."""
    directory = load_directory()
    writer = _Writer(rng, directory, now)
    repos = []
    for component in Component.objects.select_related("owner").prefetch_related("owner__members"):
        team = [
            p.slug
            for p in (component.owner.members.all() if component.owner else [])
            if directory.people.get(p.slug) and directory.people[p.slug].github
        ]
        others = sorted(p for p, spec in directory.people.items() if spec.github and p not in team)
        repos += [_Repo(name, sorted(team), others) for name in component.repos if len(team) >= 2]
    for repo in repos:
        _history(writer, repo, start)
    writer.out.sort(key=lambda x: x[0])
    return [(event, f"demo-{i:06d}", payload) for i, (_, event, payload) in enumerate(writer.out)]


def _history(w: _Writer, repo: _Repo, start: datetime) -> None:
    first = start - timedelta(days=1)
    repo.main = _sha(repo.name, "root")
    w.add(
        first,
        "push",
        W.push(
            repo.name,
            "refs/heads/main",
            [W.commit(repo.main, first, "bot@acme.test", None, "Initial")],
            first,
        ),
    )
    repo.merges.append((first, repo.main))
    _deploy(w, repo, first + timedelta(hours=1))  # the baseline
    day = start
    while day < w.now:
        if day.weekday() < 5:
            for _ in range(w.rng.choice((0, 1, 1, 2))):
                _pull(w, repo, day)
            _deploy(w, repo, day.replace(hour=15, minute=w.rng.randint(0, 50)))
        day += timedelta(days=1)


def _pull(w: _Writer, repo: _Repo, day: datetime) -> None:
    rng = w.rng
    # now and then a change from another team, which should link the decision behind it
    outsider = bool(repo.outsiders) and rng.random() < 0.12
    author = rng.choice(repo.outsiders if outsider else repo.team)
    reviewer = rng.choice([p for p in repo.team if p != author])
    body = None
    if outsider and rng.random() < 0.6:
        body = f"Implements the decision: {settings.SUNRELAY_URL}/decisions/{rng.randint(1, 9)}/"
    number, branch = next(repo.numbers), f"{author}/change-{rng.randint(100, 999)}"
    began = w.local(author, day, rng.uniform(9.5, 13))
    commits = [
        W.commit(
            _sha(repo.name, number, n),
            began + timedelta(minutes=50 * n),
            f"{author}@acme.test",
            w.login(author),
            f"Step {n + 1}",
        )
        for n in range(rng.randint(1, 3))
    ]
    pushed = began + timedelta(minutes=50 * len(commits))
    w.add(
        pushed,
        "push",
        W.push(repo.name, f"refs/heads/{branch}", commits, pushed, pusher=w.login(author)),
    )
    size = max(10, int(rng.lognormvariate(5.4, 0.6)))
    opened = pushed + timedelta(minutes=rng.randint(5, 40))

    def pr(action: str, at: datetime, **kw: Any) -> dict:
        return W.pull_request(
            action,
            repo.name,
            number,
            author=w.login(author),
            created=opened,
            updated=at,
            head_ref=branch,
            additions=int(size * 0.8),
            deletions=size - int(size * 0.8),
            body=body,
            **kw,
        )

    w.add(opened, "pull_request", pr("opened", opened))
    w.add(opened, "pull_request", pr("review_requested", opened, requested=w.login(reviewer)))
    answered = w.after(reviewer, opened, rng.choice((0.5, 1, 2, 3, 5, 7, 10)))
    verdict = "changes_requested" if rng.random() < 0.25 else "approved"
    shape = W.pull_request(
        "opened",
        repo.name,
        number,
        author=w.login(author),
        created=opened,
        updated=opened,
        head_ref=branch,
        review_shape=True,
    )["pull_request"]
    _review(w, repo.name, shape, reviewer, verdict, answered)
    if rng.random() < 0.1:  # a bot comments first: it is no reviewer
        _review(w, repo.name, shape, BOT, "commented", opened + timedelta(minutes=3))
    approved = answered
    if verdict == "changes_requested":
        approved = w.after(reviewer, answered, rng.choice((1, 2, 4)))
        _review(w, repo.name, shape, reviewer, "approved", approved)
    if approved + timedelta(hours=1) >= w.now:  # still open now: work in progress
        return
    merged = w.after(author, approved, 0.25)
    squash = _sha(repo.name, number, "merge")
    w.add(
        merged,
        "pull_request",
        pr("closed", merged, merged_at=merged, merge_sha=squash, closed_at=merged),
    )
    w.add(
        merged,
        "push",
        W.push(
            repo.name,
            "refs/heads/main",
            [W.commit(squash, merged, f"{author}@acme.test", w.login(author), f"Change #{number}")],
            merged,
            before=repo.main,
        ),
    )
    repo.main = squash
    repo.merges.append((merged, squash))


def _review(w: _Writer, repo: str, shape: dict, who: str, state: str, at: datetime) -> None:
    login, kind = (who, "Bot") if who == BOT else (w.login(who), "User")
    pull = {**shape, "updated_at": W.iso(at)}
    w.add(
        at,
        "pull_request_review",
        W.review(
            repo,
            pull["number"],
            reviewer=login,
            state=state,
            submitted=at,
            pull=pull,
            reviewer_type=kind,
        ),
    )


def _deploy(w: _Writer, repo: _Repo, at: datetime, retry: bool = False) -> None:
    """Deploy the newest merge that landed before ``at``, when there is a new one."""
    landed = [m for m in repo.merges if m[0] <= at]
    if not landed or (not retry and repo.deployed is not None and landed[-1][0] <= repo.deployed):
        return
    when, sha = max(landed)
    did = next(w.deployments)
    w.add(at, "deployment", W.deployment(repo.name, did, sha, "production", at))
    w.add(
        at,
        "deployment_status",
        W.deployment_status(repo.name, did, sha, "production", "in_progress", at),
    )
    done = at + timedelta(minutes=w.rng.randint(4, 12))
    if w.rng.random() < 0.08:  # a failed rollout, fixed by a second attempt within the hour
        w.add(
            done,
            "deployment_status",
            W.deployment_status(repo.name, did, sha, "production", "failure", done, created=at),
        )
        _deploy(w, repo, done + timedelta(minutes=w.rng.randint(20, 50)), retry=True)
        return
    w.add(
        done,
        "deployment_status",
        W.deployment_status(repo.name, did, sha, "production", "success", done, created=at),
    )
    repo.deployed = when
    if w.rng.random() < 0.06:
        _incident(w, repo, sha, done)


def _incident(w: _Writer, repo: _Repo, sha: str, deployed: datetime) -> None:
    number = next(repo.numbers)
    opened = deployed + timedelta(minutes=w.rng.randint(20, 120))
    closed = opened + timedelta(hours=w.rng.choice((1, 2, 3, 6)))
    body = f"Errors after the {deployed:%H:%M} deploy.\n\nroot cause: {sha}"
    for action, at in (
        ("opened", opened),
        ("edited", opened + timedelta(minutes=10)),
        ("closed", closed),
    ):
        w.add(
            at,
            "issues",
            W.issue(
                action,
                repo.name,
                number,
                created=opened,
                updated=at,
                closed=closed if action == "closed" else None,
                labels=("Incident",),
                body=body,
            ),
        )
