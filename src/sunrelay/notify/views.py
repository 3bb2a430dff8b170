"""The hub's notification pages: the inbox, preferences, and (for staff) dead letters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sunrelay.core.errors import SunrelayError, whole_number
from sunrelay.core.flash import describe, flashed
from sunrelay.notify import channels, logic, service
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Person


def _me(request: HttpRequest) -> Person:
    return people_queries.get_person_for_user(request.user)


def _same_site(request: HttpRequest, target: str) -> str:
    """``target`` when it is a path on this hub, else empty: never a redirect elsewhere."""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") and not target.startswith("//") else ""


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if request.method == "POST":
        service.mark_read(me, whole_number(request.POST.get("id"), "id"))
        return redirect(_same_site(request, request.POST.get("next", "")) or "notify:inbox")
    page = Paginator(service.inbox(me), 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page, "me": me})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    pref = service.preference(me)
    if request.method == "POST":
        routes = {g: request.POST.getlist(f"route_{g}") for g in ("*", *logic.GROUPS)}
        try:
            service.set_preferences(
                me,
                routes=routes,
                slack_webhook_url=request.POST.get("slack_webhook_url", ""),
                webhook_url=request.POST.get("webhook_url", ""),
                new_secret=bool(request.POST.get("new_secret")),
            )
        except SunrelayError as exc:
            messages.error(request, describe(exc))
        else:
            messages.success(request, "Saved. New messages follow these choices.")
        return redirect("notify:preferences")
    routes = pref.routes or {"*": logic.DEFAULT_ROUTE}
    groups = [("*", "Everything else (default)"), *logic.GROUPS.items()]
    rows = [
        (
            g,
            label,
            routes.get(g, routes.get("*", logic.DEFAULT_ROUTE))
            if g != "*"
            else routes.get("*", logic.DEFAULT_ROUTE),
        )
        for g, label in groups
    ]
    return render(
        request,
        "notify/preferences.html",
        {
            "pref": pref,
            "rows": rows,
            "channels": logic.OUTSIDE_CHANNELS,
            "available": channels.available(me, pref),
        },
    )


@staff_member_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    page = Paginator(service.dead_letters().order_by("-created_at"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "notify/dead_letters.html", {"page": page})


@staff_member_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    with flashed(request, f"Notification {pk} is queued again."):
        service.retry_dead_letter(pk)
    return redirect("notify:dead_letters")
