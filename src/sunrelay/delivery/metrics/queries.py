"""Reading delivery facts for the metrics: the rows ``fourkeys`` and ``dora`` compute from."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Min, Q, TextField
from django.db.models.functions import Cast

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.delivery.metrics import dora, fourkeys
from sunrelay.delivery.models import (
    Deployment,
    Event,
    IssueEvent,
    PullRequest,
    Push,
    PushCommit,
    Status,
)
from sunrelay.incidents.models import Incident
from sunrelay.people.models import Component
from sunrelay.people.service import get_team

MODES = ("dora", "fourkeys")
F = TypeVar("F", bound=Callable[..., Any])
_MEMO: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar("memo", default=None)


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """One page or one scrape: rows read for a scope are read once, however many figures use
    them. Nothing is kept after it."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _memoized(func: F) -> F:
    @functools.wraps(func)
    def wrapper(where: Scope) -> Any:
        memo = _MEMO.get()
        if memo is None:
            return func(where)
        key = (func.__name__, where)
        if key not in memo:
            memo[key] = func(where)
        return memo[key]

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class Scope:
    """Which repositories a figure covers: None for every one."""

    repos: frozenset[str] | None

    def filter(self, queryset: Any, field: str = "repo") -> Any:
        if self.repos is None:
            return queryset
        return queryset.filter(**{f"{field}__in": sorted(self.repos)})


def scope(team: str | None = None, repo: str | None = None) -> Scope:
    """The repositories of ``team``'s components, or ``repo``, or both (their overlap).
    Raises TeamNotFound."""
    repos: set[str] | None = None
    if team:
        found = get_team(team)
        repos = {r for c in Component.objects.filter(owner=found) for r in c.repos}
    if repo:
        repos = {repo} if repos is None else repos & {repo}
    return Scope(None if repos is None else frozenset(repos))


def asked(
    start: str | None, end: str | None, team: str | None = None, repo: str | None = None
) -> tuple[date, date, Scope]:
    """What a surface asked for: ``[from, to)`` as days and the scope. Raises
    ValidationFailed naming the field, TeamNotFound."""
    return clock.read_date(start, "from"), clock.read_date(end, "to"), scope(team, repo)


def window(start: date, end: date) -> None:
    if end <= start:
        raise ValidationFailed("'to' must be after 'from'", field="to")


def dora_keys(
    start: date, end: date, where: Scope, mode: str = "dora", bands: str = "2024"
) -> dict[str, Any]:
    """The four keys over ``[start, end)``. Raises ValidationFailed for a bad window, mode or
    band table."""
    window(start, end)
    if mode not in MODES:
        raise ValidationFailed(f"{mode!r} is not one of {', '.join(MODES)}", field="mode")
    if bands not in dora.BANDS:
        raise ValidationFailed(
            f"{bands!r} is not one of {', '.join(sorted(dora.BANDS))}", field="bands"
        )
    if mode == "fourkeys":
        return fourkeys.compute(*_fourkeys_rows(where), start, end)
    return window_keys(where, start, end, bands)


# -- fourkeys: one row per delivery --------------------------------------------------------------


def _fourkeys_rows(
    where: Scope,
) -> tuple[list[fourkeys.StatusRow], list[fourkeys.PushRow], list[fourkeys.IssueRow], Any]:
    statuses = [
        fourkeys.StatusRow(gid, at, sha)
        for gid, at, sha in where.filter(
            Status.objects.filter(state="success", event__event="deployment_status"),
            "deployment__repo",
        ).values_list("github_id", "updated_at", "deployment__sha")
    ]
    commits: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    pushes = where.filter(Push.objects.exclude(head=""))
    for push, sha, at in PushCommit.objects.filter(push__in=pushes).values_list(
        "push_id", "sha", "at"
    ):
        commits[push].append((sha, at))
    push_rows = [
        fourkeys.PushRow(head, tuple(commits.get(pk, ())))
        for pk, head in pushes.values_list("pk", "head")
    ]
    issues = [
        fourkeys.IssueRow(n, created, closed, cause, incident)
        for n, created, closed, cause, incident in where.filter(IssueEvent.objects).values_list(
            "number", "created_at", "closed_at", "root_cause", "incident"
        )
    ]
    issues += [
        fourkeys.IssueRow(pk, declared, resolved, sha, True, "sunrelay")
        for pk, declared, resolved, sha in _incidents(where).values_list(
            "pk", "declared_at", "resolved_at", "cause_sha"
        )
        if sha
    ]
    earliest = where.filter(Event.objects).aggregate(first=Min("occurred_at"))["first"]
    return statuses, push_rows, issues, earliest


