"""Reading pull-request flow: stages in working and calendar time, review requests against
each team's agreement, work in progress per engineer, and overdue-review reminders."""

from __future__ import annotations

import contextlib
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings

from sunrelay.core import clock
from sunrelay.delivery.metrics import flow
from sunrelay.delivery.metrics.queries import (
    Scope,
    first_commits_of,
    rows_of,
    shipped_since,
    window,
)
from sunrelay.delivery.models import PullRequest, Review, ReviewRequest
from sunrelay.people.logic import Directory
from sunrelay.people.models import Component, Team
from sunrelay.people.queries import load_directory
from sunrelay.worktime import NoWorkingTime, deadline, parse_period, usual_day

DEFAULT_REVIEW, DEFAULT_WIP = "8h", 2  # seed 001: a pull request reviewed within 8 working hours


def is_bot(login: str, kind: str = "", named: frozenset[str] | None = None) -> bool:
    """GitHub Apps end in ``[bot]`` and are ``type: Bot``; ``SUNRELAY_BOTS`` names the rest
    (a machine user that reviews, say). ``named``: those names casefolded, when a caller
    asks for many logins."""
    return (
        login.endswith("[bot]")
        or kind == "Bot"
        or login.casefold() in (named if named is not None else bot_names())
    )


def bot_names() -> frozenset[str]:
    return frozenset(b.casefold() for b in settings.SUNRELAY_BOTS)


@dataclass
class Identities:
    """GitHub logins to people, as the directory maps them (never guessed)."""

    directory: Directory
    logins: dict[str, str]
    unmapped: set[str]

    @classmethod
    def load(cls) -> Identities:
        directory = load_directory()
        logins = {p.github.casefold(): p.id for p in directory.people.values() if p.github}
        return cls(directory, logins, set())

    def person(self, login: str) -> str | None:
        found = self.logins.get(login.casefold())
        if found is None and not is_bot(login):
            self.unmapped.add(login)
        return found


def _owners() -> dict[str, str]:
    """Repository → the slug of the team that owns its component."""
    return {
        repo: owner
        for repos, owner in Component.objects.filter(owner__isnull=False).values_list(
            "repos", "owner__slug"
        )
        for repo in repos
    }


def _agreements() -> dict[str, dict[str, Any]]:
    return dict(Team.objects.values_list("slug", "agreement"))


def review_limit(agreement: dict[str, Any] | None) -> str:
    return str(((agreement or {}).get("review") or {}).get("pr") or DEFAULT_REVIEW)


def wip_limit(agreement: dict[str, Any] | None) -> int:
    return int(((agreement or {}).get("wip") or {}).get("person") or DEFAULT_WIP)


PULL_COLUMNS = (
    "repo", "number", "title", "author", "draft", "state", "created_at", "ready_at",
    "merged_at", "merge_sha", "additions", "deletions",
)  # fmt: skip
Pull = namedtuple("Pull", ("pk", *PULL_COLUMNS))  # type: ignore[misc]


def pull_rows(where: Scope, pulls: Any) -> list[flow.PullRow]:
    """``pulls`` (a queryset of PullRequest) as flow rows, with their requests, reviews,
    first commits and the deployment that shipped each."""
    chosen = pulls.values("pk")  # a subquery: no list of ids, however many
    firsts = first_commits_of(pulls)
    times = ("created_at", "ready_at", "merged_at")
    pulls = [Pull(*row) for row in rows_of(pulls, "pk", *PULL_COLUMNS, times=times)]
    requests: dict[int, list[flow.RequestRow]] = defaultdict(list)
    for pk, pull, login, at, removed in rows_of(
        ReviewRequest.objects.filter(pull__in=chosen),
        "pk", "pull_id", "reviewer", "requested_at", "removed_at",
        times=("requested_at", "removed_at"),
    ):  # fmt: skip
        requests[pull].append(flow.RequestRow(pk, login, at, removed))
    reviews: dict[int, list[flow.ReviewRow]] = defaultdict(list)
    named = bot_names()
    for pull, login, kind, state, at in rows_of(
        Review.objects.filter(pull__in=chosen),
        "pull_id", "reviewer", "reviewer_type", "state", "submitted_at",
        times=("submitted_at",),
    ):  # fmt: skip
        reviews[pull].append(flow.ReviewRow(login, is_bot(login, kind, named), state, at))
    shipped = _shipped(where, pulls)
    owners = _owners()
    return [
        flow.PullRow(
            p.repo,
            p.number,
            p.title,
            p.author,
            bool(p.draft),
            p.state,
            p.created_at,
            p.ready_at or (None if p.draft else p.created_at),
            p.merged_at,
            firsts.get(p.pk, p.created_at),
            shipped.get((p.repo, p.merge_sha)) if p.merge_sha else None,
            None if p.additions is None else p.additions + (p.deletions or 0),
            owners.get(p.repo),
            tuple(requests.get(p.pk, ())),
            tuple(reviews.get(p.pk, ())),
        )
        for p in pulls
    ]


