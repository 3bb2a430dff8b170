"""The hub's organisation-health pages: the heat map of states, a team's states with their
signals and its diagnostic, the organisation's diagnostic."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from sunrelay.cadence.models import Ritual
from sunrelay.core.errors import whole_number
from sunrelay.core.flash import flashed
from sunrelay.health import (
    concerns,
    diagnose,
    drift,
    logic,
    maturity,
    pulse,
    service,
    skiplevel,
    spof,
    trace,
)
from sunrelay.health.concerns_logic import CATEGORIES, SEVERITIES
from sunrelay.health.models import TeamWeek, Transition
from sunrelay.health.spof import single_points
from sunrelay.people import service as people
from sunrelay.people.models import Team
from sunrelay.people.permissions import actor_for_user

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
        "rates": concerns.rates(found),
        "describe": logic.DESCRIBE,
    }
    return render(request, "health/team.html", context)


@login_required
def single_points_page(request: HttpRequest) -> HttpResponse:
    rows = spof.everyone()
    return render(request, "health/single_points.html", {**HERE, "rows": rows})


def team_section(team: Team) -> SafeString:
    """The team page's answer to seed 004: its state this week and the nine questions."""
    current = service.states(team.slug)[0]
    answers = diagnose.diagnose(team)
    context = {
        "team": team,
        "current": current,
        "answered": sum(a.answered for a in answers),
        "missing": [a for a in answers if not a.answered],
        "rates": concerns.rates(team),
    }
    return SafeString(render_to_string("health/_team_section.html", context))


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    rows = [(t, diagnose.diagnose(t)) for t in Team.objects.order_by("slug")]
    context = {
        **HERE,
        "rows": rows,
        "questions": logic.QUESTIONS,
        "skip_levels": skiplevel.coverage(),
    }
    return render(request, "health/diagnose.html", context)


@login_required
def concern_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    if request.method == "POST":
        p = request.POST
        with flashed(request) as outcome:
            made = concerns.raise_concern(
                p.get("team", ""),
                actor,
                p.get("category", ""),
                p.get("severity", "medium"),
                p.get("text", ""),
                anonymous=bool(p.get("anonymous")),
            )
        if outcome.done:
            messages.success(
                request,
                "Concern raised anonymously: nothing records who you are, so it will not "
                "appear in your list."
                if made.anonymous
                else "Concern raised; you will hear when it is acted on.",
            )
        return redirect("orghealth:concerns")
    context = {
        **HERE,
        "concerns": concerns.visible(actor),
        "teams": Team.objects.order_by("name"),
        "categories": CATEGORIES,
        "severities": SEVERITIES,
    }
    return render(request, "health/concerns.html", context)


@login_required
def concern(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    found = concerns.get_concern(pk)
    concerns.require_read(actor, found)
    if request.method == "POST":
        with flashed(request, "Saved."):
            if request.POST.get("do") == "act":
                concerns.act(pk, actor, request.POST.get("action", ""))
            else:
                concerns.acknowledge(pk, actor)
        return redirect("orghealth:concern", pk=pk)
    context = {**HERE, "c": found, "steps": found.steps.select_related("person")}
    return render(request, "health/concern.html", context)


@login_required
def drift_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    if request.method == "POST":
        with flashed(request) as outcome:
            ritual = whole_number(request.POST.get("ritual", ""), "ritual", low=1)
            count = drift.to_agenda(ritual, actor)
        if outcome.done:
            messages.success(request, f"{count} drift items are on the next agenda.")
        return redirect("orghealth:drift")
    context = {
        **HERE,
        "items": drift.find(),
        "rituals": Ritual.objects.exclude(kind="one-on-one").order_by("title"),
    }
    return render(request, "health/drift.html", context)


@login_required
def trace_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    title, lines = trace.trace(kind, pk, actor_for_user(request.user))
    return render(request, "health/trace.html", {**HERE, "title": title, "lines": lines})


@login_required
def pulse_page(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_for_user(request.user)
    team = people.get_team(slug)
    if request.method == "POST":
        p = request.POST
        with flashed(request, "Thanks: your answer is kept without your name."):
            pulse.answer(
                slug,
                actor,
                clarity=whole_number(p.get("clarity", ""), "clarity", low=1, high=5),
                autonomy=whole_number(p.get("autonomy", ""), "autonomy", low=1, high=5),
                pace=whole_number(p.get("pace", ""), "pace", low=1, high=5),
                comment=p.get("comment", ""),
            )
        return redirect("orghealth:pulse", slug=slug)
    context = {
        **HERE,
        "team": team,
        "may_see": pulse.may_see(actor, team),
        "trend": pulse.trend(team, service.current_week()),
        "min_group": pulse.min_group(team),
        "questions": pulse.QUESTIONS,
    }
    return render(request, "health/pulse.html", context)


@login_required
def maturity_page(request: HttpRequest) -> HttpResponse:
    started, steps = maturity.rollout()
    rows = [(t, maturity.scorecard(t)) for t in Team.objects.order_by("slug")]
    labels = [c.label for c in rows[0][1]] if rows else []
    context = {**HERE, "rows": rows, "labels": labels, "started": started, "steps": steps}
    return render(request, "health/maturity.html", context)
