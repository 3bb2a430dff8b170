"""The hub's decision pages: the log, a record, the editor with live preview, waiting on me."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from sunrelay.core import clock
from sunrelay.core.errors import SunrelayError, ValidationFailed
from sunrelay.core.flash import flashed
from sunrelay.core.permissions import Actor
from sunrelay.core.templatetags.sunrelay import from_now, in_zone
from sunrelay.decisions import logic, queries, review, service
from sunrelay.decisions.models import Record
from sunrelay.decisions.permissions import may_change
from sunrelay.decisions.schemas import LogQuery
from sunrelay.people import delegation
from sunrelay.people import queries as people_queries
from sunrelay.people.errors import NotLinked
from sunrelay.people.models import Component, Person, Team
from sunrelay.people.permissions import actor_for_user


def _me(request: HttpRequest) -> Person | None:
    return people_queries.person_for_user(request.user)


def _actor(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)


@login_required
def decision_log(request: HttpRequest) -> HttpResponse:
    query = LogQuery(**{k: request.GET.get(k, "") for k in LogQuery.model_fields})
    filters = {k: v for k, v in query.model_dump().items() if v}
    page = Paginator(queries.decision_log(query), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": logic.STATUSES,
        "kinds": logic.KIND_LABELS,
        "teams": Team.objects.only("slug", "name"),
        "components": Component.objects.only("slug", "name"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "decisions/_rows.html", context)
    return render(request, "decisions/log.html", context)


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.record_page(pk)
    me = _me(request)
    events = list(found.events.all())
    thread: dict[int | None, list[Any]] = {}
    for e in events:
        thread.setdefault(e.parent_id, []).append(e)
    reviewers = list(found.reviewers.all())
    mine = next((r for r in reviewers if me and r.person_id == me.pk), None)
    return render(
        request,
        "decisions/record.html",
        {
            "record": found,
            "me": me,
            "mine": mine,
            "reviewers": reviewers,
            "timeline": thread.get(None, []),
            "replies": thread,
            "now": clock.now(),
            "is_dri": may_change(_actor(request), found),
            "moves": [s for s in logic.TRANSITIONS[found.status] if s != "proposed"],
            "people": Person.objects.only("slug", "name"),
            "teams": Team.objects.only("slug", "name"),
            "sections": _sections(found.body),
            "ladder": logic.LADDER_LABELS,
            "period": _period_note(found, me) if found.status == "draft" else "",
            "dri_away": delegation.notice_for(found.dri, clock.now())
            if found.status in ("draft", "proposed")
            else None,
        },
    )


def _period_note(record: Record, me: Person | None) -> str:
    """What a review period means in calendar time, said before anyone sets it."""
    period = review.period_for(record)
    note = (
        f"Each reviewer has {period.describe()} ({period}) for {record.kind.upper()}s"
        f"{' in ' + record.team.name if record.team else ''}, counted in their own working hours"
    )
    if me is None:
        return note + "."
    due = review.due_times(record, [me.slug], clock.now())[me.slug]
    if due is None:
        return note + "."
    return f"{note}: requested now, a reviewer on your hours would have until {due:%a %d %b}."


def _sections(body: str) -> list[str]:
    return [line[3:].strip() for line in body.splitlines() if line.startswith("## ")]


def _form_data(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    return {
        "title": post.get("title", ""),
        "kind": post.get("kind", "adr"),
        "dri": post.get("dri") or None,
        "team": post.get("team") or None,
        "tags": [t for t in post.get("tags", "").replace(",", " ").split() if t],
        "components": post.getlist("components"),
        "body": post.get("body", ""),
        "raci": {role: post.getlist(f"raci_{role}") for role in service.RACI_ROLES},
    }


@login_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new record or edit one; the preview pane follows the text as you type."""
    current = service.get_record(pk) if pk else None
    error = None
    if request.method == "POST":
        data = _form_data(request)
        try:
            if current is None:
                made = service.create_record(data, _actor(request))
            else:
                made = service.update_record(current.pk, data, _actor(request))
            return redirect("decisions:record", made.pk)
        except SunrelayError as exc:
            error = exc
    values = _form_data(request) if request.method == "POST" else _initial(current)
    return render(
        request,
        "decisions/edit.html",
        {
            "record": current,
            "values": values,
            "error": error,
            "kinds": logic.KIND_LABELS,
            "people": Person.objects.only("slug", "name"),
            "teams": Team.objects.only("slug", "name"),
            "components": Component.objects.only("slug", "name"),
            "template": {k: logic.template_body(k) for k in logic.KINDS},
            "roles": service.RACI_ROLES,
        },
        status=422 if error else 200,
    )


def _initial(record: Any) -> dict[str, Any]:
    if record is None:
        return {"kind": "adr", "body": logic.template_body("adr"), "components": [], "raci": {}}
    return {
        "title": record.title,
        "kind": record.kind,
        "body": record.body,
        "dri": record.dri.slug if record.dri else "",
        "tags": " ".join(record.tags),
        "team": record.team.slug if record.team else "",
        "components": [c.slug for c in record.components.all()],
        "raci": record.raci,
    }


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    html = render_to_string("decisions/_preview.html", {"body": request.POST.get("body", "")})
    return HttpResponse(html)


ACTIONS = {
    "request_review": lambda pk, me, p: review.request_review(
        pk, me, reviewers=p.getlist("reviewers"), teams=p.getlist("teams")
    ),
    "approve": lambda pk, me, p: review.approve(pk, me, p.get("body", "")),
    "request_changes": lambda pk, me, p: review.request_changes(pk, me, p.get("body", "")),
    "comment": lambda pk, me, p: review.comment(
        pk,
        me,
        p.get("body", ""),
        section=p.get("section", ""),
        reply_to=int(p["reply_to"]) if p.get("reply_to", "").isdigit() else None,
    ),
    "transition": lambda pk, me, p: service.transition(
        pk, p.get("status", ""), me, p.get("note", "")
    ),
    "retro": lambda pk, me, p: review.record_retro(pk, me, p.get("notes", "")),
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every button on the record page: one service call each."""
    me = _actor(request)
    if me.person is None:  # the hub sends them to say who they are first
        raise NotLinked("your sign-in is not linked to a person in the directory")
    with flashed(request):
        if action not in ACTIONS:
            raise ValidationFailed(f"unknown action {action!r}", field="action")
        ACTIONS[action](pk, me, request.POST)
        messages.success(request, _done(request, pk) if action == "request_review" else "Saved.")
    return redirect("decisions:record", pk)


def _done(request: HttpRequest, pk: int) -> str:
    """Review requested: each reviewer's deadline as a date in the viewer's zone."""
    zone = request.viewer_zone.key  # type: ignore[attr-defined]
    reviewers = queries.record_page(pk).reviewers.all()
    due = ", ".join(
        f"{r.person.name} {in_zone(r.due_at, zone)} ({from_now(r.due_at)})"
        for r in reviewers
        if r.due_at is not None and r.person is not None
    )
    return f"Review requested. Due, in your time: {due}."


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    nothing: dict[str, list] = {"reviews": [], "objections": [], "decide": [], "skipped": []}
    owed = review.waiting_on(me) if me else nothing
    return render(request, "decisions/waiting.html", {"me": me, "owed": owed, "now": clock.now()})
