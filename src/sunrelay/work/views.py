"""The hub's work pages: the portfolio, a team's board, an initiative, a signal, the
migration board; forms post to the same service functions as the API and the CLI."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from sunrelay.core.errors import ValidationFailed
from sunrelay.core.flash import flashed
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import actor_for_user
from sunrelay.work import capacity, queries, service, transfer, valves, workfile

HERE = {"here": "work"}


def _date(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"{text[:20]!r} is not a date like 2026-12-31", field=field
        ) from None


def _ids(text: str, field: str) -> list[int]:
    try:
        return [int(x.lstrip("#")) for x in text.replace(",", " ").split()]
    except ValueError:
        raise ValidationFailed("list numbers, e.g. 12 15", field=field) from None


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    context = {
        **HERE,
        "rows": queries.portfolio(),
        "signals": capacity.open_signals(),
        "teams": Team.objects.order_by("name"),
    }
    return render(request, "work/portfolio.html", context)


@login_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    team = people.get_team(slug)
    found = queries.board(team)
    context = {
        **HERE,
        "board": found,
        "outcomes": {s.pk: capacity.outcome(s) for s in found.signals},
        # the team's own people: a select of the whole directory is 5,000 options
        "people": Person.objects.filter(Q(teams=team) | Q(leads=team))
        .distinct()
        .order_by("name")
        .only("slug", "name"),
    }
    return render(request, "work/board.html", context)


@login_required
def initiative(request: HttpRequest, pk: int) -> HttpResponse:
    found = service.get_initiative(pk)
    positions = queries.queue_positions(found.team) if found.state == "queued" else {}
    context = {
        **HERE,
        "i": found,
        "position": positions.get(found.pk),
        "rules": service.rules_for(found.team),
        "events": found.events.select_related("actor"),
        "criteria": found.criteria.all(),
        "progress": found.progress.select_related("team", "component"),
    }
    return render(request, "work/initiative.html", context)


@login_required
def migrations(request: HttpRequest) -> HttpResponse:
    return render(request, "work/migrations.html", {**HERE, "migrations": queries.migrations()})


@login_required
def signal(request: HttpRequest, pk: int) -> HttpResponse:
    found = capacity.get_signal(pk)
    context = {
        **HERE,
        "s": found,
        "outcome": capacity.outcome(found),
        "asks": found.asks.select_related("person"),
        "active": service.active_of(found.team),
    }
    return render(request, "work/signal.html", context)


def team_section(team: Team) -> SafeString:
    """The team page's part about work: the agreement and the board in one line each."""
    context = {"board": queries.board(team)}
    return SafeString(render_to_string("work/_team_section.html", context))


@login_required
def export(request: HttpRequest) -> HttpResponse:
    answer = HttpResponse(workfile.dump(transfer.export()), content_type="application/yaml")
    answer["Content-Disposition"] = 'attachment; filename="work.yaml"'
    return answer


# -- writes -------------------------------------------------------------------------------------


@login_required
@require_POST
def add(request: HttpRequest, slug: str) -> HttpResponse:
    p = request.POST
    with flashed(request, "Initiative proposed.") as outcome:
        draft = service.Draft(
            title=p.get("title", ""),
            team=slug,
            dri=p.get("dri", ""),
            klass=p.get("class") or None,
            target=_date(p.get("target", ""), "target"),
            criteria=[line for line in p.get("criteria", "").splitlines() if line.strip()],
            people=p.getlist("people"),
        )
        made = service.add_initiative(draft, actor_for_user(request.user))
    return (
        redirect("work:initiative", pk=made.pk)
        if outcome.done
        else redirect("work:board", slug=slug)
    )


MAX_FILE = 2 * 1024 * 1024


