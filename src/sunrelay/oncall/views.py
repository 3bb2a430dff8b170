"""The hub's on-call pages: who is on call now, a schedule's timeline with overrides and
fairness, alert groups, and the page behind each signed one-time link."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sunrelay.core import clock
from sunrelay.core.errors import SunrelayError, ValidationFailed
from sunrelay.oncall import alerts, charts, escalation, queries, service
from sunrelay.oncall.models import AlertGroup
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Person
from sunrelay.worktime import parse_instant, zone


def _me(request: HttpRequest) -> Person:
    return people_queries.get_person_for_user(request.user)


@login_required
def now(request: HttpRequest) -> HttpResponse:
    at = clock.now()
    rows = queries.on_call_now(at)
    firing = alerts.groups(AlertGroup.FIRING)[:20]
    return render(request, "oncall/now.html", {"rows": rows, "at": at, "firing": firing})


@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    found = service.get_schedule(slug)
    if request.method == "POST":
        try:
            tz = request.viewer_zone.key  # type: ignore[attr-defined]
            service.add_override(
                slug,
                request.POST.get("person", ""),
                _local(request.POST.get("start", ""), tz, "start"),
                _local(request.POST.get("end", ""), tz, "end"),
                replaces=request.POST.get("replaces") or None,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "Override added.")
            return redirect("oncall:schedule", slug)
        except SunrelayError as exc:
            messages.error(request, f"{exc.field}: {exc.message}" if exc.field else exc.message)
    days = min(max(int(request.GET.get("days") or 7), 1), 28)
    start = clock.now().replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(days=days)
    roster = queries.compute(found, start, end)
    month_end = start + timedelta(days=30)
    return render(
        request,
        "oncall/schedule.html",
        {
            "schedule": found,
            "spec": service.spec_of(found),
            "chart": charts.timeline(roster, start, end),
            "gaps": roster.gaps,
            "overrides": service.overrides(slug, clock.now()),
            "fairness": queries.fairness(slug, start, month_end),
            "people": Person.objects.only("slug", "name"),
            "days": days,
        },
    )


def _local(text: str, tz: str, field: str) -> datetime:
    """A datetime-local field, read in the viewer's zone (or an instant with its offset)."""
    try:
        if "Z" in text or "+" in text[10:]:
            return parse_instant(text)
        return datetime.fromisoformat(text).replace(tzinfo=zone(tz))
    except ValueError:
        raise ValidationFailed(f"{text!r} is not a date and time", field=field) from None


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or ""
    return render(
        request,
        "oncall/alerts.html",
        {"groups": alerts.groups(state or None)[:200], "state": state},
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = alerts.get_group(pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                alerts.acknowledge(pk, _me(request))
            elif action == "resolve":
                alerts.resolve(pk, _me(request))
            messages.success(request, f"Alert {action}d.")
        except SunrelayError as exc:
            messages.error(request, exc.message)
        return redirect("oncall:alert", pk)
    return render(
        request,
        "oncall/alert.html",
        {
            "g": group,
            "alerts": group.alerts.all(),
            "pages": group.pages.select_related("person"),
            "incidents": group.incidents.all(),
        },
    )


def link(request: HttpRequest, token: str) -> HttpResponse:
    """A signed one-time link from an email or Slack message. GET only shows what it will do
    (link previews must not acknowledge anything); the button POSTs."""
    try:
        page, action = escalation.read_link(token)
    except SunrelayError as exc:
        return render(request, "oncall/link.html", {"error": exc.message}, status=403)
    if request.method == "POST":
        try:
            group = alerts.use_link(token)
        except SunrelayError as exc:
            return render(request, "oncall/link.html", {"error": exc.message}, status=409)
        return render(request, "oncall/link.html", {"done": action, "g": group})
    return render(request, "oncall/link.html", {"page": page, "action": action, "g": page.group})
