"""Reading decisions: the filtered log, one record with everything its page shows, metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from sunrelay.decisions import search
from sunrelay.decisions.models import Event, Link, Record, Reviewer
from sunrelay.decisions.schemas import LogQuery
from sunrelay.people import queries as people_queries
from sunrelay.worktime import business_seconds


def decision_log(filters: LogQuery) -> QuerySet[Record]:
    f = filters
    records = Record.objects.select_related("dri", "team").order_by("-number", "-pk")
    exact = {"status": f.status, "kind": f.kind, "components__slug": f.component, "log": f.log}
    records = records.filter(**{k: v for k, v in exact.items() if v})
    if f.team:
        written_or_affected = Q(team__slug=f.team) | Q(teams__slug=f.team)
        records = records.filter(written_or_affected).distinct()
    if f.tag:
        records = records.filter(tags__icontains=f'"{f.tag.lower()}"')
    return search.search(records, f.q) if f.q.strip() else records


def record_page(pk: int) -> Record:
    from sunrelay.decisions.service import get_record

    get_record(pk)
    return (
        Record.objects.select_related("dri", "team")
        .prefetch_related(
            "components",
            "teams",
            Prefetch("reviewers", Reviewer.objects.select_related("person", "via_team")),
            Prefetch("events", Event.objects.select_related("actor")),
            Prefetch("links", Link.objects.select_related("target")),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ReviewMetrics:
    decided: int
    cycle_hours_median: float | None  # review requested → decided, in the DRI's working hours
    reviews: int
    answered_in_time: float | None  # share of verdicts given by the reviewer's deadline
    cross_team: int  # records that affect more than one team
    cross_team_adrs: float | None  # share of those that are ADRs gone through review


def review_metrics(since: datetime, until: datetime) -> ReviewMetrics:
    """What the metrics area reads about decisions, for records decided in [since, until)."""
    decided = list(
        Record.objects.filter(
            decided_at__gte=since, decided_at__lt=until, review_requested_at__isnull=False
        ).select_related("dri")
    )
    dris = sorted({r.dri.slug for r in decided if r.dri})
    directory = people_queries.load_directory(dris)
    cycles = sorted(
        business_seconds(directory.schedule(r.dri.slug), r.review_requested_at, r.decided_at) / 3600
        for r in decided
        if r.dri and r.review_requested_at and r.decided_at
    )
    verdicts = Reviewer.objects.filter(answered_at__gte=since, answered_at__lt=until)
    total = verdicts.count()
    in_time = sum(1 for a, d in verdicts.values_list("answered_at", "due_at") if a and d and a <= d)
    period = Record.objects.filter(created_at__lt=until).prefetch_related("teams")
    cross = [
        r
        for r in period
        if len({t.pk for t in r.teams.all()} | ({r.team_id} if r.team_id else set())) > 1
    ]
    reviewed = [r for r in cross if r.kind == "adr" and r.review_requested_at]
    return ReviewMetrics(
        decided=len(decided),
        cycle_hours_median=round(cycles[len(cycles) // 2], 2) if cycles else None,
        reviews=total,
        answered_in_time=round(in_time / total, 3) if total else None,
        cross_team=len(cross),
        cross_team_adrs=round(len(reviewed) / len(cross), 3) if cross else None,
    )
