"""Compute and keep each team's operating state per week; record transitions; tell the lead
and the lead's manager when a team slides to barely functioning, with the reasons and the
responses the team decided in advance (its valves)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from sunrelay.cadence.logic import shift_week
from sunrelay.core import clock
from sunrelay.health import logic
from sunrelay.health.models import TeamWeek, Transition
from sunrelay.health.signals import READERS
from sunrelay.health.weeks import Week, check_week, current_week

__all__ = ["check_week", "current_week"]  # the surfaces read weeks through the service
from sunrelay.notify import service as notify
from sunrelay.people import delegation
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.work import capacity
from sunrelay.work.service import rules_for


def rules(team: Team) -> dict[str, Any]:
    """The team's ``states`` thresholds: its own keys, then the teams above, then the
    organisation's."""
    found: dict[str, Any] = {}
    for agreement in people_queries.agreements(team):
        for key, value in (agreement.get("states") or {}).items():
            found.setdefault(key, value)
    return found


def readings(team: Team, week: str) -> list[logic.Reading]:
    thresholds = rules(team)
    span = Week.of(week)
    return [logic.verdict(name, read(team, span), thresholds) for name, read in READERS.items()]


def compute(team: Team, week: str, now: datetime | None = None) -> TeamWeek:
    """The team's state for ``week``, kept; a change from the week before is a transition,
    and a slide to barely functioning is told. Raises ValidationFailed for a bad week."""
    check_week(week)
    now = now or clock.now()
    found = readings(team, week)
    thresholds = rules(team)
    state, reasons = logic.state_of(found, thresholds)
    with transaction.atomic():
        history = list(TeamWeek.objects.filter(team=team, week__lt=week).order_by("-week")[:6])[
            ::-1
        ]
        pages = {r.name: r.value for r in found}.get("after_hours_pages")
        trail = [(w.state, _value(w, "after_hours_pages")) for w in history] + [(state, pages)]
        kept, _ = TeamWeek.objects.update_or_create(
            team=team,
            week=week,
            defaults={
                "state": state,
                "readings": [r.json() for r in found],
                "reasons": reasons,
                "sprint_warning": logic.sprint_warning(trail, thresholds),
                "computed_at": now,
            },
        )
        before = history[-1].state if history and history[-1].week == shift_week(week, -1) else None
        _transition(team, week, before, state, reasons, now)
    return kept


def _value(row: TeamWeek, name: str) -> float | None:
    return next((r["value"] for r in row.readings if r["name"] == name), None)


def _transition(
    team: Team, week: str, before: str | None, state: str, reasons: list[str], now: datetime
) -> None:
    last = Transition.objects.filter(team=team, week=week).order_by("-pk").first()
    if before is None or before == state:
        if last is not None:  # the week was recomputed back to where it started
            last.delete()
        return
    if last is not None and last.to_state == state:
        return
    Transition.objects.filter(team=team, week=week).delete()
    Transition.objects.create(
        team=team, week=week, from_state=before, to_state=state, reasons=reasons, at=now
    )
    if state == logic.BARELY:
        _tell(team, week, reasons)


def _tell(team: Team, week: str, reasons: list[str]) -> None:
    work = rules_for(team)
    valves = ", ".join(v.name for v in work.valves) or "none declared"
    body = "\n".join(
        [
            f"{team.name} is barely functioning in {week}:",
            *[f"- {r}" for r in reasons],
            "",
            f"Pre-decided responses: valves {valves}; failure playbooks: none on record yet.",
        ]
    )
    told: dict[str, Person] = {}
    lead = delegation.stand_in(team.lead, "escalations", clock.now())
    if lead is not None:
        told[lead.slug] = lead
    manager = capacity.manager_of(team)
    if manager is not None:
        told[manager.slug] = manager
    for person in told.values():
        notify.send(
            person,
            "health.barely",
            f"{team.name} slid to barely functioning ({week})",
            body,
            url=f"/org-health/teams/{team.slug}/",
            key=f"health.barely:{team.slug}:{week}:{person.slug}",
        )


def refresh_all(now: datetime | None = None) -> int:
    """Every team's state for this week and the week before (which may still be settling).
    Returns how many team-weeks were computed."""
    now = now or clock.now()
    week = current_week(now)
    done = 0
    for team in Team.objects.select_related("lead", "parent"):
        for w in (shift_week(week, -1), week):
            compute(team, w, now)
            done += 1
    return done


def states(team: str | None = None, week: str | None = None) -> list[TeamWeek]:
    """Kept states, computing the ones asked for that are missing. Raises TeamNotFound."""
    week = check_week(week) if week else current_week()
    teams = [people.get_team(team)] if team else list(Team.objects.order_by("slug"))
    kept = {w.team_id: w for w in TeamWeek.objects.filter(team__in=teams, week=week)}
    return [kept.get(t.pk) or compute(t, week) for t in teams]


def since(row: TeamWeek) -> str:
    """The first week of the current run of this state."""
    earlier = TeamWeek.objects.filter(team_id=row.team_id, week__lte=row.week).order_by("-week")
    first = row.week
    for w in earlier:
        if w.state != row.state:
            break
        first = w.week
    return first


def heat_map(
    weeks: int = 12, now: datetime | None = None
) -> tuple[list[str], list[tuple[Team, list[TeamWeek | None]]]]:
    last = current_week(now)
    names = [shift_week(last, -k) for k in reversed(range(weeks))]
    kept: dict[tuple[int, str], TeamWeek] = {
        (w.team_id, w.week): w for w in TeamWeek.objects.filter(week__in=names)
    }
    rows = [(t, [kept.get((t.pk, n)) for n in names]) for t in Team.objects.order_by("slug")]
    return names, rows
