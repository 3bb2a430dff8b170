"""Reading decisions: the filtered log, one record with everything its page shows, metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from sunrelay.core import clock
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


def review_metrics(since: datetime, until: datetime, team: str | None = None) -> ReviewMetrics:
    """What the metrics area reads about decisions, for records decided in [since, until)
    (of ``team``: written by it)."""
    records = Record.objects.filter(team__slug=team) if team else Record.objects.all()
    decided = list(
        records.filter(
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


# -- the JSON the API and the CLI print ------------------------------------------------------


def record_summary(r: Record) -> dict[str, Any]:
    return {
        "id": r.pk,
        "log": r.log,
        "number": r.number,
        "label": r.label,
        "title": r.title,
        "kind": r.kind,
        "status": r.status,
        "status_text": r.status_text,
        "dri": r.dri.slug if r.dri else None,
        "team": r.team.slug if r.team else None,
        "tags": r.tags,
        "date": r.record_date,
        "review_due_at": r.review_due_at,
        "rung": r.rung,
    }


def record_detail(pk: int) -> dict[str, Any]:
    r = record_page(pk)
    now = clock.now()
    return {
        **record_summary(r),
        "body": r.body,
        "raci": r.raci,
        "file": r.file,
        "components": [c.slug for c in r.components.all()],
        "teams": [t.slug for t in r.teams.all()],
        "review_requested_at": r.review_requested_at,
        "decided_at": r.decided_at,
        "decision_note": r.decision_note,
        "links": [
            {"kind": x.kind, "target": x.target_id, "target_number": x.target_number}
            for x in r.links.all()
        ],
        "reviewers": [
            {
                "person": v.person.slug if v.person else None,
                "via_team": v.via_team.slug if v.via_team else None,
                "consulted": v.consulted,
                "state": v.state,
                "due_at": v.due_at,
                "answered_at": v.answered_at,
                "overdue": v.state == "pending" and bool(v.due_at and v.due_at < now),
            }
            for v in r.reviewers.all()
        ],
        "events": [event_json(e) for e in r.events.all()],
    }


def event_json(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "actor": e.actor.slug if e.actor else None,
        "kind": e.kind,
        "body": e.body,
        "section": e.section,
        "reply_to": e.parent_id,
        "data": e.data,
    }
