"""Hub forms that add, change and remove people, teams and components.

Each form posts org-file vocabulary to the same service function the org-file import and the
API use, as the signed-in person (people.permissions). When the team's org file keeps a section,
the form says so instead of offering a change an import would undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import available_timezones

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sunrelay.core.flash import flashed
from sunrelay.people import service
from sunrelay.people.models import Component, Person, Team
from sunrelay.people.permissions import actor_for_user
from sunrelay.worktime import WEEKDAYS

CRITICALITY = ("low", "medium", "high", "critical")


def _ids(text: str) -> list[str]:
    """'ana, bruno chloe' → ['ana', 'bruno', 'chloe']."""
    return [x for x in text.replace(",", " ").split() if x]


def _changed(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """Only what the form changes, so that an edit needs only the rights its fields need."""
    return {k: v for k, v in wanted.items() if current.get(k) != v}


def _edit(
    request: HttpRequest,
    slug: str,
    row: Any,
    read: Callable[[Any], dict[str, Any]],
    form: Callable[[QueryDict], dict[str, Any]],
    update: Callable[..., Any],
    page: Callable[[HttpRequest, Any, dict[str, Any]], HttpResponse],
    back: str,
) -> HttpResponse:
    """The edit form of one row: what the form changes goes to ``update`` as the signed-in
    person; on success back to ``back``, else the form again with what was typed."""
    values = read(row)
    if request.method == "POST":
        values = form(request.POST)
        with flashed(request, "Saved.") as ok:
            update(slug, _changed(read(row), values), actor_for_user(request.user))
        if ok.done:
            return redirect(back)
    return page(request, row, values)


def _add(
    request: HttpRequest,
    values: dict[str, Any],
    form: Callable[[QueryDict], dict[str, Any]],
    create: Callable[..., Any],
    page: Callable[[HttpRequest, Any, dict[str, Any]], HttpResponse],
    back: Callable[[Any], str],
    **extra: Any,
) -> HttpResponse:
    """The add form of one kind: the filled-in fields go to ``create`` as the signed-in person;
    on success to ``back(made)``, else the form again with what was typed."""
    if request.method == "POST":
        values = {**form(request.POST), "id": request.POST.get("id", "").strip()}
        item = {k: v for k, v in values.items() if v not in (None, "", [], {})}
        with flashed(request) as ok:
            made = create(item, actor_for_user(request.user), **extra)
        if ok.done:
            return redirect(back(made))
    return page(request, None, values)


def _remove(
    request: HttpRequest, slug: str, delete: Callable[..., Any], done: str, gone: str, kept: str
) -> HttpResponse:
    """Remove one row as the signed-in person: to ``gone`` after, or back to ``kept``."""
    with flashed(request, done) as ok:
        delete(slug, actor_for_user(request.user))
    return redirect(gone if ok.done else kept)


# -- people --------------------------------------------------------------------------------------


def _person_form(p: QueryDict) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": p.get("name", "").strip(),
        "email": p.get("email", "").strip(),
        "timezone": p.get("timezone", "").strip(),
        "holidays": p.get("holidays", "").strip(),
        "roles": _ids(p.get("roles", "")),
        "github": p.get("github", "").strip(),
        "emails": _ids(p.get("emails", "")),
    }
    hours, days = p.get("working_hours", "").strip(), p.getlist("workdays")
    item["working_hours"] = {d: hours for d in WEEKDAYS if d in days} if hours else {}
    return item


def _person_current(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "timezone": person.timezone,
        "holidays": person.holidays,
        "roles": list(person.roles),
        "github": person.github,
        "emails": list(person.emails),
        "working_hours": dict(person.working_hours),
    }


def _person_page(
    request: HttpRequest, person: Person | None, values: dict[str, Any]
) -> HttpResponse:
    hours = values.get("working_hours") or {}
    leads = Team.objects.order_by("name")
    if not request.user.is_staff:  # a lead adds people to the teams they lead
        leads = leads.filter(lead__user__pk=request.user.pk or 0)
    return render(
        request,
        "people/edit_person.html",
        {
            "person": person,
            "values": values,
            "hours": next(iter(hours.values()), "09:00-17:00"),
            "workdays": list(hours) or ["mon", "tue", "wed", "thu", "fri"],
            "weekdays": WEEKDAYS,
            "zones": sorted(available_timezones()),
            "teams": leads,
            "kept": service.kept_in_file("people"),
        },
    )


def new_person(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {"timezone": request.viewer_zone.key}  # type: ignore[attr-defined]
    team = request.POST.get("team") or None  # a lead adds people to their team
    return _add(request, values, _person_form, service.create_person, _person_page,
                lambda made: reverse("people:person", args=[made.slug]), team=team)  # fmt: skip


def edit_person(request: HttpRequest, pid: str) -> HttpResponse:
    back = reverse("people:person", args=[pid])
    found = service.get_person(pid)
    return _edit(request, pid, found, _person_current, _person_form, service.update_person,
                 _person_page, back)  # fmt: skip


@require_POST
def remove_person(request: HttpRequest, pid: str) -> HttpResponse:
    return _remove(request, pid, service.delete_person, f"{pid} removed from the directory.",
                   reverse("people:directory"), reverse("people:person", args=[pid]))  # fmt: skip


# -- teams ---------------------------------------------------------------------------------------


def _team_form(p: QueryDict) -> dict[str, Any]:
    limit = p.get("wip_limit", "").strip()
    return {
        "name": p.get("name", "").strip(),
        "description": p.get("description", "").strip(),
        "charter": p.get("charter", "").strip(),
        "lead": p.get("lead", "").strip() or None,
        "members": _ids(p.get("members", "")),
        "parent": p.get("parent", "").strip() or None,
        "wip_limit": int(limit) if limit.isdigit() else (limit or None),
    }


def _team_current(team: Team) -> dict[str, Any]:
    return {
        "name": team.name,
        "description": team.description,
        "charter": team.charter,
        "lead": team.lead.slug if team.lead else None,
        "members": sorted(m.slug for m in team.members.all()),
        "parent": team.parent.slug if team.parent else None,
        "wip_limit": team.wip_limit,
    }


def _team_page(request: HttpRequest, team: Team | None, values: dict[str, Any]) -> HttpResponse:
    return render(
        request,
        "people/edit_team.html",
        {
            "team": team,
            "values": values,
            "members": " ".join(values.get("members") or []),
            "people": Person.objects.only("slug", "name"),
            "teams": Team.objects.exclude(slug=team.slug if team else "").order_by("name"),
            "kept": service.kept_in_file("teams"),
        },
    )


def new_team(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {"parent": request.GET.get("parent")}
    return _add(request, values, _team_form, service.create_team, _team_page,
                lambda made: reverse("people:team", args=[made.slug]))  # fmt: skip


def edit_team(request: HttpRequest, tid: str) -> HttpResponse:
    back = reverse("people:team", args=[tid])
    found = service.get_team(tid)
    return _edit(request, tid, found, _team_current, _team_form, service.update_team,
                 _team_page, back)  # fmt: skip


@require_POST
def remove_team(request: HttpRequest, tid: str) -> HttpResponse:
    return _remove(request, tid, service.delete_team, f"Team {tid} removed.",
                   reverse("people:directory"), reverse("people:team", args=[tid]))  # fmt: skip


# -- components ----------------------------------------------------------------------------------


def _component_form(p: QueryDict) -> dict[str, Any]:
    return {
        "name": p.get("name", "").strip(),
        "description": p.get("description", "").strip(),
        "owner": p.get("owner", "").strip() or None,
        "dri": p.get("dri", "").strip() or None,
        "maintainers": _ids(p.get("maintainers", "")),
        "criticality": p.get("criticality", "medium"),
        "repos": _ids(p.get("repos", "")),
        "paths": _ids(p.get("paths", "")),
    }


def _component_current(c: Component) -> dict[str, Any]:
    return {
        "name": c.name,
        "description": c.description,
        "owner": c.owner.slug if c.owner else None,
        "dri": c.dri.slug if c.dri else None,
        "maintainers": sorted(m.slug for m in c.maintainers.all()),
        "criticality": c.criticality,
        "repos": list(c.repos),
        "paths": list(c.paths),
    }


def _component_page(
    request: HttpRequest, component: Component | None, values: dict[str, Any]
) -> HttpResponse:
    return render(
        request,
        "people/edit_component.html",
        {
            "component": component,
            "values": values,
            "maintainers": " ".join(values.get("maintainers") or []),
            "people": Person.objects.only("slug", "name"),
            "teams": Team.objects.order_by("name"),
            "levels": CRITICALITY,
            "kept": service.kept_in_file("components"),
        },
    )


def new_component(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {"criticality": "medium"}
    return _add(request, values, _component_form, service.create_component, _component_page,
                lambda made: reverse("people:components"))  # fmt: skip


def edit_component(request: HttpRequest, cid: str) -> HttpResponse:
    found, back = service.get_component(cid), reverse("people:components")
    return _edit(request, cid, found, _component_current, _component_form,
                 service.update_component, _component_page, back)  # fmt: skip


@require_POST
def remove_component(request: HttpRequest, cid: str) -> HttpResponse:
    back = reverse("people:components")
    return _remove(request, cid, service.delete_component, f"Component {cid} removed.", back, back)
