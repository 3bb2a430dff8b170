"""The hub's on-call pages: who is on call now, a schedule's timeline with overrides and
fairness, alert groups, and the page behind each signed one-time link."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from html import escape as quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from sunrelay.core import clock
from sunrelay.core.errors import SunrelayError, ValidationFailed
from sunrelay.core.flash import describe, flashed
from sunrelay.core.permissions import Actor
from sunrelay.oncall import alerts, charts, escalation, forms, policies, queries, service, specs
from sunrelay.oncall.models import AlertGroup, OnCallSchedule
from sunrelay.oncall.permissions import require_owner
from sunrelay.oncall.roster import Away
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Component, Person, Team
from sunrelay.people.permissions import actor_for_user
from sunrelay.worktime import epoch, from_epoch, parse_instant, zone


def _me(request: HttpRequest) -> Person:
    return people_queries.get_person_for_user(request.user)


def _editor(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)


def _submit(
    request: HttpRequest,
    values: forms.Values,
    rows: str,
    blank: dict[str, str],
    save: Callable[[], str],
) -> tuple[HttpResponse | None, int]:
    """An editor's POST: a row button changes ``values`` for the page to show again; Save calls
    ``save``, which returns where to go next, or puts its problems next to their fields."""
    if forms.act(values, rows, request.POST.get("action", "save"), blank):
        return None, 200
    try:
        return redirect(save()), 302
    except SunrelayError as exc:
        forms.attach_errors(values, getattr(exc, "problems", [(exc.field or "", exc.message)]))
        return None, exc.status


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
                by=_editor(request),
            )
            messages.success(request, "Override added.")
            return redirect("oncall:schedule", slug)
        except SunrelayError as exc:
            messages.error(request, describe(exc))
    asked = request.GET.get("days", "")
    days = min(max(int(asked), 1), 28) if asked.isdigit() else 7
    start = clock.now().replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(days=days)
    month_end = start + timedelta(days=30)
    month = queries.compute(found, start, month_end)  # one roster serves the chart and fairness
    roster = month.clip(epoch(start), epoch(end))
    chart = charts.timeline(roster, start, end)
    return render(
        request,
        "oncall/schedule.html",
        {
            "schedule": found,
            "spec": service.spec_of(found),
            "chart": chart,
            "bars": _bars(chart),
            "gaps": roster.gaps,
            "away": [_away(x) for x in roster.away],
            "overrides": service.overrides(slug, clock.now()),
            "fairness": queries.fairness(slug, start, month_end, month),
            "people": _people_options(),
            "days": days,
        },
    )


def _away(x: Away) -> dict[str, object]:
    start, end = from_epoch(x.start), from_epoch(x.end)
    return {"person": x.person, "start": start, "end": end, "covered_by": x.covered_by}


def _local(text: str, tz: str, field: str) -> datetime:
    """A datetime-local field, read in the viewer's zone (or an instant with its offset)."""
    try:
        if "Z" in text or "+" in text[10:]:
            return parse_instant(text)
        return datetime.fromisoformat(text).replace(tzinfo=zone(tz))
    except ValueError:
        raise ValidationFailed(f"{text!r} is not a date and time", field=field) from None


