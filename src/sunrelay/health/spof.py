"""Single points of failure in people (seed 004): someone who is the only one able to act for
something the team runs or decides, and what would stop while they are away."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sunrelay.decisions.models import Record
from sunrelay.knowledge.logic import CRITICAL
from sunrelay.oncall.models import OnCallSchedule
from sunrelay.people import delegation
from sunrelay.people.models import Component, Person, Team
from sunrelay.work import logic as work_logic
from sunrelay.work.service import rules_for
from sunrelay.work.valves import openers_of


@dataclass(frozen=True)
class SinglePoint:
    person: str
    stops: tuple[str, ...]  # what would stop were they away


def _schedule_people(schedule: OnCallSchedule) -> set[str]:
    found: set[str] = set()
    for layer in schedule.layers or []:
        found |= {str(p) for p in layer.get("participants") or []}
        if layer.get("type") == "follow-the-sun" and layer.get("team"):
            team = Team.objects.filter(slug=layer["team"]).first()
            if team is not None:
                found |= set(team.members.values_list("slug", flat=True))
    return found


def single_points(team: Team) -> list[SinglePoint]:
    stops: dict[str, list[str]] = defaultdict(list)
    components = Component.objects.filter(owner=team).select_related("dri", "knowledge")
    for c in components.prefetch_related("maintainers"):
        able = {m.slug for m in c.maintainers.all()} | ({c.dri.slug} if c.dri else set())
        if len(able) == 1:
            stops[next(iter(able))].append(f"component {c.slug} (its only DRI and maintainer)")
    for c in components:
        known = getattr(c, "knowledge", None)
        if c.criticality in CRITICAL and known is not None and known.truck_factor == 1:
            top = next((a for a in known.authors if a["name"] == known.tf_authors[0]), None)
            if top is not None and top.get("person"):
                stops[top["person"]].append(
                    f"component {c.slug} (truck factor 1: without them, under half its files "
                    "have an author)"
                )
    for s in OnCallSchedule.objects.filter(team=team):
        able = _schedule_people(s)
        if len(able) == 1:
            stops[next(iter(able))].append(f"on-call {s.slug} (its only participant)")
    in_flight = Record.objects.filter(team=team, status__in=("draft", "proposed")).select_related(
        "dri"
    )
    for record in in_flight:
        if record.dri is not None and delegation.delegate_of(record.dri, "decisions") is None:
            stops[record.dri.slug].append(f"decision {record.label} (its DRI; no delegate)")
    for valve in rules_for(team).valves:
        candidates: list[Person] = openers_of(team, valve)
        for group in valve.openers:
            holders = [p.slug for p in candidates if work_logic.holds(group, p.roles)]
            if len(holders) == 1:
                stops[holders[0]].append(f"valve {valve.name} (the only {'/'.join(group)} opener)")
    return [SinglePoint(slug, tuple(what)) for slug, what in sorted(stops.items())]


def everyone(team: str | None = None) -> list[tuple[Team, list[SinglePoint]]]:
    """Each team (or ``team``) with its single points, teams without any left out."""
    teams = Team.objects.filter(slug=team) if team else Team.objects.order_by("slug")
    return [(t, found) for t in teams if (found := single_points(t))]


def as_json(rows: list[tuple[Team, list[SinglePoint]]]) -> list[dict]:
    return [
        {"team": t.slug, "person": p.person, "stops": list(p.stops)}
        for t, found in rows
        for p in found
    ]
