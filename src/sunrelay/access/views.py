"""The hub's access pages: the register (who had what, when), one grant's audit trail with
its decisions, and a request form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sunrelay.access import permissions, service
from sunrelay.access.models import Grant, System
from sunrelay.core.errors import whole_number
from sunrelay.core.flash import flashed
from sunrelay.people.models import Person
from sunrelay.people.permissions import actor_for_user

HERE = {"here": "access"}


@login_required
def register(request: HttpRequest) -> HttpResponse:
    q = request.GET
    found = Grant.objects.none()
    with flashed(request):  # an unknown state is said, and nothing listed
        found = service.grants(
            person=q.get("person", ""), system=q.get("system", ""), state=q.get("state", "")
        )
    page = Paginator(found, 50).get_page(q.get("page"))
    systems = System.objects.prefetch_related("credentials__owner")
    rotations = [(c, service.due_rotation(c)) for s in systems for c in s.credentials.all()]
    context = {
        **HERE, "page": page, "systems": systems, "rotations": rotations, "filters": q,
        "states": [s for s, _ in Grant.STATES], "people": Person.objects.order_by("name"),
    }  # fmt: skip
    return render(request, "access/register.html", context)


@login_required
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    found = service.get_grant(pk)
    me = actor_for_user(request.user)
    context = {
        **HERE, "grant": found, "events": found.events.all(),
        "may_decide": found.state == Grant.REQUESTED and permissions.may_approve(me, found),
        "may_revoke": found.state == Grant.ACTIVE and permissions.may_revoke(me, found),
    }  # fmt: skip
    return render(request, "access/grant.html", context)


@login_required
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    p = request.POST
    system, _, role = p.get("choice", "").partition("/")
    with flashed(request, "Access requested.") as outcome:
        made = service.request_grant(
            p.get("system", system), p.get("role", role), p.get("person", ""), p.get("reason", ""),
            whole_number(p.get("days", ""), "days"), team=p.get("team") or None,
            by=actor_for_user(request.user),
        )  # fmt: skip
    return redirect("access:grant", made.pk) if outcome.done else redirect("access:register")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    me, reason = actor_for_user(request.user), request.POST.get("reason", "")
    with flashed(request, f"Grant {verb}."):
        if verb == "approved":
            service.approve(pk, me)
        elif verb == "denied":
            service.deny(pk, reason, me)
        else:
            service.revoke(pk, reason, me)
    return redirect("access:grant", pk)
