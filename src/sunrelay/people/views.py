"""The hub's directory pages: thin views over queries, service and chart geometry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sunrelay.core import clock, search, today
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.flash import flashed
from sunrelay.people import charts, delegation, failure, queries, service, timequery
from sunrelay.people.models import Organization, Person
from sunrelay.people.permissions import (
    actor_for_user,
    lead_teams,
    may_manage_person,
    may_manage_team,
)
from sunrelay.people.sections import team_sections
from sunrelay.worktime import WEEKDAYS, to_epoch


def _zone(request: HttpRequest) -> ZoneInfo:
    return request.viewer_zone  # type: ignore[attr-defined]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My day: what waits on me, then what is around me, in my zone (core.today)."""
    me = queries.person_for_user(request.user)
    if me is None:
        return redirect("people:setup")
    now = clock.now()
    sections = today.my_day(me, now)
    context = {
        "me": me,
        "now": now,
        "waiting": [s for s in sections if s.waiting],
        "around": [s for s in sections if not s.waiting],
        "pending": sum(1 for s in sections if s.waiting for i in s.items if i.badge != "done"),
    }
    return render(request, "people/home.html", context)


@login_required
def find(request: HttpRequest) -> HttpResponse:
    """Search people, teams, components, decisions, incidents and rituals (core.search)."""
    q = request.GET.get("q", "")
    hits = search.search(q, queries.person_for_user(request.user))
    context = {"q": q, "hits": hits, "short": 0 < len(q.strip()) < search.MIN_LENGTH}
    if request.headers.get("HX-Request"):
        return render(request, "people/_search_hits.html", context)
    return render(request, "people/search.html", context)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(queries.search_people(q), 50).get_page(request.GET.get("page"))
    actor = actor_for_user(request.user)
    teams = Paginator(queries.teams_overview(), 50).get_page(request.GET.get("teams"))
    context = {
        "page": page,
        "q": q,
        "teams": teams,
        "may_add": actor.staff or bool(lead_teams(actor)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "people/_people_rows.html", context)
    return render(request, "people/directory.html", context)


def _hours_in(person: Person, zone: ZoneInfo, today: date) -> list[dict[str, str]]:
    """Each workday's window this week, shown in the viewer's zone."""
    spec = person.spec()
    schedule = spec.schedule().typical()
    monday = today - timedelta(days=today.weekday())
    rows = []
    for i, name in enumerate(WEEKDAYS):
        if name not in spec.working_hours:
            continue
        day = monday + timedelta(days=i)
        start = to_epoch(day, datetime.min.time(), schedule.zone)
        windows = [
            w
            for w in schedule.windows(start, start + 86400)
            if datetime.fromtimestamp(w[0], schedule.zone).date() == day
        ]
        shown = ", ".join(
            f"{datetime.fromtimestamp(s, zone):%a %H:%M}–{datetime.fromtimestamp(e, zone):%a %H:%M}"
            for s, e in windows
        )
        rows.append({"day": name, "local": spec.working_hours[name], "viewer": shown})
    return rows


@login_required
def person(request: HttpRequest, pid: str) -> HttpResponse:
    found = service.get_person(pid)
    now = clock.now()
    zone = _zone(request)
    local_now = now.astimezone(found.spec().schedule().zone)
    context = {
        "person": found,
        "local_time": f"{local_now:%a %H:%M}",  # their wall clock, not the server's zone
        "viewer_zone": zone.key,
        "hours": _hours_in(found, zone, now.astimezone(zone).date()),
        "absences": found.absences.filter(end__gte=local_now.date()).order_by("start")[:20],
        "teams": found.teams.all(),
        "may_edit": may_manage_person(
            actor_for_user(request.user), found, fields={"name"}
        ),  # themselves, their lead, staff
        "working_now": found.slug
        in timequery.who_is_online(queries.load_directory([found.slug]), now.isoformat())["online"],
        "role_meanings": _role_meanings(found),
        "away_notice": delegation.notice_for(found, now),
    }
    return render(request, "people/person.html", context)


def _role_meanings(person: Person) -> list[tuple[str, str]]:
    """Each of the person's roles with what the organisation says it means (org.yaml)."""
    org = Organization.objects.first()
    described = org.roles if org else {}
    return [(r, described.get(r, "")) for r in person.roles]


@login_required
@require_POST
def add_absence(request: HttpRequest, pid: str) -> HttpResponse:
    try:
        start = date.fromisoformat(request.POST.get("from", ""))
        end = date.fromisoformat(request.POST.get("to", ""))
    except ValueError:
        messages.error(request, "from/to: dates must look like 2026-12-21")
        return redirect("people:person", pid=pid)
    with flashed(request, f"Absence added: {start} to {end}."):
        by = actor_for_user(request.user)
        service.add_absence(pid, start, end, request.POST.get("reason", ""), "web", by)
    return redirect("people:person", pid=pid)


@login_required
@require_POST
def remove_absence(request: HttpRequest, pid: str, absence_id: int) -> HttpResponse:
    with flashed(request, "Absence removed."):
        service.delete_absence(absence_id, actor_for_user(request.user), person=pid)
    return redirect("people:person", pid=pid)


@login_required
def team(request: HttpRequest, tid: str) -> HttpResponse:
    found = service.get_team(tid)
    zone = _zone(request)
    now = clock.now()
    try:
        day = date.fromisoformat(request.GET["date"]) if "date" in request.GET else None
    except ValueError:
        day = None
    directory_ = queries.load_directory(team=tid)
    ids = directory_.members(tid)
    today = now.astimezone(zone).date()
    if day is None:  # a day the team works: on a weekend, the next working day
        day = timequery.working_day(directory_, tid, today)
    people = [(p, directory_.people[p].name, directory_.schedule(p)) for p in ids]
    context = {
        "team": found,
        "pods": found.children.all(),
        "timeline": charts.team_day(people, day, zone, now),
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "skipped": today if day > today and "date" not in request.GET else None,
        "chain": timequery.follow_the_sun(directory_, tid, day) if len(ids) > 1 else None,
        "components": found.components.select_related("dri"),
        "may_edit": may_manage_team(actor_for_user(request.user), found),
        "sections": team_sections(found),
        "away": delegation.notices(found, now),
        "no_delegate": delegation.lead_without_delegate(found),
        "playbooks": failure.playbooks(found.agreement),
    }
    return render(request, "people/team.html", context)


@login_required
def components(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    q = request.GET.get("q", "")
    page = Paginator(queries.components_overview(q), 50).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "may_add": actor.staff or bool(lead_teams(actor))}
    if request.headers.get("HX-Request"):
        return render(request, "people/_component_rows.html", context)
    return render(request, "people/components.html", context)


# -- first run: who am I? ------------------------------------------------------------------------

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Link a sign-in to the directory: add yourself, or (staff) say who you are; on the
    first run also name the organisation."""
    me = queries.person_for_user(request.user)
    actor = actor_for_user(request.user)
    wanted = _next(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "organization":
            with flashed(request, "Organisation named."):
                service.name_organization(request.POST.get("organization", ""), actor)
            return redirect(f"{reverse('people:setup')}?next={wanted}")
        if action == "create":
            with flashed(request) as ok:
                person = service.create_own_person(request.user, _person_item(request))
                messages.success(request, f"Welcome, {person.name}. You are {person.slug}.")
            if ok.done:
                return redirect(wanted)
        if action == "claim":
            with flashed(request) as ok:
                person = service.link_sign_in(request.POST.get("person", ""), request.user, actor)
                messages.success(request, f"Signed in as {person.name} from now on.")
            if ok.done:
                return redirect(wanted)
    elif me is not None:
        messages.info(request, f"Your sign-in is {me.name} ({me.slug}).")
        return redirect(wanted)
    org = Organization.objects.first()
    return render(
        request,
        "people/setup.html",
        {
            "first_run": service.first_run(),
            "organization": org.name if org else "",
            "people": Person.objects.filter(user__isnull=True).only("slug", "name"),
            "zones": sorted(available_timezones()),
            "zone": _zone(request).key,
            "form": request.POST if request.method == "POST" else {"email": _email(request.user)},
            "workdays": request.POST.getlist("workdays") if request.method == "POST" else WORKDAYS,
            "weekdays": WEEKDAYS,
            "next": wanted,
        },
    )


def _email(user: Any) -> str:
    """The sign-in's address as a suggestion, unless it is no real one (admin@localhost)."""
    email = getattr(user, "email", "") or ""
    return email if "." in email.rpartition("@")[2] else ""


def _next(request: HttpRequest) -> str:
    """Where to go after setup: a path on this site only."""
    wanted = request.POST.get("next") or request.GET.get("next") or "/"
    return wanted if wanted.startswith("/") and not wanted.startswith("//") else "/"


def _person_item(request: HttpRequest) -> dict[str, object]:
    p = request.POST
    item: dict[str, object] = {
        "id": p.get("id", "").strip(),
        "name": p.get("name", "").strip(),
        "timezone": p.get("timezone", "").strip(),
        "working_hours": p.get("working_hours", "").strip() or "09:00-17:00",
        "workdays": p.getlist("workdays"),
    }
    if p.get("email", "").strip():
        item["email"] = p["email"].strip()
    return item


@login_required
@require_POST
def link(request: HttpRequest, pid: str) -> HttpResponse:
    """Staff: let an existing sign-in act as this person."""
    users = get_user_model()
    with flashed(request) as ok:
        user = users.objects.filter(username=request.POST.get("username", "").strip()).first()
        if user is None:
            raise ValidationFailed("no sign-in has this user name", field="username")
        person = service.link_sign_in(pid, user, actor_for_user(request.user))
    if ok.done:
        messages.success(request, f"{user.get_username()} now signs in as {person.name}.")
    return redirect("people:person", pid=pid)


@login_required
@require_POST
def invite(request: HttpRequest, pid: str) -> HttpResponse:
    """Staff: a sign-in for this person and a one-time link to choose a password."""
    with flashed(request) as ok:
        user = service.invite(pid, actor_for_user(request.user))
    if ok.done:
        messages.success(
            request,
            f"Send {pid} this link to choose a password (it works once, for 7 days): "
            f"{service.invite_link(user)}",
        )
    return redirect("people:person", pid=pid)