@login_required
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    with flashed(request) as outcome:
        if upload is None or (upload.size or 0) > MAX_FILE:
            raise ValidationFailed("choose a work file of at most 2 MiB", field="file")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed("the file is not UTF-8 text", field="file") from None
        entries = transfer.parse_checked(text, upload.name or "work.yaml")
        report = transfer.apply(entries, actor_for_user(request.user))
    if outcome.done:
        messages.success(request, f"{report.created} created, {report.updated} updated.")
    return redirect("work:portfolio")


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    verb = request.POST.get("move", "")
    actor, reason = actor_for_user(request.user), request.POST.get("reason", "")
    with flashed(request):
        if verb == "start":
            found = service.start(pk, actor, reason=reason, force=bool(request.POST.get("force")))
        elif verb in ("pause", "finish", "drop"):
            found = getattr(service, verb)(pk, actor, reason=reason)
        else:
            raise ValidationFailed("choose start, pause, finish or drop", field="move")
        messages.success(request, f"#{pk} is now {found.state}.")
    return redirect("work:initiative", pk=pk)


@login_required
@require_POST
def criterion(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    waive = request.POST.get("waive")
    with flashed(request, "Criterion waived." if waive is not None else "Criterion met."):
        service.settle_criterion(pk, position, actor_for_user(request.user), waive=waive)
    return redirect("work:initiative", pk=pk)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    with flashed(request, "Assigned."):
        service.assign(pk, request.POST.get("person", ""), actor_for_user(request.user))
    return redirect("work:initiative", pk=pk)


@login_required
@require_POST
def add_criterion(request: HttpRequest, pk: int) -> HttpResponse:
    with flashed(request, "Criterion added."):
        service.add_criterion(pk, request.POST.get("text", ""), actor_for_user(request.user))
    return redirect("work:initiative", pk=pk)


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    with flashed(request, "Linked."):
        service.link(
            pk,
            actor_for_user(request.user),
            decisions=_ids(p.get("decisions", ""), "decisions"),
            depends_on=_ids(p.get("depends_on", ""), "depends_on"),
            components=p.get("components", "").replace(",", " ").split(),
            items=_ids(p.get("items", ""), "items"),
        )
    return redirect("work:initiative", pk=pk)


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    where = p.get("where", "")
    kind, _, slug = where.partition(":")
    with flashed(request, "Progress saved."):
        service.set_progress(
            pk,
            actor_for_user(request.user),
            team=slug if kind == "team" else None,
            component=slug if kind == "component" else None,
            state=p.get("state", ""),
            note=p.get("note", ""),
        )
    return redirect("work:initiative", pk=pk)


@login_required
@require_POST
def target(request: HttpRequest, pk: int) -> HttpResponse:
    with flashed(request, "Target moved."):
        when = _date(request.POST.get("target", ""), "target")
        service.move_target(
            pk, when, actor_for_user(request.user), reason=request.POST.get("reason", "")
        )
    return redirect("work:initiative", pk=pk)


@login_required
@require_POST
def raise_signal(request: HttpRequest, slug: str) -> HttpResponse:
    with flashed(request, "Signal sent to the team's responders.") as outcome:
        made = capacity.raise_signal(
            slug, actor_for_user(request.user), request.POST.get("note", "")
        )
    return (
        redirect("work:signal", pk=made.pk) if outcome.done else redirect("work:board", slug=slug)
    )


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    with flashed(request, "Answered."):
        capacity.respond(
            pk,
            actor_for_user(request.user),
            p.get("response", ""),
            shed=_ids(p.get("shed", ""), "shed") if p.get("response") == "shed" else [],
            until=_date(p.get("until", ""), "until"),
            note=p.get("note", ""),
        )
    return redirect("work:signal", pk=pk)


@login_required
@require_POST
def valve(request: HttpRequest, slug: str, name: str, verb: str) -> HttpResponse:
    actor, why = actor_for_user(request.user), request.POST.get("why", "")
    with flashed(request):
        if verb == "open":
            opening = valves.open_valve(slug, name, actor, why=why)
        elif verb == "close":
            opening = valves.close(slug, name, actor, why=why)
        else:
            raise ValidationFailed("open or close", field="move")
        opening.refresh_from_db()
        messages.success(request, f"Valve {name}: {opening.state}.")
    return redirect("work:board", slug=slug)
