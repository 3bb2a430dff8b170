"""The hub's incident pages: the list (and declaring), the incident room, the status page for
the rest of the organisation, postmortems, action items and the reliability report."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sunrelay.core import clock
from sunrelay.core.errors import SunrelayError, ValidationFailed, whole_number
from sunrelay.core.flash import describe
from sunrelay.core.templatetags.sunrelay import from_now, in_zone
from sunrelay.incidents import followups, logic, reports, service, timeline
from sunrelay.incidents.models import Postmortem
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Component, Person, Team
from sunrelay.people.permissions import actor_for_user


def _me(request: HttpRequest) -> Person:
    return people_queries.get_person_for_user(request.user)


def _error(request: HttpRequest, exc: SunrelayError) -> None:
    messages.error(request, describe(exc))


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        p, me = request.POST, _me(request)  # nobody yet: the hub asks who they are first
        try:
            found = service.declare(
                p.get("title", ""),
                p.get("severity", "SEV2"),
                me,
                team=p.get("team") or None,
                component=p.get("component") or None,
                summary=p.get("summary", ""),
                drill=bool(p.get("drill")),
                group=whole_number(p["alert_group"], "alert_group")
                if p.get("alert_group")
                else None,
            )
            return redirect("incidents:room", found.pk)
        except SunrelayError as exc:
            _error(request, exc)
    end = clock.now()
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,  # what was typed, kept when the declaration is refused
            "incidents": reports.incidents(request.GET.get("state") or None)[:200],
            "severities": logic.DEFAULT_SEVERITIES.values(),
            "teams": Team.objects.only("slug", "name"),
            "components": Component.objects.only("slug", "name"),
            "report": reports.report(end - timedelta(days=90), end),
        },
    )


ACTIONS = ("state", "role", "entry", "update", "action_item", "adr", "item_done")


def _act(request: HttpRequest, pk: int) -> None:
    p, me = request.POST, actor_for_user(request.user)
    action = p.get("action")
    if action == "state":
        moved = service.move(pk, p.get("state", ""), me, p.get("note", ""))
        pm = Postmortem.objects.filter(incident=moved).select_related("owner").first()
        if moved.state == "resolved" and pm is not None:
            zone = request.viewer_zone.key  # type: ignore[attr-defined]
            owner = pm.owner.name if pm.owner else "its owner"
            messages.success(
                request,
                f"Resolved. The postmortem is due {in_zone(pm.due_at, zone)} your time "
                f"({from_now(pm.due_at)}): the agreed period counts {owner}'s working hours.",
            )
    elif action == "role":
        service.assign_role(pk, p.get("role", ""), p.get("person", ""), me, p.get("note", ""))
    elif action == "entry":
        service.add_entry(pk, p.get("kind", "note"), p.get("text", ""), me, p.get("why", ""))
    elif action == "update":
        service.post_update(pk, p.get("text", ""), me)
    elif action == "action_item":
        try:
            due = date.fromisoformat(p.get("due", ""))
        except ValueError:
            raise ValidationFailed("pick a due date", field="due") from None
        followups.add_action_item(pk, p.get("title", ""), p.get("owner", ""), due, me)
    elif action == "adr":
        record = service.promote_decision(whole_number(p.get("entry"), "entry"), _me(request))
        messages.success(request, f"Draft ADR created (record {record}).")
    elif action == "cause":
        raw = p.get("deployment", "").strip()
        deployment = whole_number(raw, "deployment") if raw else None
        service.name_cause(pk, me, sha=p.get("sha", ""), deployment=deployment)
    elif action == "item_done":
        followups.complete_action_item(whole_number(p.get("item"), "item"), me)


@login_required
def room(request: HttpRequest, pk: int) -> HttpResponse:
    incident = timeline.get_incident(pk)
    if request.method == "POST":
        try:
            _act(request, pk)
        except SunrelayError as exc:
            _error(request, exc)
        return redirect("incidents:room", pk)
    return render(
        request,
        "incidents/room.html",
        {
            "i": incident,
            "entries": incident.entries.select_related("author"),
            "responders": incident.responders.all(),
            "items": incident.action_items.select_related("owner"),
            "postmortem": Postmortem.objects.filter(incident=incident).first(),
            "people": Person.objects.only("slug", "name"),
            "group": incident.alert_group,
            "next_states": sorted(logic.ALLOWED[incident.state]),
        },
    )


def status_page(request: HttpRequest, pk: int) -> HttpResponse:
    """For the rest of the organisation: state, severity and the public updates only."""
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    incident = timeline.get_incident(pk)
    updates = incident.entries.filter(public=True).select_related("author").order_by("-at")
    return render(request, "incidents/status.html", {"i": incident, "updates": updates})


@login_required
def postmortem(request: HttpRequest, pk: int) -> HttpResponse:
    incident = timeline.get_incident(pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "done":
                followups.complete_postmortem(pk, actor_for_user(request.user))
            else:
                by = actor_for_user(request.user)
                followups.save_postmortem(pk, request.POST.get("body", ""), by)
            messages.success(request, "Saved.")
        except SunrelayError as exc:
            _error(request, exc)
        return redirect("incidents:postmortem", pk)
    pm = Postmortem.objects.filter(incident=incident).first()
    return render(request, "incidents/postmortem.html", {"i": incident, "pm": pm})


@login_required
def postmortems(request: HttpRequest) -> HttpResponse:
    found = followups.postmortems()[:200]
    return render(request, "incidents/postmortems.html", {"postmortems": found, "now": clock.now()})


@login_required
def action_items(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            item = whole_number(request.POST.get("item"), "item")
            if "owner" in request.POST:  # hand it over
                owner = request.POST.get("owner", "").strip()
                followups.reassign_action_item(item, owner, actor_for_user(request.user))
            else:
                followups.complete_action_item(item, actor_for_user(request.user))
        except SunrelayError as exc:
            _error(request, exc)
        return redirect("incidents:action_items")
    found = followups.action_items(open_only=request.GET.get("all") != "1")
    return render(
        request,
        "incidents/action_items.html",
        {"items": found[:500], "today": clock.now().date(), "all": request.GET.get("all") == "1"},
    )
