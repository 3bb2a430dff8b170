"""The four keys as the Four Keys project computes them, quirks included. Pure.

This mode exists so a team moving from Four Keys can check its numbers. Each function
restates one of that project's queries (its ``deployments``, ``changes`` and ``incidents``
tables and its dashboard's four tiles) over ``[start, end)`` in place of "the last three
months"; docs/delivery.md lists every quirk kept. Times are UTC, as BigQuery's are.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sunrelay.delivery.metrics.stats import percentile


@dataclass(frozen=True)
class StatusRow:
    """A ``deployment_status`` delivery whose state is ``success``."""

    id: int  # the status id: Four Keys' deploy_id
    at: datetime  # its updated_at: Four Keys' time_created
    sha: str  # deployment.sha


@dataclass(frozen=True)
class PushRow:
    head: str  # head_commit.id: the push's Four Keys id
    commits: tuple[tuple[str, datetime], ...]  # (id, timestamp)


@dataclass(frozen=True)
class IssueRow:
    """An ``issues`` delivery, or a Sunrelay incident naming a commit (``source``
    "sunrelay", as Four Keys keys incidents by source and id)."""

    number: int  # Four Keys' incident_id for GitHub: the number alone, whatever the repository
    created_at: datetime
    closed_at: datetime | None
    root_cause: str | None
    incident: bool
    source: str = "github"


@dataclass(frozen=True)
class Deploy:
    id: int
    at: datetime
    changes: frozenset[str]


@dataclass(frozen=True)
class Incident:
    number: int
    created_at: datetime
    resolved_at: datetime | None
    changes: tuple[str, ...]  # one entry per joined row, repeats kept


def deployments(statuses: Iterable[StatusRow], pushes: Iterable[PushRow]) -> list[Deploy]:
    """Its deployments table: every success status whose sha heads a stored push, with that
    push's commits; a status whose sha heads no push with commits is no deployment."""
    by_head: dict[str, set[str]] = defaultdict(set)
    for push in pushes:
        by_head[push.head].update(sha for sha, _ in push.commits)
    found = {}
    for s in statuses:
        if by_head.get(s.sha):
            key = (s.id, s.at)
            found[key] = Deploy(s.id, s.at, frozenset(by_head[s.sha]))
    return sorted(found.values(), key=lambda d: (d.at, d.id))


def changes(pushes: Iterable[PushRow]) -> dict[str, list[datetime]]:
    """Its changes table: every commit of every push, by id, with its distinct timestamps."""
    found: dict[str, set[datetime]] = defaultdict(set)
    for push in pushes:
        for sha, at in push.commits:
            found[sha].add(at.replace(microsecond=0))
    return {sha: sorted(times) for sha, times in found.items()}


def incidents(issues: Iterable[IssueRow], deploys: list[Deploy]) -> list[Incident]:
    """Its incidents table: issue deliveries grouped by number, each row joined to every
    deployment that shipped its root cause; kept when any delivery carried the label."""
    shipped: dict[str, list[datetime]] = defaultdict(list)
    for d in deploys:
        for sha in d.changes:
            shipped[sha].append(d.at)
    groups: dict[tuple[str, int], list[tuple[IssueRow, datetime | None]]] = defaultdict(list)
    for row in issues:
        roots: list[datetime | None] = list(shipped.get(row.root_cause or "", []))
        for root_at in roots or [None]:
            groups[(row.source, row.number)].append((row, root_at))
    found = []
    for (_, number), rows in groups.items():
        if not any(row.incident for row, _ in rows):
            continue
        created = min(
            root_at if root_at is not None and root_at < row.created_at else row.created_at
            for row, root_at in rows
        )
        closed = [row.closed_at for row, _ in rows if row.closed_at is not None]
        causes = tuple(row.root_cause for row, _ in rows if row.root_cause is not None)
        found.append(Incident(number, created, max(closed) if closed else None, causes))
    return found


def _minutes(a: datetime, b: datetime) -> int:
    return math.trunc((a - b).total_seconds() / 60)  # TIMESTAMP_DIFF(a, b, MINUTE)


def _hours(a: datetime, b: datetime) -> int:
    return math.trunc((a - b).total_seconds() / 3600)


def _in(at: datetime, start: date, end: date) -> bool:
    return start <= at.date() < end


DURATIONS = ((24, "One day"), (168, "One week"), (730, "One month"), (730 * 6, "Six months"))


def duration_bucket(hours: float | None) -> str:
    """Its lead-time and restore tiles' buckets; a missing value reads as "One year", as
    its CASE does with NULL."""
    for limit, name in DURATIONS:
        if hours is not None and hours < limit:
            return name
    return "One year"


