"""``sunrelay adr``: decision records in a folder, the way adr-tools works, and in the hub.

``list``, ``lint``, ``new``, ``supersede`` and ``index`` work on a folder alone, with no
database; ``import`` and ``export`` move records between a folder and the hub.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, err, fail, handles_errors, out, print_json
from sunrelay.core import clock
from sunrelay.decisions import folder

adr_app = typer.Typer(no_args_is_help=True, help="Decision records (ADRs) in folders and the hub.")

DIR = typer.Argument(None, help="The records folder (default: from .adr-dir, else doc/adr).")
DIR_OPTION = typer.Option(None, "--dir", help="The records folder (default: .adr-dir or doc/adr).")


def _dir(path: Path | None) -> Path:
    directory = path or folder.find_dir()
    if not directory.is_dir():
        raise fail(f"{directory} is not a folder", 1)
    return directory


@adr_app.command("list")
def list_records(directory: Path = DIR, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every record in the folder: number, title, status, date, file and links."""
    docs = folder.read(_dir(directory))
    if as_json:
        print_json([folder.as_json(d) for d in docs])
        return
    table = Table("#", "title", "status", "date", "file")
    for d in docs:
        status = d.status or f"? {d.status_text}"
        table.add_row(str(d.number), d.title, status, d.date.isoformat() if d.date else "", d.file)
    out.print(table)


@adr_app.command("lint")
def lint(directory: Path = DIR) -> None:
    """Problems as FILE:LINE: MESSAGE; exit 1 when there is any."""
    where = _dir(directory)
    problems = folder.lint(folder.read(where))
    problems += [
        folder.Problem(name, 1, "a symbolic link: Sunrelay does not follow links, so skipped")
        for name in folder.links(where)
    ]
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        err.print(f"{len(problems)} problem(s)")
        raise typer.Exit(1)
    err.print("no problems")


@adr_app.command("new")
def new(
    title: str,
    directory: Path = DIR_OPTION,
    status: str = typer.Option("Accepted", help="The status line (adr-tools writes Accepted)."),
) -> None:
    """Write the next-numbered record from the folder's own template; print its path."""
    if not title.strip():
        raise fail("title: a record needs a title", 2)
    path = folder.new_record(
        directory or folder.find_dir(), title, today=clock.now().date(), status=status
    )
    typer.echo(str(path))


@adr_app.command("supersede")
def supersede(number: int, title: str, directory: Path = DIR_OPTION) -> None:
    """A new record superseding NUMBER; both files get their link line."""
    try:
        path = folder.supersede(_dir(directory), number, title, today=clock.now().date())
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    typer.echo(str(path))


@adr_app.command("index")
def index(
    directory: Path = DIR,
    name: str = typer.Option("index.md", "--file", help="Index file inside the folder."),
) -> None:
    """Write or update the index table (number, title, status, date)."""
    typer.echo(str(folder.write_index(_dir(directory), name)))


