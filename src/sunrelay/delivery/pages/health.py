"""Async health, for a team or the whole organisation: the DORA keys and their trend, pull
requests in working and calendar time, review requests against the agreement, sizes, work in
progress, design-review cycle time, cross-team changes with a decision record, and weekly
update participation. Reads only; every figure links to the rows behind it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Q

from sunrelay.cadence import rituals, status
from sunrelay.cadence.logic import week_of
from sunrelay.cadence.models import Ritual
from sunrelay.core import clock
from sunrelay.decisions.queries import review_metrics
from sunrelay.delivery.metrics import dora, flow, prs
from sunrelay.delivery.metrics.queries import (
    Scope,
    dora_keys,
    dora_rows,
    reading,
    scope,
    window_deployments,
)
from sunrelay.delivery.metrics.stats import percentile
from sunrelay.delivery.models import PullRequest
from sunrelay.delivery.pages import charts
from sunrelay.people.models import Component, Team
from sunrelay.people.queries import load_directory
from sunrelay.worktime import business_seconds

WEEKS = 12
SHOWN = ("coding", "pickup", "review")  # the stages the rows page shows


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # exclusive

    @classmethod
    def last_weeks(cls, weeks: int = WEEKS, today: date | None = None) -> Window:
        """``weeks`` whole weeks, Monday to Sunday, ending with the current one."""
        today = today or clock.now().date()
        monday = today - timedelta(days=today.weekday())
        return cls(monday - timedelta(weeks=weeks - 1), monday + timedelta(weeks=1))

    def instants(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, datetime.min.time(), tzinfo=UTC),
            datetime.combine(self.end, datetime.min.time(), tzinfo=UTC),
        )


def figures(team: str | None) -> dict[str, Any]:
    """Every figure the health page shows, as JSON: what ``Figures`` keeps. Raises
    TeamNotFound."""
    with reading():
        where = scope(team)
        window = Window.last_weeks()
        since, until = window.instants()
        found = team and Team.objects.get(slug=team)
        return {
            "team": {"slug": found.slug, "name": found.name} if found else None,
            "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
            "repos": sorted(where.repos) if where.repos is not None else None,
            "keys": dora_keys(window.start, window.end, where),
            "trend": dora.by_week(
                *window_deployments(where, window.start, window.end), window.start, WEEKS
            ),
            "flow": prs.pr_flow(window.start, window.end, where, team),
            "decisions": asdict(review_metrics(since, until, team)),
            "cross_team": cross_team(where, window),
            "participation": _participation(team, window),
            "meetings": meeting_load(team, window) if team else None,
            "teams": _teams_table(window) if team is None else [],
        }


def page(data: dict[str, Any]) -> dict[str, Any]:
    """The page's context from kept figures: the charts drawn, the stages in order."""
    trend, flow = data["trend"], data["flow"]
    return {
        **data,
        "deploy_chart": charts.bars(
            [(w["week"][5:], float(w["deployments"])) for w in trend], "deploys"
        ),
        "lead_chart": charts.bars([(w["week"][5:], w["lead_time_hours"]) for w in trend], "h"),
        "stages": [(name, flow["stages"][name]) for name in SHOWN],
    }


def cross_team(where: Scope, window: Window) -> dict[str, Any]:
    """Merged pull requests by someone outside the team that owns the repository: how many
    link a decision record (an ADR, RFC or design doc) in their description."""
    since, until = window.instants()
    owners = {
        repo: owner
        for repos, owner in Component.objects.filter(owner__isnull=False).values_list(
            "repos", "owner__slug"
        )
        for repo in repos
    }
    who = prs.Identities.load()
    homes: dict[str, set[str]] = {}
    for slug, member in Team.objects.values_list("slug", "members__slug"):
        if member:
            homes.setdefault(member, set()).add(slug)
    total = linked = 0
    for repo, author, links in where.filter(
        PullRequest.objects.filter(merged_at__gte=since, merged_at__lt=until)
    ).values_list("repo", "author", "body_links"):
        person = who.person(author)
        owner = owners.get(repo)
        if person is None or owner is None or owner in homes.get(person, set()):
            continue
        total += 1
        linked += bool(links)
    return {"changes": total, "with_record": linked, "share": linked / total if total else None}