@login_required
@require_POST
def remove_override(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    with flashed(request, "Override removed."):
        service.delete_override(pk, _editor(request))
    return redirect("oncall:schedule", slug)


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
        with flashed(request, f"Alert {action}d."):
            if action == "acknowledge":
                alerts.acknowledge(pk, _me(request))
            elif action == "resolve":
                alerts.resolve(pk, _me(request))
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


# -- configuration -----------------------------------------------------------------------------


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Schedules, escalation policies, alert routes and integrations, with links to edit them."""
    schedules = service.schedules()
    return render(
        request,
        "oncall/setup.html",
        {
            "schedules": [(s, service.spec_of(s)) for s in schedules],
            "policies": [
                (p, specs.policy_data(policies.policy_spec(p))) for p in policies.policies()
            ],
            "routes": policies.route_specs(),
            "integrations": alerts.integrations(),
            "teams": Team.objects.only("slug", "name"),
        },
    )


def _bars(chart: charts.Chart) -> SafeString:
    """The chart's shift bars as SVG, every value escaped: a follow-the-sun month has hundreds,
    which a template loop drew at a fifth of a millisecond each."""
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="20" class="bar layer-{}"><title>{}</title></rect>',
        ((b.x, b.y, b.width, slugify(b.layer), b.title) for b in chart.bars),
    )


def _people_options() -> SafeString:
    """Everyone as ``<option>``s, rendered once per change of the directory."""
    return people_queries.remembered(
        "oncall.person-options",
        lambda: _options(Person.objects.values_list("slug", "name")),
    )


def _options(pairs: Iterable[tuple[str, str]]) -> SafeString:
    """``<option>``s rendered once: a 5,000-person select costs milliseconds, not a template
    loop per use."""
    html = "".join(f'<option value="{quote(v)}">{quote(label)}</option>' for v, label in pairs)
    return mark_safe(html)


def _selected(options: SafeString, value: str) -> SafeString:
    if not value:
        return options
    needle = f'value="{quote(value)}"'
    return mark_safe(options.replace(needle, f"{needle} selected", 1))


def _choices() -> dict[str, object]:
    zones = set(Person.objects.values_list("timezone", flat=True))
    return {
        "people": _people_options(),
        "teams": Team.objects.only("slug", "name"),
        "zones": sorted(zones | set(OnCallSchedule.objects.values_list("timezone", flat=True))),
    }


@login_required
def schedule_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Create or edit a schedule and its layers. Row buttons (add, remove, move a layer) post
    the form back and re-render it, so nothing typed is lost."""
    current = service.get_schedule(slug) if slug else None
    status = 200
    if request.method != "POST":
        data = specs.schedule_data(service.spec_of(current)) if current else None
        values = forms.schedule_form(data) if data else forms.schedule_values({})
        if not data:
            values |= {"timezone": request.viewer_zone.key, "layers": [dict(forms.BLANK_LAYER)]}  # type: ignore[attr-defined]
    else:
        values = forms.schedule_values(request.POST) | ({"id": slug} if slug else {})

        def save() -> str:
            item = forms.schedule_item(values)
            saved = service.save_schedule(item, editor=_editor(request), new=current is None)
            messages.success(request, f"Schedule {saved.name} saved.")
            return reverse("oncall:schedule", args=[saved.slug])

        done, status = _submit(request, values, "layers", forms.BLANK_LAYER, save)
        if done is not None:
            return done
    context = {"current": current, "values": values} | _choices()
    return render(request, "oncall/schedule_edit.html", context, status=status)


@login_required
def policy_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Create or edit an escalation policy: ordered steps, each with a wait."""
    current = policies.get_policy(slug) if slug else None
    status = 200
    if request.method != "POST":
        values = forms.policy_values({})
        values |= {"repeat": "0", "steps": [dict(forms.BLANK_STEP)]}
        if current is not None:
            data = specs.policy_data(policies.policy_spec(current))
            values = forms.policy_form(data | {"team": current.team.slug if current.team else ""})
    else:
        values = forms.policy_values(request.POST) | ({"id": slug} if slug else {})

        def save() -> str:
            item = forms.policy_item(values)
            saved = policies.save_policy(item, editor=_editor(request), new=current is None)
            messages.success(request, f"Escalation policy {saved.name} saved.")
            return reverse("oncall:setup")

        done, status = _submit(request, values, "steps", forms.BLANK_STEP, save)
        if done is not None:
            return done
    targets = _targets()
    for step in values["steps"]:
        step["options"] = _selected(targets, step.get("notify", ""))
    context = {"current": current, "values": values} | _choices()
    return render(request, "oncall/policy_edit.html", context, status=status)


def _targets() -> SafeString:
    groups = [
        ("On call", [(f"schedule:{x.slug}", f"On call: {x.name}") for x in service.schedules()]),
        (
            "Person",
            [(f"person:{slug}", name) for slug, name in Person.objects.values_list("slug", "name")],
        ),
        (
            "Whole team",
            [
                (f"team:{slug}", f"Everyone in {name}")
                for slug, name in Team.objects.values_list("slug", "name")
            ],
        ),
    ]
    return format_html_join(
        "", '<optgroup label="{}">{}</optgroup>', ((g, _options(pairs)) for g, pairs in groups)
    )


@login_required
def routes_edit(request: HttpRequest) -> HttpResponse:
    """Alert routes in order: the first whose matchers all match an alert's labels wins."""
    status = 200
    if request.method != "POST":
        values = forms.route_form([specs.route_data(r) for r in policies.route_specs()])
    else:
        values = forms.route_values(request.POST)

        def save() -> str:
            items, problems = forms.route_items(values)
            if problems:
                raise ValidationFailed(problems[0][1], field=problems[0][0], problems=problems)
            policies.set_routes(items, editor=_editor(request))
            messages.success(request, "Alert routes saved.")
            return reverse("oncall:setup")

        done, status = _submit(request, values, "routes", forms.BLANK_ROUTE, save)
        if done is not None:
            return done
    components = Component.objects.only("slug", "name")
    context = {"values": values, "components": components}
    return render(request, "oncall/routes_edit.html", context, status=status)


@login_required
def integration_new(request: HttpRequest) -> HttpResponse:
    """Staff add an alert source; its secret URL is shown once, right here."""
    values = {k: request.POST.get(k, "").strip() for k in ("id", "name", "kind", "team")}
    if request.method == "POST":
        try:
            require_owner(_editor(request), {None}, "integrations")
            found, secret = alerts.create_integration(
                values["id"], values["name"], values["kind"], values["team"] or None
            )
            context = {"integration": found, "url": alerts.intake_url(secret)}
            return render(request, "oncall/integration_created.html", context)
        except SunrelayError as exc:
            messages.error(request, describe(exc))
    return redirect("oncall:setup")


@login_required
def delete(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """POST only: delete a schedule or a policy."""
    if request.method != "POST":
        return redirect("oncall:setup")
    with flashed(request, f"Deleted {kind} {slug}."):
        if kind == "schedule":
            service.delete_schedule(slug, editor=_editor(request))
        else:
            policies.delete_policy(slug, editor=_editor(request))
    return redirect("oncall:setup")
