"""``sunrelay org|people|absence``: the directory from the command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, err, fail, handles_errors, out, print_json
from sunrelay.core import clock
from sunrelay.people.orgfile import OrgFileInvalid, gaps
from sunrelay.people.sources import read_source
from sunrelay.worktime import describe_week

org_app = typer.Typer(no_args_is_help=True, help="Organisation as code: org.yaml and Backstage.")
people_app = typer.Typer(no_args_is_help=True, help="People in the directory.")
absence_app = typer.Typer(no_args_is_help=True, help="Absences (out of office).")

FORMAT = typer.Option("auto", "--format", help="auto, org or backstage.")


def _read(paths: list[str], fmt: str):  # -> tuple[OrgSpec, list[str]]
    try:
        spec, notes = read_source(paths, fmt)
    except OrgFileInvalid as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        raise typer.Exit(1) from None
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    for note in notes:
        err.print(f"[yellow]note:[/yellow] {note}")
    return spec, notes


@org_app.command("lint")
def lint(
    files: list[str] = typer.Argument(..., help="org.yaml, or Backstage catalog files/folders."),
    fmt: str = FORMAT,
) -> None:
    """Check a directory file; print FILE:LINE: PATH: MESSAGE for each problem (exit 1), then
    a warning for each ownership gap (which does not fail the file)."""
    spec, _ = _read(files, fmt)
    found = gaps(spec)
    out.print(
        f"{', '.join(files)}: ok ({len(spec.people)} people, {len(spec.teams)} teams, "
        f"{len(spec.components)} components, {len(spec.absences)} absences)"
        + (f"; {len(found)} warning{'' if len(found) == 1 else 's'}" if found else "")
    )
    for where, what in found:
        err.print(f"[yellow]warning:[/yellow] {where} {what}", highlight=False)


@org_app.command("import")
@handles_errors
def import_(
    files: list[str] = typer.Argument(..., help="org.yaml, or Backstage catalog files/folders."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would change; change nothing."
    ),
    fmt: str = FORMAT,
) -> None:
    """Make the directory match the file, all or nothing; print what changes."""
    spec, _ = _read(files, fmt)
    django_setup()
    from sunrelay.people import service

    with out.status("Importing…"):
        report = service.import_org(spec, dry_run=dry_run, source=", ".join(files))
    for line in report.lines():
        out.print(line, markup=False)
    verb = "would change" if dry_run else "changed"
    total = len(report.created) + len(report.updated) + len(report.removed)
    out.print(
        f"{verb}: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.removed)} removed"
        if total
        else "no changes"
    )


@org_app.command("export")
@handles_errors
def export(
    fmt: str = typer.Option("org", "--format", help="org or backstage."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
    adr_location: str = typer.Option(
        "",
        "--adr-location",
        help="Backstage: where components' decision records live (a path or URL), for "
        "components without an 'ADRs' link.",
    ),
) -> None:
    """Write the directory as org.yaml (or a Backstage catalog)."""
    django_setup()
    from sunrelay.integrations.backstage import write_catalog
    from sunrelay.people import orgfile, service

    if fmt not in ("org", "backstage"):
        raise fail("--format must be org or backstage", 2)
    spec = service.export_org()
    if fmt == "org":
        text = orgfile.dump(spec)
    else:
        text = write_catalog(spec, adr_location=adr_location or None)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


@people_app.command("list")
@handles_errors
def list_people(
    search: str = typer.Option("", "--search", "-s", help="Match id, name, email or zone."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Everyone in the directory."""
    django_setup()
    from sunrelay.people.queries import search_people

    rows: list[dict[str, Any]] = [
        {
            "id": p.slug,
            "name": p.name,
            "email": p.email,
            "timezone": p.timezone,
            "working_hours": p.working_hours,
        }
        for p in search_people(search)
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "time zone", "working hours (local)")
    for r in rows:
        table.add_row(r["id"], r["name"], r["timezone"], describe_week(r["working_hours"]))
    out.print(table if rows else "Nobody matches.")


@people_app.command("show")
@handles_errors
def show_person(person: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One person, with teams and upcoming absences."""
    django_setup()
    from dataclasses import asdict

    from sunrelay.people import service

    found = service.get_person(person)
    info = {
        **asdict(found.spec()),
        "workdays": found.spec().workdays,
        "teams": sorted(t.slug for t in found.teams.all()),
        "absences": [
            {"id": a.pk, "from": a.start.isoformat(), "to": a.end.isoformat(), "reason": a.reason}
            for a in found.absences.filter(end__gte=clock.now().date())
        ],
    }
    if as_json:
        print_json(info)
        return
    for key, value in info.items():
        out.print(f"[bold]{key}[/bold]: {value}", markup=True)


@absence_app.command("add")
@handles_errors
def add_absence(
    person: str,
    first: str = typer.Argument(..., metavar="FROM", help="First day away (YYYY-MM-DD)."),
    last: str = typer.Argument(..., metavar="TO", help="Last day away (YYYY-MM-DD)."),
    reason: str = typer.Option("", "--reason"),
) -> None:
    """Record an absence (inclusive local dates)."""
    django_setup()
    from sunrelay.core.errors import ValidationFailed
    from sunrelay.people import service

    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise ValidationFailed("dates must look like 2026-12-21", field="from/to") from None
    absence = service.add_absence(person, start, end, reason, source="cli")
    out.print(f"added absence {absence.pk}: {person} away {start} to {end}")


@absence_app.command("list")
@handles_errors
def list_absences(
    person: str | None = typer.Option(None, "--person"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Absences, soonest first."""
    django_setup()
    from sunrelay.people.models import Absence

    found = Absence.objects.select_related("person")
    if person:
        found = found.filter(person__slug=person)
    rows: list[dict[str, Any]] = [
        {
            "id": a.pk,
            "person": a.person.slug,
            "from": a.start.isoformat(),
            "to": a.end.isoformat(),
            "reason": a.reason,
            "source": a.source,
        }
        for a in found
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "person", "from", "to", "reason", "source")
    for r in rows:
        table.add_row(str(r["id"]), r["person"], r["from"], r["to"], r["reason"], r["source"])
    out.print(table if rows else "No absences.")


@absence_app.command("remove")
@handles_errors
def remove_absence(absence_id: int) -> None:
    """Delete an absence by id."""
    django_setup()
    from sunrelay.people import service

    service.delete_absence(absence_id)
    out.print(f"removed absence {absence_id}")


@absence_app.command("import-ics")
@handles_errors
def import_ics(person: str, file: Path) -> None:
    """Import absences from an out-of-office calendar (.ics); re-importing changes nothing."""
    django_setup()
    from sunrelay.core.errors import ValidationFailed
    from sunrelay.people import service

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ValidationFailed(f"cannot read {file}: {exc.strerror}", field="file") from None
    report = service.import_absences_ics(person, data)
    for line in report.lines():
        out.print(line, markup=False)
    for note in report.notes:
        err.print(f"note: {note}", markup=False)
    out.print(f"{len(report.created)} created, {len(report.updated)} updated")
