"""``sunrelay access``: grants that expire, and credentials that must be rotated."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, handles_errors, out, print_json
from sunrelay.core.permissions import OPERATOR, Actor

if TYPE_CHECKING:
    from sunrelay.access.models import Grant

access_app = typer.Typer(no_args_is_help=True, help="Access grants that expire; rotations.")
JSON = typer.Option(False, "--json", help="Print JSON.")
AS = typer.Option(None, "--as", help="Person id of whoever does it (none: an operator).")


def _actor(who: str | None) -> Actor:
    return Actor(who) if who else OPERATOR


def _show(grant: Grant, as_json: bool) -> None:
    from sunrelay.access.schemas import grant_json

    found = grant_json(grant, events=True)
    if as_json:
        print_json(found)
        return
    expires = f", until {found['expires_at']}" if found["expires_at"] else ""
    out.print(
        f"grant {found['id']}: {found['person']} {found['role']} on {found['system']}: "
        f"{found['state']}{expires}",
        markup=False,
    )


@access_app.command("request")
@handles_errors
def request(
    system: str = typer.Argument(...),
    role: str = typer.Argument(...),
    person: str = typer.Option(..., "--person"),
    reason: str = typer.Option(..., "--reason", help="Why it is needed."),
    days: int = typer.Option(..., "--days", help="How long, at most the role's longest."),
    team: str = typer.Option("", "--team", help="Granted for work in this team."),
    who: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Ask for a role on a system for someone, for a number of days."""
    django_setup()
    from sunrelay.access import service

    found = service.request_grant(
        system, role, person, reason, days, team=team or None, by=_actor(who)
    )
    _show(found, as_json)


@access_app.command("approve")
@handles_errors
def approve(grant: int = typer.Argument(...), who: str | None = AS, as_json: bool = JSON) -> None:
    """Approve a request (never one's own): the grant starts now and expires on its own."""
    django_setup()
    from sunrelay.access import service

    _show(service.approve(grant, _actor(who)), as_json)


@access_app.command("deny")
@handles_errors
def deny(
    grant: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    who: str | None = AS,
    as_json: bool = JSON,
) -> None:
    django_setup()
    from sunrelay.access import service

    _show(service.deny(grant, reason, _actor(who)), as_json)


@access_app.command("revoke")
@handles_errors
def revoke(
    grant: int = typer.Argument(...),
    reason: str = typer.Option("", "--reason"),
    who: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """End a grant early: the system's revoke hook is called through the outbox."""
    django_setup()
    from sunrelay.access import service

    _show(service.revoke(grant, reason, _actor(who)), as_json)


@access_app.command("list")
@handles_errors
def list_grants(
    person: str = typer.Option("", "--person"),
    system: str = typer.Option("", "--system"),
    state: str = typer.Option("", "--state"),
    as_json: bool = JSON,
) -> None:
    """Who had what, when: the register of grants, newest first."""
    django_setup()
    from sunrelay.access import service
    from sunrelay.access.schemas import grant_json

    found = [grant_json(g) for g in service.grants(person=person, system=system, state=state)]
    if as_json:
        print_json(found)
        return
    table = Table("id", "person", "system", "role", "state", "granted", "expires", "approver")
    for g in found:
        table.add_row(
            str(g["id"]), g["person_name"], g["system"], g["role"], g["state"],
            (g["granted_at"] or "")[:16], (g["expires_at"] or "")[:16], g["approver"] or "",
        )  # fmt: skip
    out.print(table)


@access_app.command("rotated")
@handles_errors
def rotated(
    system: str = typer.Argument(...), credential: str = typer.Argument(...), who: str | None = AS
) -> None:
    """Record that a long-lived credential was rotated now."""
    django_setup()
    from sunrelay.access import service

    found = service.record_rotation(system, credential, _actor(who))
    out.print(f"{system}/{credential} rotated; next due {service.due_rotation(found):%Y-%m-%d}")
