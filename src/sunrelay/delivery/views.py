"""The hub's async health pages: the organisation, each team, and the rows behind a figure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sunrelay.delivery import health, service


def _health(request: HttpRequest, team: str | None) -> HttpResponse:
    data, computed = service.current_figures(team)
    context = {**health.page(data), "computed_at": computed, "here": "health"}
    return render(request, "delivery/health.html", context)


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    return _health(request, None)


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    return _health(request, slug)


@login_required
def deployments(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("team") or None
    found = health.deployment_rows(slug)
    return render(
        request,
        "delivery/deployments.html",
        {"rows": found, "team": slug, "window": health.Window.last_weeks(), "here": "health"},
    )


@login_required
def pulls(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("team") or None
    found = health.pull_rows(slug)
    return render(
        request,
        "delivery/pulls.html",
        {"rows": found, "team": slug, "window": health.Window.last_weeks(), "here": "health"},
    )
