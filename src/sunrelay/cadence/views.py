"""The hub's cadence pages: write an update, a team's week and digest, the risk register,
hand-offs and the chain, rituals and occurrences, burden, calendar feeds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sunrelay.cadence import feeds, handoffs, logic, retros, rituals, status
from sunrelay.cadence import permissions as cadence_permissions
from sunrelay.cadence.errors import FeedNotFound
from sunrelay.cadence.models import Item, Ritual, StatusUpdate
from sunrelay.core import clock
from sunrelay.core.errors import SunrelayError, ValidationFailed, whole_number
from sunrelay.core.flash import describe, flashed
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import actor_for_user
from sunrelay.worktime import is_zone, parse_instant


def _me(request: HttpRequest) -> Person:
    return people_queries.get_person_for_user(request.user)


def _week(request: HttpRequest, me: Person | None = None) -> str:
    zone = me.timezone if me else "UTC"
    return status.check_week(request.GET.get("week") or logic.local_week(clock.now(), zone))


@login_required
def status_home(request: HttpRequest) -> HttpResponse:
    me = people_queries.person_for_user(request.user)
    week = _week(request, me)
    mine = list(status.dues(week)) if me else []
    row = next((r for r in mine if r.person.pk == me.pk), None) if me else None
    return render(
        request,
        "cadence/status_home.html",
        {
            "me": me,
            "week": week,
            "row": row,
            "teams": me.teams.all() if me else Team.objects.none(),
            "all_teams": Team.objects.only("slug", "name"),
            "prev": logic.shift_week(week, -1),
            "next": logic.shift_week(week, 1),
        },
    )


def _form(request: HttpRequest) -> dict[str, Any]:
    links = [line.strip() for line in request.POST.get("links", "").splitlines() if line.strip()]
    return {
        "week": request.POST.get("week") or None,
        "team": request.POST.get("team") or None,
        "links": links,
        "capacity": request.POST.get("capacity", ""),
        "outlook": request.POST.get("outlook", ""),
        "outlook_why": request.POST.get("outlook_why", ""),
        **{s: request.POST.get(s, "") for s in status.SECTIONS},
    }


@login_required
def write_update(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    week = _week(request, me)
    existing = StatusUpdate.objects.filter(author=me, week=week).first()
    error = None
    if request.method == "POST":
        data = _form(request)
        try:
            update = status.post_update(me, **data)
        except SunrelayError as exc:
            error = exc
        else:
            messages.success(request, f"Your update for {update.week} is posted.")
            team = update.team.slug if update.team else None
            return (
                redirect("cadence:team_week", team, update.week)
                if team
                else redirect("cadence:status")
            )
    row = next(iter(r for r in status.dues(week) if r.person.pk == me.pk), None)
    return render(
        request,
        "cadence/write.html",
        {
            "me": me,
            "week": week,
            "row": row,
            "update": existing,
            "links": "\n".join(x["url"] for x in existing.links) if existing else "",
            "teams": me.teams.all(),
            "error": error,
            "posted": request.POST if error else None,
            "outlooks": status.OUTLOOKS,
        },
    )


@login_required
def team_week(request: HttpRequest, team: str, week: str = "") -> HttpResponse:
    found = people.get_team(team)
    week = status.check_week(week or logic.week_of(clock.now().date()))
    recent = [logic.shift_week(week, -k) for k in reversed(range(8))]
    eight = status.team_dues(found, recent)  # this week's dues and the participation's
    rows = [r for r in eight if r.week == week]
    by_person = {
        u.author_id: u
        for u in StatusUpdate.objects.filter(
            week=week, author__in=[r.person for r in rows]
        ).prefetch_related("items")
    }
    me = people_queries.person_for_user(request.user)
    return render(
        request,
        "cadence/team_week.html",
        {
            "team": found,
            "week": week,
            "rows": rows,
            "updates": by_person,
            "digest": found.digests.filter(week=week).first(),
            "preview": status.digest_markdown(found, week, rows),
            "risks": status.register(team),
            "participation": status.participation_of(team, recent, eight),
            "following": bool(me and found.followers.filter(person=me).exists()),
            "me": me,
            "prev": logic.shift_week(week, -1),
            "next": logic.shift_week(week, 1),
        },
    )


@login_required
@require_POST
def follow(request: HttpRequest, team: str) -> HttpResponse:
    status.follow(team, _me(request), on=request.POST.get("on") == "1")
    return redirect("cadence:team", team)


@login_required
def risk_register(request: HttpRequest, team: str) -> HttpResponse:
    found = people.get_team(team)
    states = ("open", "resolved", "dropped", "all")
    state = request.GET.get("state", "open")
    state = state if state in states else "open"
    return render(
        request,
        "cadence/risks.html",
        {
            "team": found,
            "items": status.register(team, state=state),
            "state": state,
            "states": states,
            "people": Person.objects.filter(
                slug__in=people_queries.load_directory(team=team).people
            ).only("slug", "name"),
        },
    )


@login_required
@require_POST
def settle_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = status.get_item(pk)
    with flashed(request):
        status.settle_item(
            pk,
            _me(request),
            state=request.POST.get("state", Item.RESOLVED),
            resolution=request.POST.get("resolution", ""),
            owner=request.POST.get("owner", ""),
        )
    if item.team is None:  # its team was removed since it was raised
        return redirect("cadence:status")
    return redirect("cadence:risks", item.team.slug)


@login_required
def handoff_board(request: HttpRequest) -> HttpResponse:
    me = people_queries.person_for_user(request.user)
    first = me.teams.order_by("slug").first() if me else None
    team = request.GET.get("team") or (first.slug if first else "")
    error = None
    if request.method == "POST":
        try:
            h = handoffs.write_handoff(
                _me(request),
                request.POST.get("team", ""),
                next_action=request.POST.get("next_action", ""),
                context=request.POST.get("context", ""),
                state=request.POST.get("state", ""),
                blockers=request.POST.get("blockers", ""),
                owner=request.POST.get("owner", ""),
                links=[x for x in request.POST.get("links", "").split() if x],
            )
        except SunrelayError as exc:
            error = exc
        else:
            messages.success(request, f"Handed to {h.target}; they hear at the start of their day.")
            return redirect("cadence:handoff", h.pk)
    chain, members = handoffs.team_chain(team, clock.now().date()) if team else (None, {})
    return render(
        request,
        "cadence/handoffs.html",
        {
            "open": [(o, handoffs.age_label(o.waiting_seconds)) for o in handoffs.open_handoffs()],
            "now": clock.now(),
            "recent": handoffs.recent(),
            "team": team,
            "teams": Team.objects.only("slug", "name"),
            "chain": chain,
            "members": members,
            "people": Person.objects.filter(
                slug__in=[m for ms in members.values() for m in ms]
            ).only("slug", "name"),
            "error": error,
        },
    )


@login_required
def handoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    h = handoffs.get_handoff(pk)
    if request.method == "POST":
        with flashed(request, "Acknowledged: it is yours now."):
            handoffs.acknowledge(pk, _me(request))
        return redirect("cadence:handoff", pk)
    return render(request, "cadence/handoff.html", {"h": h, "receivers": h.receivers.all()})


@login_required
def team_rituals(request: HttpRequest, team: str) -> HttpResponse:
    found = people.get_team(team)
    error = None
    if request.method == "POST":
        me = _me(request)
        kind = request.POST.get("kind") or "other"
        extra = {"title": request.POST.get("title", ""), "kind": kind, "team": team}
        made, error = _create_ritual(request, me, extra)
        if made is not None:
            return made
    now = clock.now()
    listed = [
        (r, rituals.agenda(r, now, now + timedelta(days=35))[:3])
        for r in found.rituals.prefetch_related("owners")
    ]
    return render(
        request,
        "cadence/rituals.html",
        {"team": found, "rituals": listed, "kinds": Ritual.KINDS, "error": error},
    )


def _create_ritual(
    request: HttpRequest, me: Person, extra: dict[str, Any]
) -> tuple[HttpResponse | None, SunrelayError | None]:
    """The recurrence fields every ritual form shares, owned by whoever creates it."""
    try:
        rule = _rrule(request.POST)
    except ValidationFailed as exc:
        return None, exc
    data = {
        "rrule": rule,
        "start": request.POST.get("start", ""),
        "timezone": request.POST.get("timezone", "") or me.timezone,
        "duration_minutes": _int(request.POST.get("duration_minutes", "30")),
        "owners": [me.slug],
        **extra,
    }
    try:
        made = rituals.save_ritual(data, by=actor_for_user(request.user))
    except SunrelayError as exc:
        return None, exc
    return redirect("cadence:ritual", made.pk), None


def _rrule(form: Any) -> str:
    """The recurrence a ritual form describes: from the builder, or a custom RRULE."""
    if form.get("repeat", "custom") == "custom":
        return str(form.get("rrule", ""))
    monthday = form.get("monthday", "").strip()
    try:
        return logic.build_rrule(
            form.get("repeat", ""),
            _int(form.get("every", "1")),
            form.getlist("days"),
            form.get("ordinal", ""),
            form.get("weekday", ""),
            int(monthday) if monthday.isdigit() else None,
        )
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="rrule") from None


@login_required
def recurrence(request: HttpRequest) -> HttpResponse:
    """The builder's preview: the rule it writes and its next occurrences, in the viewer's
    zone and in the zone it is planned in (htmx, on every change)."""
    q = request.GET
    context: dict[str, Any] = {"viewer": request.viewer_zone.key}  # type: ignore[attr-defined]
    try:
        rule = _rrule(q)
        logic.check_rrule(rule)
        zone_name = q.get("timezone", "") or context["viewer"]
        first = datetime.fromisoformat(q.get("start", "")) if q.get("start") else None
        context["rule"] = rule
        if first is not None and is_zone(zone_name):
            now = clock.now()
            found = logic.occurrences(rule, first, zone_name, now, now + timedelta(days=400))
            context |= {"next": found[:5], "zone": zone_name, "zones": _their_zones(q)}
    except (ValidationFailed, ValueError) as exc:
        context["problem"] = getattr(exc, "message", str(exc))
    return render(request, "cadence/_recurrence_preview.html", context)


def _their_zones(q: Any) -> list[str]:
    """The attendees' zones a ritual form names: the 1:1's other person, or the team's
    members (at most five, most common first)."""
    slugs = [q.get("with", "")] if q.get("with") else []
    if q.get("for_team"):
        directory = people_queries.load_directory(team=q["for_team"])
        slugs += list(directory.people)
    found = Person.objects.filter(slug__in=slugs).values_list("timezone", flat=True)
    counts: dict[str, int] = {}
    for tz in found:
        counts[tz] = counts.get(tz, 0) + 1
    return sorted(counts, key=lambda tz: -counts[tz])[:5]


def _int(text: str) -> int:
    return int(text) if text.strip().isdigit() else -1


@login_required
def ritual(request: HttpRequest, pk: int) -> HttpResponse:
    found = rituals.get_ritual(pk, actor_for_user(request.user))
    if request.method == "POST":
        return _save_occurrence(request, found)
    now = clock.now()
    return render(
        request,
        "cadence/ritual.html",
        {
            "ritual": found,
            "upcoming": rituals.agenda(found, now, now + timedelta(days=56)),
            "past": list(reversed(rituals.agenda(found, now - timedelta(days=56), now))),
            "burden": rituals.burden(found),
            "completion": rituals.completion(found),
            "participants": rituals.participants(found),
            **_retro_context(found, now),
        },
    )


def _retro_context(found: Ritual, now: datetime) -> dict[str, Any]:
    if found.kind != "retro":
        return {}
    nearest = rituals.agenda(found, now - timedelta(days=7), now + timedelta(days=56))
    current = next((p for p in nearest if p.end >= now), nearest[-1] if nearest else None)
    return {
        "retro": current,
        "board": retros.board(found, current.occurrence if current else None),
        "actions": retros.open_actions(found),
        "people": Person.objects.order_by("name").only("slug", "name"),
    }


@login_required
@require_POST
def retro(request: HttpRequest, pk: int) -> HttpResponse:
    """The retrospective board's forms: a card, a card made an action, an action done."""
    by = actor_for_user(request.user)
    p = request.POST
    with flashed(request, "Saved."):
        if p.get("do") == "card":
            retros.add_input(
                pk, _instant(p.get("start", "")), by, kind=p.get("kind", ""), text=p.get("text", "")
            )
        elif p.get("do") == "action":
            retros.make_action(
                whole_number(p.get("card", ""), "card", low=1),
                by,
                owner=p.get("owner", ""),
                due=_day(p.get("due", "")),
            )
        else:
            retros.complete_action(whole_number(p.get("card", ""), "card", low=1), by)
    return redirect("cadence:ritual", pk)


