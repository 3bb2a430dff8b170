"""The hub's onboarding pages: who is onboarding, one programme (tick, buddies, review),
and the team page's part."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from sunrelay.core.errors import whole_number
from sunrelay.core.flash import flashed
from sunrelay.onboarding import permissions, service
from sunrelay.onboarding.models import Programme
from sunrelay.people.models import Team
from sunrelay.people.permissions import actor_for_user

HERE = {"here": "onboarding"}


def team_section(team: Team) -> SafeString:
    rows = service.team_programmes(team)
    return SafeString(
        render_to_string("onboarding/_team_section.html", {"team": team, "rows": rows})
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    rows = [service.status(p.person.slug) for p in Programme.objects.select_related("person")]
    return render(request, "onboarding/overview.html", {**HERE, "rows": rows})


@login_required
def programme(request: HttpRequest, person: str) -> HttpResponse:
    found = service.status(person)
    me = actor_for_user(request.user)
    p = found.programme
    context = {
        **HERE, "s": found, "may_tick": permissions.may_tick(me, p),
        "may_run": permissions.may_run(me, p.team),
        "members": p.team.members.exclude(pk=p.person_id).order_by("name") if p.team else [],
    }  # fmt: skip
    return render(request, "onboarding/programme.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    person = request.POST.get("person", "")
    with flashed(request, "Programme started.") as outcome:
        service.start(person, request.POST.get("team") or None, actor_for_user(request.user))
    return (
        redirect("onboarding:programme", person)
        if outcome.done
        else redirect("onboarding:overview")
    )


@login_required
@require_POST
def tick(request: HttpRequest, person: str) -> HttpResponse:
    with flashed(request, "Ticked."):
        item = whole_number(request.POST.get("item", ""), "item")
        service.tick(item, actor_for_user(request.user), request.POST.get("evidence", ""))
    return redirect("onboarding:programme", person)


@login_required
@require_POST
def buddies(request: HttpRequest, person: str) -> HttpResponse:
    p = request.POST
    with flashed(request, "Buddies confirmed."):
        service.confirm_buddies(
            person, p.get("tech", ""), p.get("culture", ""), actor_for_user(request.user)
        )
    return redirect("onboarding:programme", person)


@login_required
@require_POST
def review(request: HttpRequest, person: str) -> HttpResponse:
    with flashed(request, "Review recorded."):
        service.record_review(person, request.POST.get("note", ""), actor_for_user(request.user))
    return redirect("onboarding:programme", person)