@adr_app.command("import")
@handles_errors
def import_(
    directory: Path = DIR,
    log: str = typer.Option("main", help="The decision log to import into."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report, change nothing."),
) -> None:
    """Make the hub's records match the folder (idempotent, all or nothing)."""
    path = _dir(directory)
    django_setup()
    from sunrelay.decisions import sync

    report = sync.import_folder(path, log=log, dry_run=dry_run)
    verb = "would import" if dry_run else "imported"
    _show(
        [f"+ {x}" for x in report.created] + [f"~ {x}" for x in report.updated],
        report.notes,
        f"{verb}: {len(report.created)} new, {len(report.updated)} changed, "
        f"{report.unchanged} unchanged",
    )


@adr_app.command("export")
@handles_errors
def export(
    directory: Path = typer.Argument(..., help="The folder to write."),
    log: str = typer.Option("main", help="The decision log to export."),
    fmt: str = typer.Option("", "--format", help="adr-tools or madr (default: each record's own)."),
) -> None:
    """Write one file per record; unchanged imported records are written exactly as read."""
    if fmt not in ("", "adr-tools", "madr"):
        raise fail(f"--format: unknown format {fmt!r}; use adr-tools or madr", 2)
    django_setup()
    from sunrelay.decisions import sync

    report = sync.export_folder(directory, log=log, fmt=fmt)
    _show(
        [f"wrote {x}" for x in report.written],
        report.notes,
        f"{len(report.written)} written, {report.unchanged} already up to date",
    )


def _show(lines: list[str], notes: list[str], summary: str) -> None:
    for line in lines:
        out.print(line)
    for note in notes:
        err.print(f"[yellow]note:[/yellow] {note}")
    out.print(summary)


# -- records in the hub: review, verdicts, moves, comments ---------------------------------------

decision_app = typer.Typer(
    no_args_is_help=True, help="Decision records in the hub: review, verdicts, status, comments."
)
AS = typer.Option(..., "--as", help="Person id of whoever does it (with their rights).")
JSON = typer.Option(False, "--json", help="Print the record as the API returns it.")


def _print_record(pk: int, as_json: bool, said: str) -> None:
    from sunrelay.core.removal import LEFT
    from sunrelay.decisions import queries

    found = queries.record_detail(pk)
    if as_json:
        print_json(found)
        return
    out.print(said)
    out.print(f"{found['label']} {found['title']}: {found['status']} (DRI {found['dri']})")
    table = Table("reviewer", "state", "due")
    for r in found["reviewers"]:
        due = r["due_at"].isoformat() if r["due_at"] else ""
        table.add_row(r["person"] or LEFT, r["state"] + (" (overdue)" if r["overdue"] else ""), due)
    if found["reviewers"]:
        out.print(table)


@decision_app.command("show")
@handles_errors
def show(pk: int = typer.Argument(..., metavar="RECORD"), as_json: bool = JSON) -> None:
    """A record with its reviewers and timeline."""
    django_setup()
    _print_record(pk, as_json, "")


@decision_app.command("review")
@handles_errors
def request_review(
    pk: int = typer.Argument(..., metavar="RECORD"),
    reviewer: list[str] = typer.Option([], "--reviewer", "-r", help="A person (repeatable)."),
    team: list[str] = typer.Option([], "--team", "-t", help="Every member of a team."),
    actor: str = AS,
    as_json: bool = JSON,
) -> None:
    """Propose a draft: each reviewer gets a deadline in their own working time."""
    django_setup()
    from sunrelay.decisions import review

    review.request_review(pk, actor, reviewers=reviewer, teams=team)
    _print_record(pk, as_json, "Review requested.")


@decision_app.command("verdict")
@handles_errors
def verdict(
    pk: int = typer.Argument(..., metavar="RECORD"),
    given: str = typer.Argument(..., metavar="VERDICT", help="approved or changes_requested"),
    body: str = typer.Option("", "--body", help="What should change (needed to object)."),
    actor: str = AS,
    as_json: bool = JSON,
) -> None:
    """Give your review: approved, or changes_requested with a --body."""
    django_setup()
    from sunrelay.core.errors import ValidationFailed
    from sunrelay.decisions import review

    if given in ("approved", "approve"):
        review.approve(pk, actor, body)
    elif given in ("changes_requested", "request_changes"):
        review.request_changes(pk, actor, body)
    else:
        raise ValidationFailed("must be approved or changes_requested", field="verdict")
    _print_record(pk, as_json, "Verdict recorded.")


@decision_app.command("move")
@handles_errors
def move(
    pk: int = typer.Argument(..., metavar="RECORD"),
    status: str = typer.Argument(..., help="accepted, rejected, deprecated, superseded, draft"),
    note: str = typer.Option("", "--note", help="Why (kept on the timeline)."),
    actor: str = AS,
    as_json: bool = JSON,
) -> None:
    """Decide (the DRI, the team's lead or staff): accept, reject, deprecate, withdraw."""
    django_setup()
    from sunrelay.decisions import service

    service.transition(pk, status, actor, note)
    _print_record(pk, as_json, f"Now {status}.")


@decision_app.command("comment")
@handles_errors
def comment(
    pk: int = typer.Argument(..., metavar="RECORD"),
    text: str = typer.Argument(...),
    section: str = typer.Option("", "--section", help="The heading it is about."),
    reply_to: int | None = typer.Option(None, "--reply-to", help="A comment's id."),
    actor: str = AS,
) -> None:
    """Comment on a record (or on one of its sections, or reply to a comment)."""
    django_setup()
    from sunrelay.decisions import review

    made = review.comment(pk, actor, text, section=section, reply_to=reply_to)
    out.print(f"Comment {made.pk} added.")