def _instant(text: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError:
        raise ValidationFailed("not an instant", field="start") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"{text[:20]!r} is not a date like 2026-12-31", field="due"
        ) from None


def _save_occurrence(request: HttpRequest, found: Ritual) -> HttpResponse:
    by = actor_for_user(request.user)
    try:
        if request.POST.get("rotate"):
            rituals.rotate(found, by=by)
            messages.success(request, "Rotating fairly across regions from now on.")
            return redirect("cadence:ritual", found.pk)
        rituals.save_occurrence(
            found,
            parse_instant(request.POST.get("start", "")),
            by,
            agenda=request.POST.get("agenda"),
            notes=request.POST.get("notes"),
            recording_url=request.POST.get("recording_url"),
            state=request.POST.get("state") or None,
        )
        messages.success(request, "Saved.")
    except ValueError:
        messages.error(request, "start: not an instant")
    except SunrelayError as exc:
        messages.error(request, describe(exc))
    return redirect("cadence:ritual", found.pk)


@login_required
def one_on_ones(request: HttpRequest) -> HttpResponse:
    """My 1:1s with their completion rates, and a form to start one."""
    me = _me(request)
    error = None
    if request.method == "POST":
        other = request.POST.get("with", "")
        extra = {
            "title": f"{me.name} / {other}",
            "kind": "one-on-one",
            "attendees": [me.slug, other],
        }
        made, error = _create_ritual(request, me, extra)
        if made is not None:
            return made
    pairs = Ritual.objects.filter(kind="one-on-one", attendees=me).prefetch_related("attendees")
    return render(
        request,
        "cadence/one_on_ones.html",
        {
            "me": me,
            "pairs": [(r, rituals.completion(r)) for r in pairs],
            "people": Person.objects.exclude(pk=me.pk).only("slug", "name"),
            "error": error,
        },
    )


