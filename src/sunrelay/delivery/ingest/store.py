"""Writing parsed deliveries: the events and their facts, in bulk for a whole chunk.

Called by the service inside its transaction. A chunk is applied in order, as if one
delivery at a time: a pull request described by three deliveries ends as the newest says,
and a delivery older than what is stored (GitHub does not promise order) changes nothing
it would make stale.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sunrelay.delivery.ingest import derived, github
from sunrelay.delivery.models import (
    Deployment,
    Event,
    IssueEvent,
    PullRequest,
    Push,
    PushCommit,
    Review,
    ReviewRequest,
    Status,
)


@dataclass(frozen=True)
class Incoming:
    delivery: str
    parsed: github.Parsed
    payload: str  # the JSON text kept
    source_id: int | None


PULL_FIELDS = (
    "github_id",
    "title",
    "author",
    "author_type",
    "draft",
    "state",
    "created_at",
    "merged_at",
    "closed_at",
    "merge_sha",
    "head_ref",
    "base_ref",
    "base_is_default",
    "updated_at",
)


class _Chunk:
    def __init__(self, items: list[Incoming]):
        self.items = items
        facts = [i.parsed.fact for i in items]
        pulls = {_pull_key(f) for f in facts if _pull_of(f) is not None}
        self.pulls: dict[tuple[str, int], PullRequest] = {}
        for repo in {k[0] for k in pulls}:
            numbers = [n for r, n in pulls if r == repo]
            for row in PullRequest.objects.filter(repo=repo, number__in=numbers):
                self.pulls[(row.repo, row.number)] = row
        self.pulls_changed: set[tuple[str, int]] = set()
        deps = {d.github_id for d in (_deployment_of(f) for f in facts) if d is not None}
        self.deployments = {d.github_id: d for d in Deployment.objects.filter(github_id__in=deps)}
        self.deployments_changed: set[int] = set()
        reviews = [f.github_id for f in facts if isinstance(f, github.ReviewFact)]
        self.reviews = {r.github_id: r for r in Review.objects.filter(github_id__in=reviews)}
        self.reviews_changed: set[int] = set()
        self.requests: list[tuple[tuple[str, int], str, datetime, bool]] = []
        self.pushes: list[tuple[Push, tuple[github.CommitFact, ...]]] = []
        self.statuses: list[tuple[int, Status]] = []
        self.issues: list[IssueEvent] = []
        self.review_pulls: dict[int, tuple[str, int]] = {}

    # -- in memory, in order ---------------------------------------------------------------------

    def apply(self, event: Event, fact: github.Fact | None) -> None:
        if isinstance(fact, github.PushFact):
            row = Push(
                event=event,
                repo=fact.repo,
                ref=fact.ref[:300],
                head=fact.head,
                head_at=fact.head_at,
                first_at=min((c.at for c in fact.commits), default=None),
                pushed_at=fact.pushed_at,
                main=fact.main,
                forced=fact.forced,
            )
            self.pushes.append((row, fact.commits))
        elif isinstance(fact, github.PullFact):
            self._pull(fact)
        elif isinstance(fact, github.ReviewFact):
            self._pull(fact.pull)
            self._review(fact)
        elif isinstance(fact, github.DeploymentFact):
            self._deployment(fact)
        elif isinstance(fact, github.StatusFact):
            self._deployment(fact.deployment)
            status = Status(
                event=event,
                github_id=fact.github_id,
                state=fact.state[:20],
                created_at=fact.created_at,
                updated_at=fact.updated_at,
            )
            self.statuses.append((fact.deployment.github_id, status))
        elif isinstance(fact, github.IssueFact):
            self.issues.append(
                IssueEvent(
                    event=event,
                    repo=fact.repo,
                    number=fact.number,
                    incident=fact.incident,
                    root_cause=fact.root_cause,
                    created_at=fact.created_at,
                    closed_at=fact.closed_at,
                    updated_at=fact.updated_at,
                )
            )

    def _pull(self, fact: github.PullFact) -> None:
        key = (fact.repo, fact.number)
        row = self.pulls.get(key)
        if row is None:
            row = self.pulls[key] = PullRequest(repo=fact.repo, number=fact.number)
        if row.updated_at is None or row.updated_at <= fact.updated_at:
            for name in PULL_FIELDS:
                setattr(row, name, getattr(fact, name))
            for name in ("additions", "deletions"):
                if getattr(fact, name) is not None:
                    setattr(row, name, getattr(fact, name))
            if fact.links:
                row.body_links = list(fact.links)
        if fact.ready_at is not None and (row.ready_at is None or fact.ready_at < row.ready_at):
            row.ready_at = fact.ready_at
        if fact.requested:
            self.requests.append((key, fact.requested, fact.updated_at, True))
        if fact.unrequested:
            self.requests.append((key, fact.unrequested, fact.updated_at, False))
        self.pulls_changed.add(key)

    def _review(self, fact: github.ReviewFact) -> None:
        row = self.reviews.get(fact.github_id)
        if row is None:
            row = self.reviews[fact.github_id] = Review(github_id=fact.github_id)
        row.reviewer, row.reviewer_type = fact.reviewer[:100], fact.reviewer_type[:20]
        row.state, row.submitted_at = fact.state[:20], fact.submitted_at
        self.review_pulls[fact.github_id] = (fact.pull.repo, fact.pull.number)
        self.reviews_changed.add(fact.github_id)

    def _deployment(self, fact: github.DeploymentFact) -> None:
        row = self.deployments.get(fact.github_id)
        if row is None:
            row = self.deployments[fact.github_id] = Deployment(github_id=fact.github_id)
        for f in fields(fact):
            setattr(row, f.name, getattr(fact, f.name))
        self.deployments_changed.add(fact.github_id)

    # -- to the database -------------------------------------------------------------------------

    def save(self) -> None:
        _save(Deployment, [self.deployments[k] for k in self.deployments_changed], "github_id")
        Status.objects.bulk_create(
            [_with(s, deployment=self.deployments[d]) for d, s in self.statuses]
        )
        _save(PullRequest, [self.pulls[k] for k in self.pulls_changed], "id")
        self._save_requests()
        for gid in self.reviews_changed:
            self.reviews[gid].pull = self.pulls[self.review_pulls[gid]]
        _save(Review, [self.reviews[k] for k in self.reviews_changed], "github_id")
        Push.objects.bulk_create([p for p, _ in self.pushes])
        PushCommit.objects.bulk_create(
            PushCommit(
                push=push,
                position=i,
                sha=c.sha[:64],
                at=c.at,
                email=c.email,
                login=c.login,
            )
            for push, commits in self.pushes
            for i, c in enumerate(commits)
        )
        IssueEvent.objects.bulk_create(self.issues)
        self._derive()

    def _derive(self) -> None:
        """Keep the derived facts current (``ingest.derived``): where the default-branch
        pushes' commits landed, the first commits of the branches touched, the review facts
        of the pull requests touched, and when the merges that all these touch shipped."""
        landed = [
            (push.repo, c.sha[:64], push.pushed_at, push.pk, i)
            for push, commits in self.pushes
            if push.main
            for i, c in enumerate(commits)
        ]
        derived.land(landed)
        derived.refresh_first_commits(
            [
                (push.repo, push.ref.removeprefix("refs/heads/"))
                for push, _ in self.pushes
                if not push.main and push.first_at is not None
            ]
            + [(self.pulls[key].repo, self.pulls[key].head_ref) for key in self.pulls_changed]
        )
        pulls = [self.pulls[key].pk for key in self.pulls_changed]
        derived.refresh_touched_reviews(pulls)
        derived.refresh_shipped(self.deployments_changed, {(r[0], r[1]) for r in landed}, pulls)

    def _save_requests(self) -> None:
        if not self.requests:
            return
        pulls = {key: self.pulls[key] for key, *_ in self.requests}
        open_ = {}
        for row in ReviewRequest.objects.filter(
            pull__in=[p.pk for p in pulls.values()], removed_at__isnull=True
        ):
            open_[(row.pull_id, row.reviewer.casefold())] = row
        new, removed = [], []
        for key, login, at, added in sorted(self.requests, key=lambda r: r[2]):
            pull = pulls[key]
            mark = (pull.pk, login.casefold())
            if added and mark not in open_:
                open_[mark] = ReviewRequest(pull=pull, reviewer=login[:100], requested_at=at)
                new.append(open_[mark])
            elif not added and mark in open_:
                row = open_.pop(mark)
                row.removed_at = at
                if row.pk is not None:
                    removed.append(row)
        ReviewRequest.objects.bulk_create(new)
        ReviewRequest.objects.bulk_update(removed, ["removed_at"])


def _with(row: Any, **values: Any) -> Any:
    for k, v in values.items():
        setattr(row, k, v)
    return row


def _save(model: Any, rows: list[Any], key: str) -> None:
    new = [r for r in rows if r.pk is None]
    old = [r for r in rows if r.pk is not None]
    model.objects.bulk_create(new)
    if old:
        names = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != key]
        model.objects.bulk_update(old, names, batch_size=500)


def _pull_of(fact: Any) -> github.PullFact | None:
    if isinstance(fact, github.PullFact):
        return fact
    if isinstance(fact, github.ReviewFact):
        return fact.pull
    return None


def _pull_key(fact: Any) -> tuple[str, int]:
    pull = _pull_of(fact)
    assert pull is not None
    return (pull.repo, pull.number)


def _deployment_of(fact: Any) -> github.DeploymentFact | None:
    if isinstance(fact, github.DeploymentFact):
        return fact
    if isinstance(fact, github.StatusFact):
        return fact.deployment
    return None


def write(items: list[Incoming], received_at: datetime) -> list[Event]:
    """Store ``items`` (new deliveries, none stored before) and their facts."""
    events = Event.objects.bulk_create(
        Event(
            source_id=i.source_id,
            delivery=i.delivery,
            event=i.parsed.event,
            action=i.parsed.action[:40],
            repo=i.parsed.repo[:200],
            received_at=received_at,
            occurred_at=i.parsed.fourkeys_time,
            payload=i.payload,
        )
        for i in items
    )
    derive(list(zip(events, (i.parsed.fact for i in items), strict=True)), items)
    return events


def derive(pairs: list[tuple[Event, github.Fact | None]], items: list[Incoming]) -> None:
    chunk = _Chunk(items)
    for event, fact in pairs:
        chunk.apply(event, fact)
    chunk.save()