MEETING_TARGET = 0.2  # seed 001: less than a fifth of anyone's working time in meetings


def meeting_load(team: str, window: Window) -> dict[str, Any]:
    """Each member's hours in the team's rituals and the other rituals they attend, and their
    share of that member's working time in the window. 1:1s are left out: they are their two
    attendees' alone (docs/permissions.md)."""
    since, until = window.instants()
    directory = load_directory(team=team)
    members = set(directory.teams[team].members) if team in directory.teams else set()
    hours: dict[str, float] = dict.fromkeys(members, 0.0)
    held = (
        Ritual.objects.exclude(kind="one-on-one")
        .filter(Q(team__slug=team) | Q(attendees__slug__in=members))
        .distinct()
        .select_related("team")
        .prefetch_related("attendees")
    )
    for ritual in held:
        count = len(rituals.occurrences(ritual, since, until))
        for person in rituals.participants(ritual):
            if person.slug in hours:
                hours[person.slug] += count * ritual.duration_minutes / 60
    rows: list[dict[str, Any]] = []
    shares: list[float] = []
    for slug in sorted(hours):
        working = business_seconds(directory.schedule(slug), since, until) / 3600
        share = hours[slug] / working if working else None
        rows.append({"person": slug, "hours": round(hours[slug], 1), "share": share})
        if share is not None:
            shares.append(share)
    return {
        "people": rows,
        "median_share": percentile(shares, 0.5),
        "over": sum(1 for s in shares if s > MEETING_TARGET),
        "target": MEETING_TARGET,
    }


def _participation(team: str | None, window: Window) -> dict[str, Any] | None:
    if team is None:
        return None
    weeks = [week_of(window.end - timedelta(weeks=n + 1)) for n in range(8)][::-1]
    return status.participation(team, weeks)


def _teams_table(window: Window) -> list[dict[str, Any]]:
    """The organisation page's table: each team that owns a repository, with the keys its own
    page shows."""
    repos: dict[int, set[str]] = {}
    for owner, found in Component.objects.filter(owner__isnull=False).values_list("owner", "repos"):
        repos.setdefault(owner, set()).update(found)
    return [
        {
            "team": {"slug": team.slug, "name": team.name},
            "keys": dora_keys(window.start, window.end, scope(team.slug)),
        }
        for team in Team.objects.filter(pk__in=list(repos)).order_by("name")
    ]


# -- the rows behind the figures -------------------------------------------------------------------


def deployment_rows(team: str | None) -> list[dict[str, Any]]:
    """Each production deployment of the window, newest first: what it shipped, whether it
    failed, when it was restored."""
    window = Window.last_weeks()
    rows, main, changes, failures = dora_rows(scope(team))
    found = dora.ship(rows, main)
    dora.mark_failures(found, failures)
    merged = {(c.repo, c.merge_sha): c.number for c in changes}
    return [
        {
            "id": d.row.id,
            "repo": d.row.repo,
            "sha": d.row.sha,
            "at": d.at,
            "shipped": len(d.shipped),
            "pulls": [merged[(d.row.repo, s)] for s in d.shipped if (d.row.repo, s) in merged],
            "failed": d.failed,
            "restored_at": d.restored_at,
        }
        for d in sorted(found, key=lambda d: d.at, reverse=True)
        if window.start <= d.at.date() < window.end
    ]


def pull_rows(team: str | None) -> list[dict[str, Any]]:
    """Each pull request that became ready in the window, newest first, with its stages in
    working and calendar hours."""
    window = Window.last_weeks()
    since, until = window.instants()
    where = scope(team)
    who = prs.Identities.load()
    pulls = prs.pull_rows(
        where,
        where.filter(PullRequest.objects.filter(created_at__lt=until, updated_at__gte=since)),
    )
    ready = [p for p in pulls if p.ready_at is not None and since <= p.ready_at < until]
    ready.sort(key=lambda p: p.ready_at or p.created_at, reverse=True)
    stages = [flow.stages(p, who.person) for p in ready]
    flow.measure([i for found in stages for i in found], who.directory.schedules())
    return [
        {
            "pull": p,
            "stages": [next((i for i in found if i.stage == s), None) for s in SHOWN],
            "author": who.person(p.author),
        }
        for p, found in zip(ready, stages, strict=True)
    ]