# -- dora: one row per logical fact --------------------------------------------------------------


def rows_of(queryset: Any, *fields: str, times: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """``queryset.values_list(*fields)`` for reads of hundreds of thousands of rows: the
    ORM writes the SQL, the rows come straight from the cursor, and on SQLite the ``times``
    columns are read as text with ``datetime.fromisoformat`` (they are kept as UTC text)
    instead of Django's converters, which cost ten times as much."""
    sqlite = connection.vendor == "sqlite"
    if sqlite and times:
        queryset = queryset.annotate(**{f"text_{t}": Cast(t, TextField()) for t in times})
        fields = tuple(f"text_{f}" if f in times else f for f in fields)
    try:
        sql, params = queryset.values_list(*fields).query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (a team with no repositories)
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not (sqlite and times):
        return rows
    columns = [i for i, f in enumerate(fields) if f.startswith("text_")]
    read = datetime.fromisoformat
    out = []
    for row in rows:
        values = list(row)
        for i in columns:
            if values[i] is not None:
                values[i] = read(values[i] + "+00:00")
        out.append(tuple(values))
    return out


@_memoized
def dora_rows(
    where: Scope,
) -> tuple[list[dora.DeploymentRow], list[dora.MainCommit], list[dora.Change], list[dora.Failure]]:
    statuses: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    production = where.filter(Deployment.objects.filter(production=True))
    for dep, state, at in rows_of(
        Status.objects.filter(deployment__in=production),
        "deployment_id", "state", "created_at", times=("created_at",),
    ):  # fmt: skip
        statuses[dep].append((state, at))
    rows = [
        dora.DeploymentRow(gid, repo, env, sha, tuple(statuses.get(pk, ())))
        for pk, gid, repo, env, sha in production.values_list(
            "pk", "github_id", "repo", "environment", "sha"
        )
    ]
    main = [
        dora.MainCommit(repo, sha)
        for repo, sha in rows_of(
            PushCommit.objects.filter(
                push__in=where.filter(Push.objects.filter(main=True))
            ).order_by("push__pushed_at", "push_id", "position"),
            "push__repo",
            "sha",
        )
    ]
    return rows, main, _changes(where), _failures(where)


@_memoized
def first_commits(where: Scope) -> dict[tuple[str, int], datetime]:
    """Each pull request's first commit: the earliest among pushes to its head branch before
    it merged (or now), after an earlier pull request from the same branch merged."""
    branch: dict[tuple[str, str], list[tuple[datetime, datetime]]] = defaultdict(list)
    for repo, ref, pushed, first in rows_of(
        where.filter(Push.objects.filter(main=False, first_at__isnull=False)),
        "repo", "ref", "pushed_at", "first_at", times=("pushed_at", "first_at"),
    ):  # fmt: skip
        if first is not None:
            branch[(repo, ref.removeprefix("refs/heads/"))].append((pushed, first))
    previous: dict[tuple[str, str], datetime] = {}
    found: dict[tuple[str, int], datetime] = {}
    for repo, number, head, created, merged in rows_of(
        where.filter(PullRequest.objects).order_by("created_at", "pk"),
        "repo", "number", "head_ref", "created_at", "merged_at",
        times=("created_at", "merged_at"),
    ):  # fmt: skip
        key, after = (repo, head), previous.get((repo, head))
        firsts = [
            first
            for pushed, first in branch.get(key, ())
            if (merged is None or pushed <= merged) and (after is None or pushed > after)
        ]
        if merged is not None:
            previous[key] = merged
        found[(repo, number)] = min(firsts, default=created)
    return found


def _changes(where: Scope) -> list[dora.Change]:
    """Merged pull requests into the default branch, each timed from its first commit."""
    firsts = first_commits(where)
    merged = rows_of(
        where.filter(PullRequest.objects.filter(merged_at__isnull=False, base_is_default=True)),
        "repo", "number", "merge_sha",
    )  # fmt: skip
    return [dora.Change(r, n, sha, firsts[(r, n)]) for r, n, sha in merged if (r, n) in firsts]


def _failures(where: Scope) -> list[dora.Failure]:
    """Issues labelled ``Incident`` as their newest delivery says, with the newest root cause
    any delivery named."""
    latest: dict[tuple[str, int], tuple[bool, datetime | None]] = {}
    causes: dict[tuple[str, int], str] = {}
    for repo, number, incident, closed, cause in (
        where.filter(IssueEvent.objects)
        .order_by("updated_at", "event_id")
        .values_list("repo", "number", "incident", "closed_at", "root_cause")
    ):
        latest[(repo, number)] = (incident, closed)
        if cause:
            causes[(repo, number)] = cause
    found = [
        dora.Failure(repo, (causes[(repo, n)],), (), closed)
        for (repo, n), (incident, closed) in latest.items()
        if incident and (repo, n) in causes
    ]
    for sha, deployment, resolved in _incidents(where).values_list(
        "cause_sha", "cause_deployment", "resolved_at"
    ):
        found.append(
            dora.Failure(None, (sha,) if sha else (), (deployment,) if deployment else (), resolved)
        )
    return found


def _incidents(where: Scope) -> Any:
    """Sunrelay incidents that name a cause (drills are exercises: left out), of the scope's
    components when it has some."""
    found = Incident.objects.filter(drill=False).exclude(cause_sha="", cause_deployment=None)
    if where.repos is None:
        return found
    components = [
        pk for pk, repos in Component.objects.values_list("pk", "repos") if set(repos) & where.repos
    ]
    return found.filter(Q(component__in=components) | Q(component__isnull=True))


# -- dora over one window: the derived facts its deployments need (ADR 25) ---------------------

# Where a commit landed on the default branch, as the database gives it: (pushed_at, push,
# position). Keys are only compared with each other, and SQLite's UTC text sorts as time does.
Key = tuple[Any, int, int]
_FOREVER = datetime.max.replace(tzinfo=UTC)


def _instant(value: Any) -> Any:
    """A time from a raw read: SQLite gives its UTC text for an aggregate and a naive UTC
    datetime for a column, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _raw(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of hand-written SQL; times are passed as the database keeps them (SQLite compares
    its UTC text, which an aware datetime's own text would not match)."""
    adapt = connection.ops.adapt_datetimefield_value
    given = [adapt(p) if isinstance(p, datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, given)
        return cursor.fetchall()


def _in(where: Scope, column: str) -> tuple[str, list[Any]]:
    if where.repos is None:
        return "", []
    repos = sorted(where.repos)
    if not repos:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(repos))})", repos


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def window_keys(where: Scope, start: date, end: date, bands: str = "2024") -> dict[str, Any]:
    """``dora.compute``'s answer for ``[start, end)``, from ``window_deployments``."""
    found, lead = window_deployments(where, start, end)
    hours = [h for d in found for h in lead.get(d.row.id, ())]
    return dora.keys(found, hours, start, end, bands)


