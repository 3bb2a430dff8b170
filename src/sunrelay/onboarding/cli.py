"""``sunrelay onboarding``: start a programme, see how far along it is, tick an item."""

from __future__ import annotations

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, handles_errors, out, print_json

onboarding_app = typer.Typer(no_args_is_help=True, help="Onboarding programmes.")
JSON = typer.Option(False, "--json", help="Print JSON.")
AS = typer.Option(None, "--as", help="Person id of whoever does it (none: an operator).")


def _by(who: str | None):
    from sunrelay.core.permissions import OPERATOR, Actor

    return Actor(who) if who else OPERATOR


def _show(person: str, as_json: bool) -> None:
    from sunrelay.onboarding import service
    from sunrelay.onboarding.schemas import status_json

    found = status_json(service.status(person))
    if as_json:
        print_json(found)
        return
    out.print(
        f"{found['person']} ({found['team']}): day {found['day']}, {found['done']} of "
        f"{found['total']} done; buddies: tech {found['tech_buddy'] or '—'}, culture "
        f"{found['culture_buddy'] or '—'}{'' if found['buddies_confirmed'] else ' (suggested)'}",
        markup=False,
    )
    table = Table("id", "when", "item", "due", "done")
    for i in found["items"]:
        done = (i["evidence"] or "done") if i["done_at"] else ("overdue" if i["escalated"] else "")
        table.add_row(str(i["id"]), i["kind"], i["text"], i["due"], done)
    out.print(table)


@onboarding_app.command("start")
@handles_errors
def start(
    person: str = typer.Argument(...),
    team: str = typer.Option("", "--team", help="Default: their first team."),
    who: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Start a programme from the person's start date, with their team's template."""
    django_setup()
    from sunrelay.onboarding import service

    service.start(person, team or None, _by(who))
    _show(person, as_json)


@onboarding_app.command("status")
@handles_errors
def status(person: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """How far along a programme is, item by item."""
    django_setup()
    _show(person, as_json)


@onboarding_app.command("tick")
@handles_errors
def tick(
    item: int = typer.Argument(..., help="The item's id (sunrelay onboarding status)."),
    evidence: str = typer.Option("", "--evidence", help="A link or a line saying what shows it."),
    who: str | None = AS,
) -> None:
    django_setup()
    from sunrelay.onboarding import service

    done = service.tick(item, _by(who), evidence)
    out.print(f"done: {done.text}", markup=False)
