"""The four keys by Sunrelay's definitions (docs/delivery.md). Pure.

What they fix in the Four Keys reading: a deployment is one deployment id, production only,
dated by its first success (else its first failure) and never by a mutable ``updated_at``;
failed deployments count; a deployment ships the main-branch commits no earlier successful
deployment shipped, so a redeploy or a rollback ships nothing, and the first deployment seen
in a repository is a baseline that ships nothing (it would otherwise absorb the repository's
whole history); a change is a merged pull request however it was merged, timed from the first
commit on its branch; the change failure rate is a share of deployments, 0..1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sunrelay.delivery.metrics.stats import percentile

SUCCESS, FAILED = ("success",), ("failure", "error")
SHORT_SHA = 7  # a root cause may name a commit by its first seven characters or more


@dataclass(frozen=True)
class DeploymentRow:
    id: int
    repo: str
    environment: str
    sha: str
    statuses: tuple[tuple[str, datetime], ...]  # (state, created_at), any order


@dataclass(frozen=True)
class MainCommit:
    repo: str
    sha: str  # in the order the default branch received them


@dataclass(frozen=True)
class Change:
    repo: str
    number: int
    merge_sha: str
    first_commit_at: datetime


@dataclass(frozen=True)
class Failure:
    """Something that says deployments failed: an ``Incident`` issue naming a root cause, or
    a Sunrelay incident naming a commit or a deployment. ``repo`` None: any repository."""

    repo: str | None
    shas: tuple[str, ...] = ()
    deployments: tuple[int, ...] = ()
    closed_at: datetime | None = None


@dataclass
class Deployed:
    row: DeploymentRow
    at: datetime
    succeeded: bool
    failed: bool
    shipped: list[str] = field(default_factory=list)
    restored_at: datetime | None = None


# Sunrelay's reading of each report's table: (lower bound per week, band) for frequency,
# (upper bound, band) for the rest; docs/delivery.md shows them.
BANDS: dict[str, dict[str, tuple[tuple[float, str], ...]]] = {
    "2024": {
        "frequency": ((7, "elite"), (1, "high"), (12 / 52, "medium")),
        "lead": ((24, "elite"), (168, "high"), (730, "medium")),
        "cfr": ((0.05, "elite"), (0.20, "high"), (0.40 - 1e-12, "medium")),
        "restore": ((1, "elite"), (24, "high"), (168, "medium")),
    },
    "2023": {
        "frequency": ((7, "elite"), (1, "high"), (12 / 52, "medium")),
        "lead": ((24, "elite"), (168, "high"), (730, "medium")),
        "cfr": ((0.05, "elite"), (0.10, "high"), (0.15, "medium")),
        "restore": ((1, "elite"), (24, "high"), (168, "medium")),
    },
    "2021": {
        "frequency": ((7, "elite"), (1, "high"), (12 / 52, "medium")),
        "lead": ((1, "elite"), (168, "high"), (4380, "medium")),
        "cfr": ((0.15, "elite"), (0.30, "high")),
        "restore": ((1, "elite"), (24, "high"), (168, "medium")),
    },
    "2019": {
        "frequency": ((7, "elite"), (1, "high"), (12 / 52, "medium")),
        "lead": ((24, "elite"), (168, "high"), (730, "medium")),
        "cfr": ((0.15, "elite"), (0.46 - 1e-12, "medium")),
        "restore": ((1, "elite"), (24, "high"), (168, "medium")),
    },
}


def band(table: str, metric: str, value: float | None) -> str:
    if value is None:
        return "no data"
    for limit, name in BANDS[table][metric]:
        if metric == "frequency" and value >= limit:
            return name
        if metric in ("lead", "restore") and value < limit:
            return name
        if metric == "cfr" and value <= limit:
            return name
    return "low"


def dated(row: DeploymentRow) -> Deployed | None:
    statuses = sorted(row.statuses, key=lambda s: s[1])
    success = next((at for state, at in statuses if state in SUCCESS), None)
    failure = next((at for state, at in statuses if state in FAILED), None)
    at = success or failure
    if at is None:  # still queued or in progress
        return None
    return Deployed(row, at, success is not None, failure is not None)


def ship(rows: list[DeploymentRow], main: list[MainCommit]) -> list[Deployed]:
    """Every dated deployment with the commits it shipped, oldest first."""
    order: dict[str, dict[str, int]] = defaultdict(dict)
    commits: dict[str, list[str]] = defaultdict(list)
    for c in main:
        if c.sha not in order[c.repo]:
            order[c.repo][c.sha] = len(commits[c.repo])
            commits[c.repo].append(c.sha)
    found = sorted(filter(None, map(dated, rows)), key=lambda d: (d.at, d.row.id))
    upto: dict[str, int] = {}  # per repository: commits[:upto] have shipped
    for d in found:
        repo = d.row.repo
        position = order[repo].get(d.row.sha)
        if not d.succeeded or position is None:
            continue
        if repo not in upto:  # the baseline: what it shipped was shipped before we looked
            upto[repo] = position + 1
            continue
        if position + 1 > upto[repo]:
            d.shipped = commits[repo][upto[repo] : position + 1]
            upto[repo] = position + 1
    return found


def _names(failure: Failure, d: Deployed) -> bool:
    if failure.repo is not None and failure.repo != d.row.repo:
        return False
    if d.row.id in failure.deployments:
        return True
    mine = [d.row.sha, *d.shipped]
    return any(
        len(cause) >= SHORT_SHA and any(sha.startswith(cause) for sha in mine)
        for cause in failure.shas
    )


def mark_failures(found: list[Deployed], failures: list[Failure]) -> None:
    by_place: dict[tuple[str, str], list[Deployed]] = defaultdict(list)
    for d in found:
        by_place[(d.row.repo, d.row.environment)].append(d)
    for d in found:
        linked = [f for f in failures if _names(f, d)]
        d.failed = d.failed or bool(linked)
        if not d.failed:
            continue
        later = by_place[(d.row.repo, d.row.environment)]
        ends = [x.at for x in later if x.succeeded and x.at > d.at]
        ends += [f.closed_at for f in linked if f.closed_at is not None and f.closed_at > d.at]
        d.restored_at = min(ends) if ends else None


def compute(
    rows: list[DeploymentRow],
    main: list[MainCommit],
    changes: list[Change],
    failures: list[Failure],
    start: date,
    end: date,
    bands: str = "2024",
) -> dict[str, Any]:
    found = ship(rows, main)
    mark_failures(found, failures)
    window = [d for d in found if start <= d.at.date() < end]
    by_merge = {(c.repo, c.merge_sha): c for c in changes if c.merge_sha}
    lead = [
        (d.at - by_merge[(d.row.repo, sha)].first_commit_at).total_seconds() / 3600
        for d in window
        for sha in d.shipped
        if (d.row.repo, sha) in by_merge
    ]
    return keys(window, lead, start, end, bands)


def keys(
    window: list[Deployed], lead: list[float], start: date, end: date, bands: str = "2024"
) -> dict[str, Any]:
    """The four keys of the deployments dated in ``[start, end)``, marked failed and
    restored, and the lead times (hours) of the changes they shipped."""
    weeks = (end - start).days / 7
    per_week = len(window) / weeks if weeks > 0 else 0.0
    failed = [d for d in window if d.failed]
    rate = len(failed) / len(window) if window else None
    restore = [
        (d.restored_at - d.at).total_seconds() / 3600 for d in failed if d.restored_at is not None
    ]
    median, p90 = percentile(lead, 0.5), percentile(lead, 0.9)
    restored = percentile(restore, 0.5)
    return {
        "mode": "dora",
        "from": start.isoformat(),
        "to": end.isoformat(),
        "deployments": len(window),
        "deployment_frequency": {
            "per_week": per_week,
            "bucket": band(bands, "frequency", per_week if weeks > 0 else None),
        },
        "lead_time_hours": {"median": median, "p90": p90, "bucket": band(bands, "lead", median)},
        "change_failure_rate": {"value": rate, "bucket": band(bands, "cfr", rate)},
        "time_to_restore_hours": {"median": restored, "bucket": band(bands, "restore", restored)},
    }


def weekly(
    rows: list[DeploymentRow],
    main: list[MainCommit],
    changes: list[Change],
    failures: list[Failure],
    start: date,
    weeks: int,
) -> list[dict[str, Any]]:
    """The keys week by week from ``start``: for the trend charts."""
    found = ship(rows, main)
    mark_failures(found, failures)
    by_merge = {(c.repo, c.merge_sha): c for c in changes if c.merge_sha}
    lead = {
        d.row.id: [
            (d.at - by_merge[(d.row.repo, sha)].first_commit_at).total_seconds() / 3600
            for sha in d.shipped
            if (d.row.repo, sha) in by_merge
        ]
        for d in found
    }
    return by_week(found, lead, start, weeks)


def by_week(
    found: list[Deployed], lead: dict[int, list[float]], start: date, weeks: int
) -> list[dict[str, Any]]:
    """``weekly`` from deployments already shipped and marked, with their lead times (hours)
    by deployment id."""
    out = []
    for n in range(weeks):
        a, b = start + timedelta(weeks=n), start + timedelta(weeks=n + 1)
        mine = [d for d in found if a <= d.at.date() < b]
        hours = [h for d in mine for h in lead.get(d.row.id, ())]
        out.append(
            {
                "week": a.isoformat(),
                "deployments": len(mine),
                "failed": sum(1 for d in mine if d.failed),
                "lead_time_hours": percentile(hours, 0.5),
            }
        )
    return out
