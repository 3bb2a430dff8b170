"""``sunrelay health``: operating states and the nine-question diagnostic."""

from __future__ import annotations

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, handles_errors, out, print_json

health_app = typer.Typer(no_args_is_help=True, help="Organisation health: states, diagnostic.")
JSON = typer.Option(False, "--json", help="Print JSON.")


@health_app.command("state")
@handles_errors
def state(
    team: str = typer.Option("", "--team"),
    week: str = typer.Option("", "--week", help="YYYY-Www; default: this week."),
    as_json: bool = JSON,
) -> None:
    """Each team's operating state for a week, with the signals behind it."""
    django_setup()
    from sunrelay.health import service
    from sunrelay.health.schemas import state_json

    found = [state_json(row) for row in service.states(team or None, week or None)]
    if as_json:
        print_json(found)
        return
    table = Table("team", "week", "state", "since", "why")
    for row in found:
        table.add_row(
            row["team"], row["week"], row["state"], row["since"], "; ".join(row["reasons"])
        )
    out.print(table)


@health_app.command("diagnose")
@handles_errors
def diagnose(team: str = typer.Option("", "--team"), as_json: bool = JSON) -> None:
    """Seed 004's nine questions, answered from the record; the missing ones named."""
    django_setup()
    from sunrelay.health import diagnose as diagnostic
    from sunrelay.health.schemas import diagnosis_json
    from sunrelay.people import service as people
    from sunrelay.people.models import Team

    teams = [people.get_team(team)] if team else list(Team.objects.order_by("slug"))
    found = [diagnosis_json(t.slug, diagnostic.diagnose(t)) for t in teams]
    if as_json:
        print_json(found if not team else found[0])
        return
    for item in found:
        answered = sum(q["answered"] for q in item["questions"])
        out.print(f"{item['team']}: {answered} of 9 answered", markup=False)
        for q in item["questions"]:
            if not q["answered"]:
                out.print(f"  - {q['id']}: {q['missing']}", markup=False)
