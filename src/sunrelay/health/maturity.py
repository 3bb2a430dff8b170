"""Remote-first maturity (seed 000), from evidence on record: the Definition of Done as a
scorecard per team, and the 30/60/90-day rollout as a plan whose steps tick themselves when
the evidence appears. Nothing is ticked by hand; what Sunrelay cannot see says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from sunrelay.cadence.models import Occurrence, Ritual, StatusUpdate
from sunrelay.core import clock
from sunrelay.decisions.models import Record
from sunrelay.delivery.models import Figures, PullRequest
from sunrelay.incidents.models import ActionItem, Incident, Postmortem
from sunrelay.people.models import Component, Organization, Team

QUARTER = timedelta(days=90)
MONTH = timedelta(days=30)


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    met: bool | None  # None: Sunrelay cannot see it
    evidence: str

    def json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "met": self.met, "evidence": self.evidence}


def _repos(team: Team) -> list[str]:
    return [r for c in Component.objects.filter(owner=team) for r in c.repos]


def _decisions(team: Team, now: datetime) -> Check:
    n = Record.objects.filter(team=team, status="accepted").count()
    return Check(
        "decisions", "Decisions discoverable (accepted records on file)", n > 0, f"{n} accepted"
    )


def _charter(team: Team, now: datetime) -> Check:
    ok = bool(team.charter.strip()) and team.lead_id is not None
    return Check(
        "charter",
        "Roles and charter published",
        ok,
        "charter and lead" if ok else "no charter or lead",
    )


def _cadence(team: Team, now: datetime) -> Check:
    held = (
        Occurrence.objects.filter(ritual__team=team, start__gte=now - MONTH, start__lt=now)
        .filter(~Q(notes="") | ~Q(recording_url=""))
        .count()
    )
    return Check(
        "cadence",
        "Predictable cadence, notes or recordings in one hub",
        held > 0,
        f"{held} meetings with notes or a recording in 30 days",
    )


def _dashboards(team: Team, now: datetime) -> Check:
    components = list(Component.objects.filter(owner=team))
    with_dash = [
        c for c in components if any("dashboard" in (x.get("title") or "").lower() for x in c.links)
    ]
    if not components:
        return Check("dashboards", "Dashboards live for what the team runs", None, "no components")
    return Check(
        "dashboards",
        "Dashboards live for what the team runs",
        len(with_dash) == len(components),
        f"{len(with_dash)} of {len(components)} components link a dashboard",
    )


def _drill(team: Team, now: datetime) -> Check:
    n = Incident.objects.filter(team=team, drill=True, declared_at__gte=now - QUARTER).count()
    return Check(
        "drill",
        "Incident playbook rehearsed (a drill this quarter)",
        n > 0,
        f"{n} drills in 90 days",
    )


def _postmortems(team: Team, now: datetime) -> Check:
    due = Postmortem.objects.filter(incident__team=team, due_at__lt=now)
    done = due.filter(state=Postmortem.DONE).count()
    total = due.count()
    return Check(
        "postmortems",
        "Postmortems written and shared",
        done == total if total else None,
        f"{done} of {total} due are done",
    )


def _metrics(team: Team, now: datetime) -> Check:
    repos = _repos(team)
    flowing = (
        PullRequest.objects.filter(repo__in=repos, updated_at__gte=now - MONTH).exists()
        if repos
        else False
    )
    kept = Figures.objects.filter(scope=team.slug).exists()
    return Check(
        "metrics",
        "Delivery metrics tracked monthly",
        flowing,
        ("figures kept; " if kept else "")
        + ("data this month" if flowing else "no delivery data this month"),
    )


def _actions(team: Team, now: datetime) -> Check:
    open_ = ActionItem.objects.filter(incident__team=team, done_at=None)
    late = open_.filter(due__lt=now.date()).count()
    return Check(
        "actions",
        "Actions owned and time-boxed, none overdue",
        late == 0,
        f"{open_.count()} open, {late} overdue",
    )


def _paved(team: Team, now: datetime) -> Check:
    return Check("paved-roads", "Paved roads adopted", None, "not visible to Sunrelay")


SCORECARD: tuple[Callable[[Team, datetime], Check], ...] = (
    _decisions, _charter, _cadence, _paved, _dashboards, _drill, _postmortems, _metrics, _actions,
)  # fmt: skip


def scorecard(team: Team, now: datetime | None = None) -> list[Check]:
    now = now or clock.now()
    return [check(team, now) for check in SCORECARD]


# -- the 30/60/90-day rollout, organisation-wide -------------------------------------------------


@dataclass(frozen=True)
class Step:
    by_day: int  # 30, 60 or 90
    label: str
    done: bool
    evidence: str


def _step(by: int, label: str, count: int, what: str) -> Step:
    return Step(by, label, count > 0, f"{count} {what}")


def rollout(now: datetime | None = None) -> tuple[datetime | None, list[Step]]:
    """The plan's start (the first org import) and its steps, each done when its evidence
    exists anywhere in the organisation."""
    now = now or clock.now()
    org = Organization.objects.first()
    started = org.file_imported_at if org else None
    agreements = Team.objects.exclude(agreement={}).count()
    review = sum(1 for a in Team.objects.values_list("agreement", flat=True) if a and "review" in a)
    cross = sum(1 for r in Record.objects.prefetch_related("teams") if r.teams.count() > 1)
    demos = Occurrence.objects.filter(ritual__kind="demo").exclude(recording_url="").count()
    reliability = Ritual.objects.filter(kind="reliability-review").count()
    rotating = Ritual.objects.exclude(rotation=[]).count()
    drills = Incident.objects.filter(drill=True).count()
    steps = [
        _step(30, "Working agreements published", agreements, "teams with an agreement"),
        _step(30, "Review SLAs set", review, "teams with review periods"),
        _step(30, "Weekly updates started", StatusUpdate.objects.count(), "updates"),
        _step(60, "Demos recorded", demos, "recorded demos"),
        _step(60, "ADRs for cross-team changes", cross, "records naming several teams"),
        _step(60, "Reliability review stood up", reliability, "reliability reviews"),
        _step(90, "DORA and async health tracked", Figures.objects.count(), "scopes with figures"),
        _step(90, "Meeting times rotated", rotating, "rituals that rotate"),
        _step(90, "A follow-the-sun drill run", drills, "drills"),
    ]
    return started, steps