def window_deployments(
    where: Scope, start: date, end: date
) -> tuple[list[dora.Deployed], dict[int, list[float]]]:
    """The deployments dated in ``[start, end)`` as ``dora.ship`` and ``dora.mark_failures``
    leave them (what each shipped, failed, restored), and the lead times in hours of the
    changes each shipped, by deployment id; read from the derived facts: every deployment
    dated (one grouped read), the stretch of the default branch each deployment of the window
    shipped with the start of each change in it (one read of an index per repository). A year
    of history costs the window's share of it."""
    lo, hi = _midnight(start), _midnight(end)
    later, stretches = _walk(where, lo, hi)
    lead: dict[int, list[float]] = defaultdict(list)
    for d, sha, started in _stretch_commits(stretches):
        d.shipped.append(sha)
        if started is not None:
            lead[d.row.id].append((d.at - _instant(started)).total_seconds() / 3600)
    dora.mark_failures(later, _failures(where))
    return [d for d in later if d.at < hi], lead


def shipped_since(where: Scope, since: date) -> dict[tuple[str, str], datetime]:
    """When each commit was shipped, for the deployments dated from ``since`` on: the
    commits ``dora.ship`` gives them."""
    _, stretches = _walk(where, _midnight(since), _FOREVER)
    return {(d.row.repo, sha): d.at for d, sha, _ in _stretch_commits(stretches)}


