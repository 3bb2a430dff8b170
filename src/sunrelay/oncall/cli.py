"""``sunrelay oncall``: who is on call, the final shifts and their gaps (from the hub or
straight from an org file), overrides, fairness, alert integrations and acknowledgements."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, fail, handles_errors, out, print_json
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.oncall import orgfile, roster
from sunrelay.people.orgfile import OrgFileInvalid
from sunrelay.people.sources import read_source
from sunrelay.worktime import epoch

oncall_app = typer.Typer(no_args_is_help=True, help="On-call schedules, overrides and alerts.")

ORG = typer.Option(None, "--org", help="Answer from this org file; no database needed.")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _instant(text: str | None, field: str) -> datetime:
    return clock.read_instant(text, field, default_now=True)


def _roster(schedule: str, start: datetime, end: datetime, org: Path | None) -> roster.Roster:
    if org is not None:
        try:
            spec, _ = read_source([str(org)])
        except OrgFileInvalid as exc:
            raise fail(f"{org} is not valid:\n" + "\n".join(map(str, exc.problems))) from None
        if end <= start:
            raise ValidationFailed("'to' must be after 'from'", field="to")
        return orgfile.roster_from_file(spec, schedule, epoch(start), epoch(end))
    django_setup()
    from sunrelay.oncall import queries, service

    return queries.compute(service.get_schedule(schedule), start, end)


AHEAD = timedelta(days=7)


@oncall_app.command("who")
@handles_errors
def who(
    schedule: str = typer.Argument(...),
    at: str = typer.Option("", "--at", help="ISO-8601 instant; default now."),
    org: Path | None = ORG,
    as_json: bool = JSON,
) -> None:
    """Who is on call for SCHEDULE at an instant."""
    when = _instant(at, "at")
    found = _roster(schedule, when, when + AHEAD, org)  # a week: how long anyone away is out
    result = roster.who_json(schedule, found, epoch(when))
    if as_json:
        print_json(result)
        return
    people = ", ".join(result["on_call"]) or "nobody (a gap in the schedule)"
    out.print(f"{schedule} at {result['at']}: {people}")
    for x in found.away_at(epoch(when)):
        out.print(f"[yellow]away[/yellow] {roster.away_text(x)}")


@oncall_app.command("shifts")
@handles_errors
def shifts(
    schedule: str = typer.Argument(...),
    start: str = typer.Option(..., "--from", help="ISO-8601 instant."),
    end: str = typer.Option(..., "--to", help="ISO-8601 instant."),
    org: Path | None = ORG,
    as_json: bool = JSON,
) -> None:
    """The final shifts of SCHEDULE (layers and overrides applied) and its gaps."""
    a, b = _instant(start, "from"), _instant(end, "to")
    found = _roster(schedule, a, b, org)
    result = roster.roster_json(schedule, found, epoch(a), epoch(b))
    if as_json:
        print_json(result)
        return
    table = Table("start", "end", "person", "layer")
    for s in result["shifts"]:
        table.add_row(s["start"], s["end"], s["person"], s["layer"])
    out.print(table)
    for g in result["gaps"]:
        out.print(f"[yellow]gap[/yellow] {g['start']} → {g['end']}: nobody on call")
    for x in found.away:
        out.print(f"[yellow]away[/yellow] {roster.away_text(x)}")


@oncall_app.command("override")
@handles_errors
def override(
    schedule: str = typer.Argument(...),
    person: str = typer.Option(..., "--person", help="Who covers."),
    start: str = typer.Option(..., "--from", help="ISO-8601 instant."),
    end: str = typer.Option(..., "--to", help="ISO-8601 instant."),
    replaces: str = typer.Option("", "--replaces", help="Cover only this person's time."),
    reason: str = typer.Option("", "--reason"),
    as_json: bool = JSON,
) -> None:
    """Let PERSON cover SCHEDULE (or just someone's time in it) for a span."""
    django_setup()
    from sunrelay.oncall import service
    from sunrelay.oncall.schemas import override_json

    found = service.add_override(
        schedule,
        person,
        _instant(start, "from"),
        _instant(end, "to"),
        replaces=replaces or None,
        reason=reason,
    )
    if as_json:
        print_json(override_json(found))
        return
    whom = f" for {replaces}" if replaces else ""
    out.print(f"Override {found.pk}: {person} covers {schedule}{whom} until {end}.")


@oncall_app.command("fairness")
@handles_errors
def fairness(
    schedule: str = typer.Argument(...),
    start: str = typer.Option(..., "--from"),
    end: str = typer.Option(..., "--to"),
    as_json: bool = JSON,
) -> None:
    """On-call hours per person and month, how many fell outside their working hours."""
    django_setup()
    from sunrelay.oncall import queries
    from sunrelay.oncall.schemas import fairness_json

    result = fairness_json(queries.fairness(schedule, _instant(start, "from"), _instant(end, "to")))
    if as_json:
        print_json(result)
        return
    table = Table("month", "person", "hours", "outside hours")
    for x in result["loads"]:
        table.add_row(x["month"], x["person"], f"{x['hours']:g}", f"{x['outside_hours']:g}")
    out.print(table)
    for warning in result["warnings"]:
        out.print(f"[yellow]warning:[/yellow] {warning}")


@oncall_app.command("now")
@handles_errors
def now(as_json: bool = JSON) -> None:
    """Who holds every schedule right now, with their local time."""
    django_setup()
    from sunrelay.oncall import queries
    from sunrelay.oncall.schemas import now_json

    rows = [now_json(r) for r in queries.on_call_now()]
    if as_json:
        print_json(rows)
        return
    table = Table("schedule", "on call", "until")
    for r in rows:
        people = ", ".join(f"{p['name']} ({p['local_time']})" for p in r["on_call"])
        table.add_row(r["name"], people or "[yellow]nobody[/yellow]", r["until"] or "")
    out.print(table)


@oncall_app.command("integration")
@handles_errors
def integration(
    ident: str = typer.Argument(..., metavar="ID"),
    kind: str = typer.Option("alertmanager", "--kind", help="alertmanager or generic"),
    name: str = typer.Option("", "--name"),
    team: str = typer.Option("", "--team", help="Who gets alerts that no route claims."),
    rotate: bool = typer.Option(False, "--rotate", help="Replace an existing one's secret URL."),
) -> None:
    """Create an alert integration (or --rotate its secret) and print its intake URL, shown
    once."""
    django_setup()
    from sunrelay.oncall import alerts

    if rotate:
        out.print(f"{ident}: the old address stops working now; post webhooks to")
        out.print(alerts.intake_url(alerts.rotate_secret(ident)))
        return
    found, secret = alerts.create_integration(ident, name or ident, kind, team or None)
    out.print(f"{found.name}: post {kind} webhooks to")
    out.print(alerts.intake_url(secret))


@oncall_app.command("alerts")
@handles_errors
def list_alerts(
    state: str = typer.Option("", "--state", help="firing, acknowledged or resolved"),
    as_json: bool = JSON,
) -> None:
    """Alert groups, newest first."""
    django_setup()
    from sunrelay.oncall import alerts
    from sunrelay.oncall.schemas import group_json

    rows = [group_json(g) for g in alerts.groups(state or None)[:200]]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "state", "title", "team", "opened")
    for r in rows:
        table.add_row(str(r["id"]), r["state"], r["title"], r["team"] or "", r["created_at"])
    out.print(table)


@oncall_app.command("ack")
@handles_errors
def ack(
    group: int = typer.Argument(...),
    person: str = typer.Option(..., "--as", help="Person id."),
    resolve: bool = typer.Option(False, "--resolve", help="Resolve instead of acknowledge."),
) -> None:
    """Acknowledge (or --resolve) an alert group."""
    django_setup()
    from sunrelay.oncall import alerts
    from sunrelay.people import service as people

    who_ = people.get_person(person)
    found = alerts.resolve(group, who_) if resolve else alerts.acknowledge(group, who_)
    out.print(f"Alert group {found.pk} is {found.state}.")
