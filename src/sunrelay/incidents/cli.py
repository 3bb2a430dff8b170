"""``sunrelay incident``: declare, post a status update, move, resolve, list and show."""

from __future__ import annotations

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, handles_errors, out, print_json
from sunrelay.incidents import agreement  # noqa: F401  (the org file learns the incident keys)

incident_app = typer.Typer(no_args_is_help=True, help="Incidents: declare, update, resolve.")
AS = typer.Option(..., "--as", help="Person id of whoever does it.")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _show(pk: int, as_json: bool, message: str) -> None:
    from sunrelay.incidents import service
    from sunrelay.incidents.schemas import incident_json

    found = incident_json(service.get_incident(pk), detail=as_json)
    if as_json:
        print_json(found)
    else:
        out.print(message)


@incident_app.command("declare")
@handles_errors
def declare(
    title: str = typer.Argument(...),
    severity: str = typer.Option("SEV2", "--severity", "-s"),
    actor: str = AS,
    team: str = typer.Option("", "--team"),
    component: str = typer.Option("", "--component"),
    summary: str = typer.Option("", "--summary"),
    drill: bool = typer.Option(False, "--drill", help="An exercise: kept out of metrics."),
    group: int = typer.Option(0, "--alert-group", help="Declare from this alert group."),
    as_json: bool = JSON,
) -> None:
    """Declare an incident; its severity decides who is paged."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    found = service.declare(
        title,
        severity,
        people.get_person(actor),
        team=team or None,
        component=component or None,
        summary=summary,
        drill=drill,
        group=group or None,
    )
    _show(found.pk, as_json, f"Incident #{found.pk} declared ({found.severity}).")


@incident_app.command("update")
@handles_errors
def update(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    text: str = typer.Argument(...),
    actor: str = AS,
    state: str = typer.Option("", "--state", help="Also move to: mitigated, declared."),
    as_json: bool = JSON,
) -> None:
    """Post a status update (and optionally change the state)."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    me = people.get_person(actor)
    service.post_update(pk, text, me)
    if state:
        service.move(pk, state, me)
    _show(pk, as_json, f"Update posted on #{pk}.")


@incident_app.command("resolve")
@handles_errors
def resolve(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    actor: str = AS,
    note: str = typer.Option("", "--note"),
    as_json: bool = JSON,
) -> None:
    """Resolve: the postmortem is created and its due time set."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    service.move(pk, "resolved", people.get_person(actor), note)
    pm = service.get_incident(pk).postmortem
    _show(pk, as_json, f"#{pk} resolved; postmortem due {pm.due_at:%Y-%m-%d %H:%M} UTC.")


@incident_app.command("list")
@handles_errors
def list_incidents(state: str = typer.Option("", "--state"), as_json: bool = JSON) -> None:
    """Incidents, newest first."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.incidents.schemas import incident_json

    rows = [incident_json(i) for i in service.incidents(state or None)[:200]]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "sev", "state", "title", "commander", "declared")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["severity"] + (" drill" if r["drill"] else ""),
            r["state"],
            r["title"],
            r["roles"]["commander"] or "",
            r["declared_at"],
        )
    out.print(table)


@incident_app.command("show")
@handles_errors
def show(pk: int = typer.Argument(..., metavar="INCIDENT")) -> None:
    """The incident with its timeline, as JSON."""
    django_setup()
    _show(pk, True, "")
