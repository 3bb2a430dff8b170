"""The hub's async health pages: the organisation, each team, and the rows behind a figure."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sunrelay.delivery import service
from sunrelay.delivery.pages import health


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


def _rows(request: HttpRequest, template: str, read: Callable[[str | None], list]) -> HttpResponse:
    """The rows behind a figure, a hundred to a page, newest first."""
    slug = request.GET.get("team") or None
    page = Paginator(read(slug), 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": page.object_list,
        "team": slug,
        "param": f"team={slug or ''}&page",
        "window": health.Window.last_weeks(),
        "here": "health",
    }
    return render(request, template, context)


@login_required
def deployments(request: HttpRequest) -> HttpResponse:
    return _rows(request, "delivery/deployments.html", health.deployment_rows)


@login_required
def pulls(request: HttpRequest) -> HttpResponse:
    return _rows(request, "delivery/pulls.html", health.pull_rows)
