"""The hub's knowledge pages: every component's truck factor and what it flags, one
component's authors and coverage curve, and the team page's part."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from sunrelay.core.flash import flashed
from sunrelay.knowledge import docs, service
from sunrelay.people.models import Team
from sunrelay.people.permissions import actor_for_user

HERE = {"here": "knowledge"}


def team_section(team: Team) -> SafeString:
    """The team page's part: each of its components' truck factor, authors and maintainers."""
    found = docs.rows(team)
    _, share = docs.coverage(found)
    context = {"team": team, "rows": service.rows(team), "docs": share, "undocumented": [
        r for r in found if not r.up_to_date
    ]}  # fmt: skip
    return SafeString(render_to_string("knowledge/_team_section.html", context))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    team = Team.objects.filter(slug=request.GET.get("team", "")).first()
    rows = service.rows(team)
    documented = docs.rows(team)
    per_team, org = docs.coverage(documented)
    context = {
        **HERE, "rows": rows, "team": team, "flagged": sum(1 for r in rows if r.flags),
        "per_team": per_team, "org": org, "documented": documented,
    }  # fmt: skip
    return render(request, "knowledge/overview.html", context)


@login_required
def component(request: HttpRequest, slug: str) -> HttpResponse:
    found = [r for r in service.rows() if r.component.slug == slug]
    if not found:
        raise Http404(f"no component {slug}")
    documented = docs.rows(found[0].component.owner)
    mine = next(r for r in documented if r.component.slug == slug)
    return render(request, "knowledge/component.html", {**HERE, "row": found[0], "docs": mine})


@login_required
@require_POST
def refresh(request: HttpRequest, slug: str) -> HttpResponse:
    with flashed(request, "Truck factor recomputed."):
        service.refresh(slug, actor_for_user(request.user))
    return redirect("knowledge:component", slug)