# Every production deployment, dated by its first success and first failure (all that
# ``dora.dated`` reads of its statuses), with where its commit landed on the default branch.
# Grouped after the scope's filter, so that a team's read starts from its repositories.
DEPLOYMENTS_SQL = """
SELECT d.github_id, d.repo, d.environment, d.sha,
  MIN(CASE WHEN s.state = 'success' THEN s.created_at END),
  MIN(CASE WHEN s.state IN ('failure', 'error') THEN s.created_at END),
  l.pushed_at, l.push_id, l.position
FROM delivery_deployment d
JOIN delivery_status s ON s.deployment_id = d.id
LEFT JOIN delivery_landing l ON l.repo = d.repo AND l.sha = d.sha
WHERE d.production{scoped}
GROUP BY d.id, d.github_id, d.repo, d.environment, d.sha, l.pushed_at, l.push_id, l.position
"""

Stretch = tuple[Key, Key, dora.Deployed]  # (after, upto]: what one deployment shipped


def _walk(
    where: Scope, since: datetime, until: datetime
) -> tuple[list[dora.Deployed], dict[str, list[Stretch]]]:
    """``dora.ship``'s walk over the whole history, on landing keys: every deployment dated
    from ``since`` on (oldest first), and per repository the stretches of the default branch
    that those dated before ``until`` shipped, in order (each begins where the one before it
    ended). The first successful deployment of a landed commit in a repository is its
    baseline and ships nothing."""
    scoped, repos = _in(where, "d.repo")
    rows = []
    for gid, repo, env, sha, ok, bad, pushed, push, position in _raw(
        DEPLOYMENTS_SQL.format(scoped=scoped), repos
    ):
        at = _instant(ok if ok is not None else bad)
        if at is not None:  # still queued or in progress: not a deployment yet
            key = None if pushed is None else (pushed, push, position)
            rows.append((at, gid, repo, env, sha, ok is not None, bad is not None, key))
    rows.sort(key=lambda r: (r[0], r[1]))
    upto: dict[str, Key] = {}
    later: list[dora.Deployed] = []
    stretches: dict[str, list[Stretch]] = defaultdict(list)
    for at, gid, repo, env, sha, succeeded, failed, key in rows:
        after = None
        if succeeded and key is not None:
            if repo not in upto:
                upto[repo] = key
            elif key > upto[repo]:
                after, upto[repo] = upto[repo], key
        if at < since:
            continue
        d = dora.Deployed(dora.DeploymentRow(gid, repo, env, sha, ()), at, succeeded, failed)
        later.append(d)
        if after is not None and key is not None and at < until:
            stretches[repo].append((after, key, d))
    return later, stretches


STRETCH_SQL = """
SELECT l.sha, l.pushed_at, l.push_id, l.position, l.started_at FROM delivery_landing l
WHERE l.repo = %s AND l.pushed_at >= %s AND l.pushed_at <= %s
ORDER BY l.pushed_at, l.push_id, l.position
"""


def _stretch_commits(stretches: dict[str, list[Stretch]]) -> Iterator[tuple[Any, str, Any]]:
    """Each commit the stretches shipped, with the deployment that shipped it and the start
    of its change (None: no pull request merged it): one index read per repository."""
    for repo, chain in sorted(stretches.items()):
        first, last = chain[0][0], chain[-1][1]
        i = 0
        for sha, pushed, push, position, started in _raw(STRETCH_SQL, [repo, first[0], last[0]]):
            key = (pushed, push, position)
            if not first < key <= last:
                continue
            while key > chain[i][1]:
                i += 1
            yield chain[i][2], sha, started


def first_commits_of(pulls: Any) -> dict[int, datetime]:
    """``first_commits``'s answer for the pull requests of a queryset only, by id, as derived
    when their deliveries arrived."""
    return {
        pk: first or created
        for pk, created, first in rows_of(
            pulls, "pk", "created_at", "first_commit_at", times=("created_at", "first_commit_at")
        )
    }