def _shipped(where: Scope, pulls: list[Any]) -> dict[tuple[str, str], datetime]:
    """When each merged pull request's commit shipped: a deployment after its merge, so the
    deployments from the earliest merge on are all that is read."""
    merged = [p.merged_at or p.created_at for p in pulls if p.merge_sha]
    if not merged:
        return {}
    return shipped_since(where, min(merged).date())


# -- the figures -----------------------------------------------------------------------------------


def pr_flow(start: date, end: date, where: Scope, team: str | None = None) -> dict[str, Any]:
    """Pull requests that became ready for review in [start, end): each stage in working and
    calendar time, sizes against 200-400 lines, and the review requests made in the window
    against each team's agreement (``review.pr``, default 8 working hours)."""
    window(start, end)
    now = clock.now()
    lo = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    hi = datetime.combine(end, datetime.min.time(), tzinfo=UTC)
    who = Identities.load()
    pulls = pull_rows(
        where,
        where.filter(PullRequest.objects).filter(created_at__lt=hi, updated_at__gte=lo),
    )
    ready = [p for p in pulls if p.ready_at is not None and lo <= p.ready_at < hi]
    intervals = [i for p in ready for i in flow.stages(p, who.person)]
    schedules = who.directory.schedules()
    flow.measure(intervals, schedules)
    requests = [a for p in pulls for a in flow.asked(p, who.person) if lo <= a.request.at < hi]
    _allow(requests, who.directory, _agreements())
    flow.waited(requests, schedules, now)
    overall, per = flow.comply(requests)
    _set_due(overall.late[:200], who.directory)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": team,
        "pulls": len(ready),
        "stages": flow.summary(intervals),
        "size": flow.sizes(ready),
        "review_sla": {
            **overall.json(),
            "late": [flow.late_json(a) for a in overall.late[:200]],
            "reviewers": {name: c.json() for name, c in sorted(per.items())},
        },
        "wip": wip(where, team),
        "unmapped": sorted(who.unmapped),
    }


def _allow(
    found: list[flow.Asked], directory: Directory, agreements: dict[str, dict[str, Any]]
) -> None:
    """Each request's allowance: its team's agreement in its reviewer's working time."""
    seen: dict[tuple[str, str], float] = {}
    for item in found:
        if item.person is None or item.person not in directory.people:
            continue
        item.limit = review_limit(agreements.get(item.pull.team or ""))
        key = (item.person, item.limit)
        if key not in seen:
            day = usual_day(directory.person(item.person).working_hours)
            seen[key] = parse_period(item.limit).working_time(day).total_seconds()
        item.allowed = seen[key]


def _set_due(found: list[flow.Asked], directory: Directory) -> None:
    """When each allowance ran out: for the late ones a page lists."""
    for item in found:
        if item.person is None or item.allowed is None:
            continue
        schedule = directory.schedule(item.person)
        with contextlib.suppress(NoWorkingTime):
            item.due_at = deadline(schedule, item.request.at, timedelta(seconds=item.allowed))


def wip(where: Scope, team: str | None = None) -> list[dict[str, Any]]:
    """Work in progress per engineer now: open pull requests they wrote (drafts aside) and
    reviews they have been asked for and not yet given, against their team's agreement
    (``wip.person``, default 2)."""
    who = Identities.load()
    rows = pull_rows(where, where.filter(PullRequest.objects.filter(state="open")))
    authored: dict[str, list[str]] = defaultdict(list)
    reviewing: dict[str, list[str]] = defaultdict(list)
    for p in rows:
        name = f"{p.repo}#{p.number}"
        person = who.person(p.author)
        if person and not p.draft:
            authored[person].append(name)
        for item in flow.asked(p, who.person):
            if item.answered_at is None and item.person:
                reviewing[item.person].append(name)
    teams = {t.id: t for t in load_directory(team=team).teams.values()} if team else {}
    members = {m for t in teams.values() for m in t.members} if team else None
    agreements = _agreements()
    home = _home_teams()
    out = []
    for person in sorted(set(authored) | set(reviewing)):
        if members is not None and person not in members:
            continue
        limit = wip_limit(agreements.get(home.get(person, "")))
        total = len(authored[person]) + len(reviewing[person])
        out.append(
            {
                "person": person,
                "authored": sorted(authored[person]),
                "reviewing": sorted(reviewing[person]),
                "total": total,
                "limit": limit,
                "over": total > limit,
            }
        )
    return out


def _home_teams() -> dict[str, str]:
    """Each person's first team by id: whose agreement sets their WIP limit."""
    found: dict[str, str] = {}
    for slug, member in Team.objects.order_by("slug").values_list("slug", "members__slug"):
        if member:
            found.setdefault(member, slug)
    return found


def overdue_reviews(now: datetime | None = None) -> list[flow.Asked]:
    """Review requests still open past their due time, on open pull requests."""
    now = now or clock.now()
    where = Scope(None)
    pulls = pull_rows(where, PullRequest.objects.filter(state="open", draft=False))
    who = Identities.load()
    found = [a for p in pulls for a in flow.asked(p, who.person) if a.answered_at is None]
    _allow(found, who.directory, _agreements())
    flow.waited(found, who.directory.schedules(), now)
    late = [a for a in found if a.in_time() is False]
    _set_due(late, who.directory)
    return late