def lead_time(
    deploys: list[Deploy], table: dict[str, list[datetime]], start: date, end: date
) -> dict[str, Any]:
    """Minutes from each change to its deployment, the positive ones only."""
    rows = []
    for d in deploys:
        if not _in(d.at, start, end):
            continue
        for sha in d.changes:
            for at in table.get(sha, []):  # no match: a NULL row, which the median skips
                if _minutes(d.at, at) > 0:
                    rows.append(_minutes(d.at, at))
    median, p90 = percentile(rows, 0.5), percentile(rows, 0.9)
    return {
        "median": None if median is None else median / 60,
        "p90": None if p90 is None else p90 / 60,
        "bucket": duration_bucket((median or 0) / 60),  # its IFNULL(median, 0)
    }


def frequency(
    deploys: list[Deploy], earliest: datetime | None, start: date, end: date
) -> dict[str, Any]:
    """Deploy days per Sunday-start week over the window's days after the first stored
    event's date, partial weeks included; bucketed as its tile does."""
    days = [
        start + timedelta(n)
        for n in range((end - start).days)
        if earliest is not None and start + timedelta(n) > earliest.date()
    ]
    deployed = {d.at.date() for d in deploys}
    weeks: dict[date, list[date]] = defaultdict(list)
    for day in days:
        weeks[day - timedelta((day.weekday() + 1) % 7)].append(day)
    if not weeks:
        return {"per_week": 0.0, "bucket": "No data"}
    rows = []
    for week, members in sorted(weeks.items()):
        count = sum(1 for day in members if day in deployed)
        rows.append((week, 1 if count else 0, count))
    months: dict[tuple[int, int], int] = defaultdict(int)
    for week, any_, _ in rows:
        months[(week.year, week.month)] += any_
    per_week = percentile([c for _, _, c in rows], 0.5) or 0.0
    if per_week >= 3:
        bucket = "Daily"
    elif (percentile([a for _, a, _ in rows], 0.5) or 0) >= 1:
        bucket = "Weekly"
    elif (percentile([months[(w.year, w.month)] for w, _, _ in rows], 0.5) or 0) >= 1:
        bucket = "Monthly"
    else:
        bucket = "Yearly"
    return {"per_week": float(per_week), "bucket": bucket}


def failure_rate(
    deploys: list[Deploy],
    table: dict[str, list[datetime]],
    found: list[Incident],
    start: date,
    end: date,
) -> dict[str, Any]:
    """Its tile: rows with an incident ÷ distinct deployments, over every (change, incident
    change) row; it can exceed 1."""
    by_change: dict[str, int] = defaultdict(int)
    for incident in found:
        for sha in incident.changes:
            by_change[sha] += 1
    ids, change_ids, hits = set(), set(), 0
    for d in deploys:
        if not _in(d.at, start, end):
            continue
        ids.add(d.id)
        for sha in d.changes:
            rows = len(table.get(sha, [])) or 1  # the LEFT JOIN keeps one row without a match
            if sha in table:
                change_ids.add(sha)
            hits += rows * by_change.get(sha, 0)
    value = 0.0 if not change_ids else hits / len(ids)
    bucket = "0-15%" if value <= 0.15 else "16-45%" if value < 0.46 else "46-60%"
    return {"value": value, "bucket": bucket}


def restore(found: list[Incident], start: date, end: date) -> dict[str, Any]:
    """Whole hours from each incident's start to its resolution, for incidents started in
    the window; no incident: "No data"."""
    rows = [i for i in found if _in(i.created_at, start, end)]
    if not rows:
        return {"median": None, "bucket": "No data"}
    hours = [_hours(i.resolved_at, i.created_at) for i in rows if i.resolved_at is not None]
    median = percentile(hours, 0.5)
    return {"median": median, "bucket": duration_bucket(median)}


def compute(
    statuses: list[StatusRow],
    pushes: list[PushRow],
    issues: list[IssueRow],
    earliest: datetime | None,
    start: date,
    end: date,
) -> dict[str, Any]:
    deploys = deployments(statuses, pushes)
    table = changes(pushes)
    found = incidents(issues, deploys)
    return {
        "mode": "fourkeys",
        "from": start.isoformat(),
        "to": end.isoformat(),
        "deployments": sum(1 for d in deploys if _in(d.at, start, end)),
        "deployment_frequency": frequency(deploys, earliest, start, end),
        "lead_time_hours": lead_time(deploys, table, start, end),
        "change_failure_rate": failure_rate(deploys, table, found, start, end),
        "time_to_restore_hours": restore(found, start, end),
    }