@login_required
def burden(request: HttpRequest) -> HttpResponse:
    me = people_queries.person_for_user(request.user)
    slug = request.GET.get("person") or (me.slug if me else "")
    person = people.get_person(slug) if slug else None
    rows, viewer = [], actor_for_user(request.user)
    if person is not None:
        for r in rituals.rituals_for(person).prefetch_related("attendees"):
            if not cadence_permissions.may_read(viewer, r):
                continue  # someone else's 1:1 is theirs alone, even its name
            load = rituals.burden(r)
            mine = load["people"].get(person.slug)
            if mine is not None:
                rows.append((r, load["occurrences"], mine))
    return render(
        request,
        "cadence/burden.html",
        {"person": person, "rows": rows, "people": Person.objects.only("slug", "name")},
    )


@login_required
def calendars(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if request.method == "POST":
        target: Person | Team = me
        if request.POST.get("team"):
            target = people.get_team(request.POST["team"])
        with flashed(request, "A new address: the old one no longer works."):
            feeds.renew(target, actor_for_user(request.user))
        return redirect("cadence:calendars")
    return render(
        request,
        "cadence/calendars.html",
        {
            "mine": feeds.url(feeds.feed_for(me)),
            "teams": [(t, feeds.url(feeds.feed_for(t))) for t in me.teams.all()],
        },
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: the token in the URL is the credential, so no sign-in."""
    try:
        body = feeds.calendar(token)
    except FeedNotFound:
        raise Http404("no such calendar") from None
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
