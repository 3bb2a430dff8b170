"""The hub's organisation-health pages: the heat map of states, a team's states with their
signals and its diagnostic, the organisation's diagnostic."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from sunrelay.health import diagnose, logic, service
from sunrelay.health.models import TeamWeek, Transition
from sunrelay.health.spof import single_points
from sunrelay.people import service as people
from sunrelay.people.models import Team

HERE = {"here": "org-health"}


@login_required
def heat_map(request: HttpRequest) -> HttpResponse:
    weeks, rows = service.heat_map()
    context = {**HERE, "weeks": weeks, "rows": rows, "states": logic.STATES}
    return render(request, "health/heat_map.html", context)


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    found = people.get_team(slug)
    current = service.states(slug)[0]
    context = {
        **HERE,
        "team": found,
        "current": current,
        "since": service.since(current),
        "weeks": TeamWeek.objects.filter(team=found).order_by("-week")[:12],
        "transitions": Transition.objects.filter(team=found).order_by("-week", "-pk")[:20],
        "answers": diagnose.diagnose(found),
        "single_points": single_points(found),
        "describe": logic.DESCRIBE,
    }
    return render(request, "health/team.html", context)


def team_section(team: Team) -> SafeString:
    """The team page's answer to seed 004: its state this week and the nine questions."""
    current = service.states(team.slug)[0]
    answers = diagnose.diagnose(team)
    context = {
        "team": team,
        "current": current,
        "answered": sum(a.answered for a in answers),
        "missing": [a for a in answers if not a.answered],
    }
    return SafeString(render_to_string("health/_team_section.html", context))


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    rows = [(t, diagnose.diagnose(t)) for t in Team.objects.order_by("slug")]
    context = {**HERE, "rows": rows, "questions": logic.QUESTIONS}
    return render(request, "health/diagnose.html", context)
